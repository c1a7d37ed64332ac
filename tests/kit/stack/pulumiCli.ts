/**
 * The real Pulumi CLI (built by ../pulumiCli.sh from its Go module) in a scratch copy of the
 * project: Pulumi.yaml, the stack files and package.json copied, node_modules and operations/
 * linked, and a home folder of its own. Pulumi.yaml's backend (`file://~`) then keeps state in
 * that home, the npm launcher (`npx pulumi`, `npm run up`) finds the built CLI in its cache
 * there, and nothing touches the user's ~/.pulumi.
 */
import { copyFile, lstat, mkdir, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { freshTempDir } from "../host/tempDirs";
import { runProcess, RunResult } from "../host/process";
import { projectDir, projectName } from "./stackFiles";

/** The version ../pulumiCli.sh builds (its one spelling). */
export const pulumiCliVersion = /^PULUMI_CLI_VERSION=(\S+)$/m.exec(readFileSync(join(__dirname, "..", "pulumiCli.sh"), "utf8"))![1];

/** The built CLI: `PULUMI_CLI` when set, else where provisioning left it. */
function pulumiCliBinary(): string {
    const binary = process.env.PULUMI_CLI ?? `/var/cache/private-registry-test/pulumi-${pulumiCliVersion}/bin/pulumi`;
    if (!existsSync(binary)) throw new Error(`no Pulumi CLI at ${binary}: run bash tests/kit/provision.sh (it builds it) or set PULUMI_CLI`);
    return binary;
}

/**
 * Paths under the user's own ~/.pulumi changed (made or written) after `since` (epoch ms): the home
 * the CLI finds through the passwd entry when nothing points it elsewhere. Empty when untouched.
 */
export async function userPulumiHomeChangesSince(since: number): Promise<string[]> {
    const changed: string[] = [];
    const walk = async (path: string): Promise<void> => {
        const st = await lstat(path).catch(() => undefined);
        if (st === undefined) return;
        if (st.mtimeMs > since) changed.push(path);
        if (st.isDirectory()) for (const entry of await readdir(path)) await walk(join(path, entry));
    };
    await walk(join(userInfo().homedir, ".pulumi"));
    return changed;
}

/** Variables of this process that would steer the CLI or the wrappers elsewhere; never inherited. */
const steering = /^(?:CI|PULUMI_.*|GITHUB_.*|BUILD_NUMBER|TF_BUILD|NPM_CONFIG_.*|npm_.*)$/i;

export interface CliRun extends RunResult {
    /** The command as given, for messages. */
    command: string;
}

/** A scratch project where the real CLI runs as a user would run it. */
export class PulumiProject {
    private constructor(
        /** The project folder (cwd of every run). */
        readonly dir: string,
        /** HOME and PULUMI_HOME (`.pulumi` in it, with the launcher's CLI cache) of every run. */
        readonly home: string,
        /** The file backend's folder (PULUMI_BACKEND_URL), unless a run unsets it. */
        readonly state: string,
        /** Where the CLI's shim notes each start. */
        private readonly runsLog: string,
    ) {}

    /** A copy of the project with every Pulumi.<stack>.yaml, or only Pulumi.yaml (`stacks: false`). */
    static async create(options: { stacks?: boolean } = {}): Promise<PulumiProject> {
        const root = await freshTempDir("pulumi-project-");
        const dir = join(root, "project");
        const home = join(root, "home");
        const state = join(root, "state");
        await mkdir(dir);
        await mkdir(state);
        const cliDir = join(home, ".pulumi", "versions", pulumiCliVersion, "bin");
        await mkdir(cliDir, { recursive: true });
        // The CLI itself, behind a line that notes each start (argv) for tests of who runs it.
        const log = join(root, "pulumi-runs.log");
        await writeFile(join(cliDir, "pulumi"), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${pulumiCliBinary()}' "$@"\n`, { mode: 0o755 });
        const files = (await readdir(projectDir)).filter((f) => f === "Pulumi.yaml" || f === "package.json" || (options.stacks !== false && /^Pulumi\..+\.yaml$/.test(f)));
        for (const f of files) await copyFile(join(projectDir, f), join(dir, f));
        // Pulumi.yaml's `file://~` is the passwd entry's home, whatever HOME says: in the copy it is
        // the scratch home, so a run that misses PULUMI_BACKEND_URL still stays in the scratch folder.
        const projectFile = join(dir, "Pulumi.yaml");
        const original = await readFile(projectFile, "utf8");
        const scratchBackend = original.replace(/^(\s+url:) file:\/\/~$/m, `$1 file://${home}`);
        if (scratchBackend === original) throw new Error("Pulumi.yaml has no backend url file://~ to move into the scratch home");
        await writeFile(projectFile, scratchBackend);
        for (const linked of ["node_modules", "operations"]) await symlink(join(projectDir, linked), join(dir, linked));
        return new PulumiProject(dir, home, state, log);
    }

    /** The project's name, as Pulumi.yaml gives it (the prefix of its config keys). */
    readonly name = projectName;

    /** The environment of every run: this process's, minus anything that steers Pulumi or CI, plus `env`. */
    environment(env: Record<string, string | undefined> = {}): Record<string, string> {
        const base = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && !steering.test(k))) as Record<string, string>;
        const merged: Record<string, string | undefined> = {
            ...base,
            HOME: this.home,
            // The CLI finds its home and `file://~` through the passwd entry, not HOME: both are set.
            PULUMI_HOME: join(this.home, ".pulumi"),
            PULUMI_BACKEND_URL: `file://${this.state}`,
            // The launcher runs this version from its cache ($PULUMI_HOME/versions/<version>/bin).
            PULUMI_VERSION: pulumiCliVersion,
            PULUMI_SKIP_UPDATE_CHECK: "true",
            // Only the plugins of this scratch home: never a language host or provider on PATH
            // (an installed Pulumi puts ~/.pulumi/bin there).
            PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
            NPM_CONFIG_UPDATE_NOTIFIER: "false",
            ...env,
        };
        return Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined));
    }

    /** `pulumi ARGS` through the npm launcher, as `npx pulumi ARGS` runs it. */
    pulumi(args: string[], options: { env?: Record<string, string | undefined>; stdin?: string } = {}): Promise<CliRun> {
        return this.run(join(this.dir, "node_modules", ".bin", "pulumi"), args, options);
    }

    /** A bash script in the project folder, as a user types it in a shell there. */
    bash(script: string, options: { env?: Record<string, string | undefined>; stdin?: string } = {}): Promise<CliRun> {
        return this.run("bash", ["-euo", "pipefail", "-c", script], options);
    }

    private async run(program: string, args: string[], options: { env?: Record<string, string | undefined>; stdin?: string }): Promise<CliRun> {
        const result = await runProcess(program, args, options.stdin ?? "", this.environment(options.env), { cwd: this.dir, inheritEnv: false });
        return { ...result, command: [program.split("/").pop(), ...args].join(" ") };
    }

    /** `pulumi config --show-secrets --json` of a stack: each key's value as the program gets it, and whether it is secret. */
    async config(stack: string, passphrase: string): Promise<Record<string, { value: string; secret: boolean; objectValue?: unknown }>> {
        const run = await this.pulumi(["config", "--stack", stack, "--show-secrets", "--json"], { env: { PULUMI_CONFIG_PASSPHRASE: passphrase } });
        if (run.code !== 0) throw new Error(`${run.command}: exit ${run.code}\n${run.stderr}`);
        return JSON.parse(run.stdout) as Record<string, { value: string; secret: boolean; objectValue?: unknown }>;
    }

    /** The argv of every start of the CLI so far, oldest first. */
    async runs(): Promise<string[]> {
        const log = await readFile(this.runsLog, "utf8").catch(() => "");
        return log.split("\n").filter(Boolean);
    }

    /** Forgets the starts so far. */
    async clearRuns(): Promise<void> {
        await rm(this.runsLog, { force: true });
    }

    /** A stack file of the scratch project. */
    stackFile(stack: string): Promise<string> {
        return readFile(join(this.dir, `Pulumi.${stack}.yaml`), "utf8");
    }

    /** Removes the scratch project, its home and its backend. */
    async remove(): Promise<void> {
        await rm(join(this.dir, ".."), { recursive: true, force: true });
    }
}
