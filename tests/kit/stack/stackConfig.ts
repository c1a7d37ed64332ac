/**
 * Each stack's config as the real Pulumi CLI hands it to the program: `pulumi config
 * --show-secrets --json` in a scratch copy of the project (Pulumi.yaml's defaults overlaid with
 * Pulumi.<stack>.yaml, `secure:` values decrypted by the CLI with the stack's passphrase).
 */
import * as pulumi from "@pulumi/pulumi";
import { PulumiProject } from "./pulumiCli";
import { parse } from "yaml";
import { examplePassphrase, securePaths } from "./stackFiles";

export interface StackConfig {
    /** `<project>:<key>` to the string the CLI passes the program. */
    config: Record<string, string>;
    /** Keys the CLI marks secret (they hold a secure value, at any depth). */
    secretKeys: string[];
    /** Paths of every secure value in the project's stack file, e.g. `private-registry:clients[0].privateKey`. */
    securePaths: string[];
    /** Values by key: objects and lists as objects, the rest as the CLI's text. */
    values: Record<string, unknown>;
}

/** The passphrase of a stack file: none for the laptop stack (the npm scripts' empty one), else the example's. */
export function passphraseOf(stack: string): string {
    return stack === "dev" ? "" : examplePassphrase;
}

/** Reads one stack of `project`, selecting it (and creating it in the project's backend when new) first. */
export async function readStackConfig(project: PulumiProject, stack: string, passphrase = passphraseOf(stack)): Promise<StackConfig> {
    const init = await project.pulumi(["stack", "select", "--create", stack], { env: { PULUMI_CONFIG_PASSPHRASE: passphrase } });
    if (init.code !== 0) throw new Error(`${init.command}: exit ${init.code}\n${init.stderr}`);
    const read = await project.config(stack, passphrase);
    const written = (parse(await project.stackFile(stack)) as { config?: Record<string, unknown> } | null)?.config ?? {};
    return {
        config: Object.fromEntries(Object.entries(read).map(([k, v]) => [k, v.value])),
        secretKeys: Object.entries(read).filter(([, v]) => v.secret).map(([k]) => k),
        securePaths: Object.entries(written).flatMap(([k, v]) => securePaths(v, k)),
        values: Object.fromEntries(Object.entries(read).map(([k, v]) => [k, v.objectValue ?? v.value])),
    };
}

/** One stack file's config, read through the CLI in a scratch project that is removed afterwards. */
export async function stackConfigOf(stack: string): Promise<StackConfig> {
    const project = await PulumiProject.create();
    try {
        return await readStackConfig(project, stack);
    } finally {
        await project.remove();
    }
}

/** Makes `new pulumi.Config()` read this stack's config, as the CLI sets it up for the program. */
export function useStackConfig(stack: StackConfig): void {
    pulumi.runtime.setAllConfig(stack.config, stack.secretKeys);
}
