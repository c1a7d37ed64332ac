/**
 * `npm run preview|up|destroy|stack:check`: the argument parser and the plan (pure), then the
 * scripts as typed, running the real Pulumi CLI in a scratch copy of the project: what they
 * refuse never starts pulumi, and what they hand over shows in the CLI's own behaviour.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseStackCommand, planStackCommand, StackEnvironment, StackRefused, StackUsageError } from "../../operations/stack/stackCommand";
import { parseStackFile, StackFileError } from "../../operations/stack/stackFile";
import { PulumiProject, userPulumiHomeChangesSince } from "../kit/stack/pulumiCli";

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

describe("npm run preview|up|destroy|stack:check, with the real pulumi", () => {
    let project: PulumiProject;
    const example = { PULUMI_CONFIG_PASSPHRASE: "the-test-passphrase" };

    const started = Date.now();

    before(async () => {
        // Stack files of its own (the examples become the user's own): prod protected, staging plain.
        project = await PulumiProject.create({ stacks: false });
        const hostnames = (name: string) => `  ${project.name}:hostnames:\n    - registry.${name}.example.com\n`;
        await writeFile(join(project.dir, "Pulumi.prod.yaml"), `config:\n  ${project.name}:protected: "true"\n${hostnames("prod")}`);
        await writeFile(join(project.dir, "Pulumi.staging.yaml"), `config:\n${hostnames("staging")}`);
        await writeFile(join(project.dir, "Pulumi.dev.yaml"), `config:\n${hostnames("dev")}`);
    });
    after(async () => {
        await project?.remove();
        assert.deepEqual(await userPulumiHomeChangesSince(started), [], "the user's ~/.pulumi is untouched");
    });

    /** `npm run <script> -- <args>` in the scratch project, as typed, and the CLI's starts during it. */
    async function npmRun(script: string, args: string[], env: Record<string, string | undefined> = {}) {
        await project.clearRuns();
        const result = await project.bash(`npm run -s ${script} -- ${args.join(" ")}`, { env });
        return { ...result, runs: await project.runs() };
    }
    const stacks = async () => {
        const ls = await project.pulumi(["stack", "ls", "--json"]);
        assert.equal(ls.code, 0, ls.stderr);
        return (JSON.parse(ls.stdout) as { name: string }[]).map((st) => st.name).sort();
    };
    const history = async (stack: string, env: Record<string, string>) => {
        const h = await project.pulumi(["stack", "history", "--stack", stack, "--json"], { env });
        assert.equal(h.code, 0, h.stderr);
        return JSON.parse(h.stdout) as { kind: string; environment: Record<string, string> }[];
    };

    test("destroy of the protected prod: refused before pulumi starts; with --destroy-protected pulumi destroys it, --yes included", async () => {
        const init = await project.pulumi(["stack", "init", "prod"], { env: example });
        assert.equal(init.code, 0, init.stderr);
        const refused = await npmRun("destroy", ["prod", "--yes"], example);
        assert.equal(refused.code, 1, refused.stderr);
        assert.match(refused.stderr, /destroy: refused: stack prod is protected/);
        assert.deepEqual(refused.runs, [], "pulumi never started");
        assert.deepEqual(await history("prod", example), []);

        const done = await npmRun("destroy", ["prod", "--yes", "--destroy-protected"], example);
        assert.equal(done.code, 0, done.stderr);
        assert.deepEqual(done.runs, ["stack select prod", "destroy --stack prod --yes"]);
        // The CLI's own record of the run: a destroy of prod, with --yes, decrypting with the passphrase given.
        const [update] = await history("prod", example);
        assert.equal(update.kind, "destroy");
        assert.equal(update.environment["pulumi.flag.yes"], "true");
        assert.equal(update.environment["pulumi.env.PULUMI_CONFIG_PASSPHRASE"], "set");
    });

    test("npm run up: the dev stack, created with an empty passphrase; pulumi's own answer and exit code come back", async () => {
        const up = await npmRun("up", []);
        // Nobody can confirm here, so pulumi itself refuses: its exit code is the script's.
        assert.match(up.stderr, /--yes or --skip-preview or --preview-only must be passed in to proceed when running in non-interactive mode/);
        const direct = await project.pulumi(["up", "--stack", "dev"], { env: { PULUMI_CONFIG_PASSPHRASE: "" } });
        assert.equal(up.code, direct.code);
        assert.notEqual(up.code, 0);
        assert.deepEqual(up.runs, ["stack select --create dev", "up --stack dev"]);
        assert.ok((await stacks()).includes("dev"));
        // The empty passphrase reached the CLI: it salted Pulumi.dev.yaml for "" and opens it with "" only.
        assert.match(await project.stackFile("dev"), /^encryptionsalt: v1:/m);
        const secret = await project.pulumi(["config", "set", "--stack", "dev", "--secret", "probe", "x"], { env: { PULUMI_CONFIG_PASSPHRASE: "" } });
        assert.equal(secret.code, 0, secret.stderr);
        assert.match((await project.pulumi(["config", "--stack", "dev", "--show-secrets"], { env: { PULUMI_CONFIG_PASSPHRASE: "x" } })).stderr, /incorrect passphrase/);
        // With --yes the run goes on, up to the language host this machine lacks.
        const yes = await npmRun("up", ["--yes"]);
        assert.match(yes.stderr, /failed to load language plugin nodejs/);
    });

    test("preview of staging: the passphrase from the environment reaches pulumi, which checks it", async () => {
        const init = await project.pulumi(["stack", "init", "staging"], { env: example });
        assert.equal(init.code, 0, init.stderr);
        const wrong = await npmRun("preview", ["staging"], { PULUMI_CONFIG_PASSPHRASE: "not-the-passphrase" });
        assert.notEqual(wrong.code, 0);
        assert.match(wrong.stderr, /incorrect passphrase/);
        const right = await npmRun("preview", ["staging", "--diff"], example);
        assert.match(right.stderr, /failed to load language plugin nodejs/);
        // Other flags go through unchanged, for pulumi to judge.
        const unknown = await npmRun("preview", ["staging", "--no-such-flag"], example);
        assert.match(unknown.stderr, /unknown flag: --no-such-flag/);
    });

    test("a failed stack select stops the run with pulumi's exit code; up never starts", async () => {
        const notADir = join(project.dir, "..", "not-a-backend");
        await writeFile(notADir, "");
        const env = { PULUMI_BACKEND_URL: `file://${notADir}` };
        const failed = await npmRun("up", ["dev", "--yes"], env);
        const direct = await project.pulumi(["stack", "select", "--create", "dev"], { env: { ...env, PULUMI_CONFIG_PASSPHRASE: "" } });
        assert.notEqual(failed.code, 0);
        assert.equal(failed.code, direct.code);
        assert.deepEqual(failed.runs, ["stack select --create dev"], "up does not run after a failed select");
    });

    test("refusals come before pulumi starts: a missing stack file, CI without a backend or a passphrase, bad arguments", async () => {
        const missing = await npmRun("up", ["qa", "--yes"], example);
        assert.equal(missing.code, 1);
        assert.match(missing.stderr, /up: refused: Pulumi.qa.yaml does not exist/);
        assert.ok(!(await stacks()).includes("qa"), "no stack qa was made");
        const noBackend = await npmRun("preview", ["staging"], { ...example, CI: "true", PULUMI_BACKEND_URL: undefined });
        assert.equal(noBackend.code, 1);
        assert.match(noBackend.stderr, /preview: refused: PULUMI_BACKEND_URL is not set/);
        const noPassphrase = await npmRun("stack:check", ["staging"], { CI: "true" });
        assert.equal(noPassphrase.code, 1);
        assert.match(noPassphrase.stderr, /check: refused: stack staging encrypts its secrets with a passphrase and nobody can be asked/);
        const ready = await npmRun("stack:check", ["staging"], { ...example, CI: "true" });
        assert.equal(ready.code, 0, ready.stderr);
        const usage = await npmRun("destroy", []);
        assert.equal(usage.code, 2);
        for (const run of [missing, noBackend, noPassphrase, ready, usage]) assert.deepEqual(run.runs, [], `${run.command}: pulumi never started`);
    });
});
