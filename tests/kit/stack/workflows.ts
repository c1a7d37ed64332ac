/**
 * The GitHub Actions files of the project, parsed: workflows under .github/workflows and the
 * local actions they use, with helpers to walk their jobs and steps.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { projectDir } from "./stackFiles";

export interface Step {
    name?: string;
    uses?: string;
    run?: string;
    if?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
    shell?: string;
}

export interface Job {
    name?: string;
    uses?: string;
    needs?: string | string[];
    if?: string;
    environment?: string | { name: string };
    concurrency?: string | { group: string; "cancel-in-progress"?: boolean | string };
    permissions?: Record<string, string>;
    strategy?: { matrix?: Record<string, unknown>; "fail-fast"?: boolean };
    env?: Record<string, string>;
    steps?: Step[];
    container?: { image: string; options?: string };
}

export interface Workflow {
    name?: string;
    on: Record<string, unknown>;
    permissions?: Record<string, string>;
    jobs: Record<string, Job>;
}

export interface WorkflowFile {
    fileName: string;
    path: string;
    text: string;
    workflow: Workflow;
}

const workflowDir = join(projectDir, ".github", "workflows");

export function workflowFiles(): WorkflowFile[] {
    return readdirSync(workflowDir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((fileName) => {
            const path = join(workflowDir, fileName);
            const text = readFileSync(path, "utf8");
            // YAML 1.1 would read the key `on` as true; the yaml library reads YAML 1.2, as GitHub does.
            return { fileName, path, text, workflow: parse(text) as Workflow };
        });
}

export function workflow(fileName: string): Workflow {
    const found = workflowFiles().find((w) => w.fileName === fileName);
    if (!found) throw new Error(`no .github/workflows/${fileName}`);
    return found.workflow;
}

export interface LocalAction {
    path: string;
    text: string;
    action: { name: string; inputs?: Record<string, { required?: boolean; default?: string; description?: string }>; runs: { using: string; steps?: Step[] } };
}

/** A local action, `./.github/actions/<name>`. */
export function localAction(uses: string): LocalAction {
    const path = join(projectDir, uses, "action.yml");
    const text = readFileSync(path, "utf8");
    return { path, text, action: parse(text) as LocalAction["action"] };
}

/** Every step of every job, with where it is; local composite actions' steps included. */
export function allSteps(): { where: string; step: Step }[] {
    const out: { where: string; step: Step }[] = [];
    const seen = new Set<string>();
    for (const w of workflowFiles()) {
        for (const [id, job] of Object.entries(w.workflow.jobs)) {
            for (const [i, step] of (job.steps ?? []).entries()) {
                out.push({ where: `${w.fileName} ${id} step ${i + 1}`, step });
                if (step.uses?.startsWith("./") && !seen.has(step.uses)) {
                    seen.add(step.uses);
                    for (const [j, inner] of (localAction(step.uses).action.runs.steps ?? []).entries()) {
                        out.push({ where: `${step.uses} step ${j + 1}`, step: inner });
                    }
                }
            }
        }
    }
    return out;
}

export function needsOf(job: Job): string[] {
    return job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
}

export function environmentOf(job: Job): string | undefined {
    return typeof job.environment === "string" ? job.environment : job.environment?.name;
}

export function concurrencyOf(job: Job): { group: string; cancelInProgress: boolean } | undefined {
    if (job.concurrency === undefined) return undefined;
    if (typeof job.concurrency === "string") return { group: job.concurrency, cancelInProgress: false };
    const cancel = job.concurrency["cancel-in-progress"];
    return { group: job.concurrency.group, cancelInProgress: cancel === true || cancel === "true" };
}

/** The steps of a job that use an action (`owner/repo@ref`), by action name. */
export function stepsUsing(job: Job, action: string): Step[] {
    return (job.steps ?? []).filter((s) => s.uses?.split("@")[0] === action);
}
