/**
 * `npm run preview|up|destroy|stack:check`: the argument parser and the plan (pure), then the
 * real CLI run against a fake `pulumi` on PATH that records what it was asked to do.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseStackCommand, planStackCommand, StackEnvironment, StackRefused, StackUsageError } from "../../operations/stack/stackCommand";
import { parseStackFile, StackFileError } from "../../operations/stack/stackFile";
import { projectDir } from "../kit/stack/stackFiles";

const project = "private-registry";
const file = (name: string, text?: string) => parseStackFile(project, name, text);
const laptop: StackEnvironment = { interactive: true };
const ci: StackEnvironment = { CI: "true", PULUMI_BACKEND_URL: "s3://state/registry", PULUMI_CONFIG_PASSPHRASE: "pw", interactive: false };

test("parse: the stack comes first or as --stack; other flags go to pulumi in order", () => {
    assert.deepEqual(parseStackCommand("up", []), { action: "up", stack: "dev", name: "dev", destroyProtected: false, pulumiArgs: [] });
    assert.deepEqual(parseStackCommand("up", ["prod", "--yes", "--target", "urn:pulumi:prod::x"]).pulumiArgs, ["--yes", "--target", "urn:pulumi:prod::x"]);
    assert.equal(parseStackCommand("preview", ["--stack", "staging"]).stack, "staging");
    assert.equal(parseStackCommand("preview", ["-s", "staging", "--refresh"]).pulumiArgs[0], "--refresh");
    assert.equal(parseStackCommand("preview", ["--stack=org/private-registry/prod"]).name, "prod");
    assert.deepEqual(parseStackCommand("up", ["prod", "--", "--message", "hi"]).pulumiArgs, ["--message", "hi"]);
    // A word after pulumi's flags is their value, not the stack.
    assert.deepEqual(parseStackCommand("up", ["--target", "prod"]).pulumiArgs, ["--target", "prod"]);
    assert.equal(parseStackCommand("destroy", ["prod", "--destroy-protected"]).destroyProtected, true);
});

test("parse: destroy and check need a stack; bad names and misplaced flags are refused with the usage", () => {
    assert.throws(() => parseStackCommand("destroy", ["--yes"]), (e: Error) => e instanceof StackUsageError && /destroy needs a stack name/.test(e.message) && /usage:/.test(e.message));
    assert.throws(() => parseStackCommand("check", []), /check needs a stack name/);
    assert.throws(() => parseStackCommand("up", ["pro d"]), /stack "pro d" is not allowed; expected letters, digits/);
    assert.throws(() => parseStackCommand("up", ["prod", "--stack", "staging"]), /the stack is given twice \("prod" and "staging"\)/);
    assert.throws(() => parseStackCommand("up", ["prod", "--destroy-protected"]), /--destroy-protected belongs to destroy only/);
    assert.throws(() => parseStackCommand("apply", []), /"apply" is not an action; expected one of preview, up, destroy, check/);
    assert.throws(() => parseStackCommand("up", ["--stack"]), /--stack needs a stack name/);
});

test("parse: a second stack or another project directory among pulumi's flags is refused (pulumi would take it)", () => {
    for (const sneaky of [["-sprod"], ["-s=prod"], ["--", "--stack", "prod"], ["--", "-s", "prod"], ["--", "--stack=prod"], ["-C", "/elsewhere"], ["--cwd=/elsewhere"], ["-C/elsewhere"]]) {
        assert.throws(() => parseStackCommand("destroy", ["staging", "--yes", ...sneaky]), /is not allowed among pulumi's flags/, sneaky.join(" "));
    }
    // Flags that merely start with the same letters are pulumi's own.
    assert.deepEqual(parseStackCommand("up", ["staging", "--skip-preview", "--show-secrets"]).pulumiArgs, ["--skip-preview", "--show-secrets"]);
});

test("stack file: a mirror's upstreamPassword must be a secure value, per mirror (the program sees only the whole key)", () => {
    const stack = (password: string) =>
        `config:\n  ${project}:mirrors:\n    - { name: hub, port: 5001, access: anonymous }\n    - name: lab\n      port: 5002\n      access: users\n      upstreamUsername: u\n      upstreamPassword: ${password}\n`;
    assert.equal(file("dev", stack("\n        secure: v1:abc")).exists, true);
    assert.throws(
        () => file("dev", stack("token-in-clear")),
        (e: Error) =>
            e instanceof StackFileError &&
            e.message === `Pulumi.dev.yaml: ${project}:mirrors[1].upstreamPassword is stored in plain text; set it as a secret: pulumi config set --secret --path 'mirrors[1].upstreamPassword'`,
    );
});

test("stack file: protected is true, \"true\" or absent/false; anything else is an error naming file, key and value", () => {
    assert.equal(file("prod", "config:\n  private-registry:protected: true\n").protected, true);
    assert.equal(file("prod", "config:\n  private-registry:protected: \"true\"\n").protected, true);
    assert.equal(file("prod", "config:\n  private-registry:protected: false\n").protected, false);
    assert.equal(file("prod", "config: {}\n").protected, false);
    assert.equal(file("prod", "secretsprovider: awskms://alias/x\nconfig: {}\n").secretsProvider, "awskms://alias/x");
    assert.equal(file("prod", undefined).exists, false);
    assert.throws(() => file("prod", "config:\n  private-registry:protected: yes-please\n"),
        (e: Error) => e instanceof StackFileError && e.message === 'Pulumi.prod.yaml: private-registry:protected: "yes-please" is not allowed; expected true or false');
    assert.throws(() => file("prod", "config: [\n"), /Pulumi.prod.yaml: not valid YAML/);
});

describe("plan", () => {
    const prod = file("prod", "config:\n  private-registry:protected: true\n");
    const staging = file("staging", "config: {}\n");
    const dev = file("dev", "config: {}\n");

    test("destroy of a protected stack is refused unless --destroy-protected is given", () => {
        assert.throws(() => planStackCommand(parseStackCommand("destroy", ["prod", "--yes"]), prod, ci),
            (e: Error) => e instanceof StackRefused && /stack prod is protected \(protected: true in Pulumi.prod.yaml\)/.test(e.message) && /--destroy-protected/.test(e.message));
        const plan = planStackCommand(parseStackCommand("destroy", ["prod", "--yes", "--destroy-protected"]), prod, ci);
        assert.deepEqual(plan.runs, [["stack", "select", "prod"], ["destroy", "--stack", "prod", "--yes"]]);
        assert.match(plan.notes.join("\n"), /protected; destroying it because --destroy-protected was given/);
        // Unprotected stacks need no flag; a missing stack file does (its protection is unknown).
        assert.deepEqual(planStackCommand(parseStackCommand("destroy", ["staging"]), staging, ci).runs[1], ["destroy", "--stack", "staging"]);
        assert.throws(() => planStackCommand(parseStackCommand("destroy", ["qa"]), file("qa"), ci), /Pulumi.qa.yaml does not exist, so whether stack qa is protected cannot be told/);
    });

    test("preview and up select (or create) the stack, then run with --stack; a missing stack file is refused", () => {
        assert.deepEqual(planStackCommand(parseStackCommand("preview", ["staging"]), staging, ci).runs, [
            ["stack", "select", "--create", "staging"], ["preview", "--stack", "staging", "--diff"],
        ]);
        assert.deepEqual(planStackCommand(parseStackCommand("up", ["staging", "--yes"]), staging, ci).runs[1], ["up", "--stack", "staging", "--yes"]);
        assert.throws(() => planStackCommand(parseStackCommand("up", ["qa"]), file("qa"), ci), /Pulumi.qa.yaml does not exist. Create the environment first: pulumi stack init qa/);
        assert.deepEqual(planStackCommand(parseStackCommand("check", ["staging"]), staging, ci).runs, []);
    });

    test("in CI, without PULUMI_BACKEND_URL, every action is refused (file://~ state would be thrown away)", () => {
        for (const action of ["preview", "up", "destroy", "check"]) {
            assert.throws(() => planStackCommand(parseStackCommand(action, ["staging"]), staging, { ...ci, PULUMI_BACKEND_URL: "" }),
                /PULUMI_BACKEND_URL is not set. In CI, Pulumi.yaml's default backend \(file:\/\/~\)/);
        }
        // On a laptop the project's file://~ backend is the intended default.
        assert.doesNotThrow(() => planStackCommand(parseStackCommand("up", ["dev"]), dev, laptop));
    });

    test("passphrase: dev defaults to an empty one; other stacks are prompted, or refused where nobody can answer", () => {
        const devPlan = planStackCommand(parseStackCommand("up", []), dev, laptop);
        assert.deepEqual(devPlan.env, { PULUMI_CONFIG_PASSPHRASE: "" });
        assert.deepEqual(planStackCommand(parseStackCommand("up", []), dev, { ...laptop, PULUMI_CONFIG_PASSPHRASE_FILE: "/run/pp" }).env, {});
        assert.deepEqual(planStackCommand(parseStackCommand("up", ["staging"]), staging, laptop).env, {}, "pulumi asks on the terminal");
        assert.throws(() => planStackCommand(parseStackCommand("up", ["staging"]), staging, { ...ci, PULUMI_CONFIG_PASSPHRASE: undefined }),
            /stack staging encrypts its secrets with a passphrase and nobody can be asked for it here; set PULUMI_CONFIG_PASSPHRASE/);
        // A workflow that maps a missing secret gets an empty variable: that is no passphrase either.
        assert.throws(() => planStackCommand(parseStackCommand("check", ["staging"]), staging, { ...ci, PULUMI_CONFIG_PASSPHRASE: "" }), /nobody can be asked/);
        const kms = file("staging", "secretsprovider: awskms://alias/registry\nconfig: {}\n");
        assert.doesNotThrow(() => planStackCommand(parseStackCommand("up", ["staging"]), kms, { ...ci, PULUMI_CONFIG_PASSPHRASE: undefined }));
    });
});

describe("the CLI, with a fake pulumi on PATH", () => {
    let work: string;
    let bin: string;
    let log: string;
    const cli = join(projectDir, "operations", "stack", "stackCli.ts");
    const tsxLoader = pathToFileURL(join(projectDir, "node_modules", "tsx", "dist", "loader.mjs")).href;

    before(async () => {
        work = await mkdtemp(join(tmpdir(), "stack-cli-"));
        bin = join(work, "bin");
        log = join(work, "pulumi.log");
        await mkdir(bin);
        // Records argv and the passphrase variable; fails when asked to (FAKE_PULUMI_FAIL=<command>).
        await writeFile(join(bin, "pulumi"), [
            "#!/bin/sh",
            `printf '%s|pp=%s\\n' "$*" "\${PULUMI_CONFIG_PASSPHRASE-unset}" >> "${log}"`,
            `[ "$1" = "\${FAKE_PULUMI_FAIL:-}" ] && exit 3`,
            "exit 0",
        ].join("\n"));
        await chmod(join(bin, "pulumi"), 0o755);
        await copyFile(join(projectDir, "Pulumi.yaml"), join(work, "Pulumi.yaml"));
        await writeFile(join(work, "Pulumi.prod.yaml"), "config:\n  private-registry:protected: true\n");
        await writeFile(join(work, "Pulumi.dev.yaml"), "config: {}\n");
    });
    after(async () => {
        if (work) await rm(work, { recursive: true, force: true });
    });

    function run(args: string[], env: Record<string, string | undefined> = {}) {
        const base = { ...process.env };
        for (const k of ["CI", "PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE", "FAKE_PULUMI_FAIL"]) delete base[k];
        // tsx by path: the run's directory is the temporary project, which has no node_modules.
        return spawnSync(process.execPath, ["--import", tsxLoader, cli, ...args], {
            cwd: work,
            env: { ...base, PATH: `${bin}:${process.env.PATH}`, ...env },
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
        });
    }
    const calls = async () => (await readFile(log, "utf8").catch(() => "")).trim().split("\n").filter(Boolean);

    test("npm run destroy -- prod: refused (exit 1), pulumi never runs; with --destroy-protected it runs", async () => {
        await rm(log, { force: true });
        const refused = run(["destroy", "prod", "--yes"], { PULUMI_CONFIG_PASSPHRASE: "pw" });
        assert.equal(refused.status, 1, refused.stderr);
        assert.match(refused.stderr, /destroy: refused: stack prod is protected/);
        assert.deepEqual(await calls(), []);
        const done = run(["destroy", "prod", "--yes", "--destroy-protected"], { PULUMI_CONFIG_PASSPHRASE: "pw" });
        assert.equal(done.status, 0, done.stderr);
        assert.deepEqual(await calls(), ["stack select prod|pp=pw", "destroy --stack prod --yes|pp=pw"]);
    });

    test("npm run up: the dev stack with an empty passphrase; pulumi's exit code comes back and stops the next step", async () => {
        await rm(log, { force: true });
        const ok = run(["up"]);
        assert.equal(ok.status, 0, ok.stderr);
        assert.deepEqual(await calls(), ["stack select --create dev|pp=", "up --stack dev|pp="]);
        await rm(log, { force: true });
        const failed = run(["up", "dev"], { FAKE_PULUMI_FAIL: "stack" });
        assert.equal(failed.status, 3);
        assert.deepEqual(await calls(), ["stack select --create dev|pp="], "up does not run after a failed select");
    });

    test("usage errors exit 2; npm run stack:check in CI without a backend exits 1", async () => {
        assert.equal(run(["destroy"]).status, 2);
        const check = run(["check", "prod"], { CI: "true", PULUMI_CONFIG_PASSPHRASE: "pw" });
        assert.equal(check.status, 1);
        assert.match(check.stderr, /check: refused: PULUMI_BACKEND_URL is not set/);
        assert.equal(run(["check", "prod"], { CI: "true", PULUMI_CONFIG_PASSPHRASE: "pw", PULUMI_BACKEND_URL: "s3://b" }).status, 0);
    });
});
