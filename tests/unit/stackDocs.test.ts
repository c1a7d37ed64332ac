/**
 * The stack commands the guides give, run as a user types them, through the real Pulumi CLI in a
 * scratch copy of the project: adding an environment and making the example stacks yours
 * (docs/environments-and-ci.md) as whole blocks, and every `npx pulumi stack init`, `config set`
 * and `config rm` command of the guides (shell blocks, inline code, YAML comments), each checked
 * through the CLI or in the stack file it wrote. The only
 * changes to what the pages say: the state bucket becomes a local folder, the passphrase
 * placeholder a passphrase, and the files the commands read are made by the test.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { findProblems, resolveSettings } from "../../components";
import { registryArgsFromConfig } from "../../program";
import { runProcess } from "../kit/host/process";
import { configRmOf, configSetOf, shellBlockUnder, shellWords, stackCommandsOf } from "../kit/stack/docCommands";
import { PulumiProject, userPulumiHomeChangesSince } from "../kit/stack/pulumiCli";
import { passphraseOf, readStackConfig, useStackConfig } from "../kit/stack/stackConfig";
import { examplePassphrase, isSecure, projectName, securePaths, valueAtPath } from "../kit/stack/stackFiles";

const environments = "docs/environments-and-ci.md";
const started = Date.now();

after(async () => {
    assert.deepEqual(await userPulumiHomeChangesSince(started), [], "the user's ~/.pulumi is untouched");
});
const ownPassphrase = "our-own-passphrase";

/** Where a file a command reads lives: `~/…` in the scratch home, anything else in the project folder. */
function inputPath(project: PulumiProject, name: string): string {
    return name.startsWith("~/") ? join(project.home, name.slice(2)) : join(project.dir, name);
}

/** Makes each file a command reads (`< f`, `"$(cat f)"`): certificates and keys from openssl, SSH keys from ssh-keygen. */
async function makeInputFiles(project: PulumiProject, script: string): Promise<void> {
    const names = new Set<string>();
    for (const line of script.split("\n")) {
        for (const w of shellWords(line)) {
            if ("stdinFrom" in w) names.add(w.stdinFrom);
            if ("catOf" in w) names.add(w.catOf);
        }
    }
    for (const name of names) {
        const path = inputPath(project, name);
        if (existsSync(path)) continue;
        await mkdir(dirname(path), { recursive: true });
        const made = name.includes(".ssh/")
            ? await runProcess("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path])
            : name.endsWith(".hostkey")
              ? await runProcess("sh", ["-c", `ssh-keygen -q -t ed25519 -N '' -f '${path}.key' && cut -d' ' -f1,2 '${path}.key.pub' > '${path}'`])
              : name.endsWith(".key")
                ? await runProcess("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path])
                : await runProcess("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "30",
                    "-subj", `/CN=${name}`, "-keyout", "/dev/null", "-out", path]);
        assert.equal(made.code, 0, `${name}: ${made.stderr}`);
    }
}

/** What the CLI keeps of a file given as a value: `"$(cat f)"` loses every trailing newline, stdin one. */
async function valueOf(project: PulumiProject, w: ReturnType<typeof shellWords>[number]): Promise<string> {
    if ("text" in w) return w.text;
    const name = "catOf" in w ? w.catOf : w.stdinFrom;
    const content = await readFile(inputPath(project, name), "utf8");
    return "catOf" in w ? content.replace(/\n+$/, "") : content.replace(/\n$/, "");
}

/** The stack file's node at a config key (`hostnames[0]`, `clients[1].privateKey`), as written. */
async function writtenAt(project: PulumiProject, stack: string, key: string, path: boolean): Promise<unknown> {
    const config = (parse(await project.stackFile(stack)) as { config?: Record<string, unknown> }).config ?? {};
    return path ? valueAtPath(config, `${projectName}:${key}`) : config[`${projectName}:${key}`];
}

describe("docs/environments-and-ci.md, as written", () => {
    let project: PulumiProject;
    before(async () => {
        project = await PulumiProject.create();
    });
    after(async () => {
        await project?.remove();
    });

    /** A block with the state bucket moved to the scratch backend, the one change to what the page says. */
    function asRunHere(script: string): string {
        const moved = script.replace(/^export PULUMI_BACKEND_URL=s3:\/\/\S+/m, `export PULUMI_BACKEND_URL=file://${project.state}`);
        assert.notEqual(moved, script, "the block sets the shared backend first");
        return moved;
    }

    test("Add an environment: the qa stack is made, its values read back, the program accepts it, and preview runs up to the language host", async () => {
        const script = asRunHere(shellBlockUnder(environments, "Add an environment"));
        await makeInputFiles(project, script);
        // The passphrase as a user exports it ("State and secrets"); pulumi would otherwise ask.
        const run = await project.bash(script, { env: { PULUMI_CONFIG_PASSPHRASE: ownPassphrase } });
        // Every command but the last succeeded; the last, npm run preview, got to pulumi and stopped
        // only where this machine has no Node.js language host.
        assert.match(run.stderr, /failed to load language plugin nodejs/, run.stderr);
        assert.deepEqual((await project.runs()).filter((r) => r.startsWith("preview")), ["preview --stack qa --diff"]);
        const qa = await readStackConfig(project, "qa", ownPassphrase);
        assert.deepEqual(qa.values[`${projectName}:hostnames`], ["registry.qa.example.com"]);
        assert.equal(qa.values[`${projectName}:dockerHost`], "ssh://deploy@registry-host.qa.example.com");
        assert.equal(qa.values[`${projectName}:protected`], "true");
        assert.equal(qa.values[`${projectName}:sshPrivateKey`], (await readFile(join(project.home, ".ssh", "registry_deploy"), "utf8")).replace(/\n$/, ""));
        assert.ok(qa.secretKeys.includes(`${projectName}:sshPrivateKey`));
        assert.doesNotMatch(await project.stackFile("qa"), /PRIVATE KEY/);
        useStackConfig(qa);
        assert.deepEqual(findProblems(resolveSettings("registry", registryArgsFromConfig(new pulumi.Config(projectName)))), []);
    });

    test("Make the example stacks yours: prod opens with the new passphrase only, holds the new values, every secret re-encrypted", async () => {
        const script = asRunHere(shellBlockUnder(environments, "Make the example stacks yours")).replace("'<your passphrase>'", `'${ownPassphrase}'`);
        assert.match(script, /change-secrets-provider --stack prod passphrase/);
        await makeInputFiles(project, script);
        const before = securePaths(parse(await project.stackFile("prod")).config, "").length;
        // change-secrets-provider asks for the new passphrase: on a terminal twice, from a script on stdin.
        const run = await project.bash(script, { stdin: `${ownPassphrase}\n` });
        assert.equal(run.code, 0, run.stderr);
        const old = await project.pulumi(["config", "--stack", "prod", "--show-secrets"], { env: { PULUMI_CONFIG_PASSPHRASE: examplePassphrase } });
        assert.match(old.stderr, /incorrect passphrase/);
        const prod = await readStackConfig(project, "prod", ownPassphrase);
        const file = async (name: string) => (await readFile(join(project.dir, name), "utf8"));
        assert.equal((prod.values[`${projectName}:hostnames`] as string[])[0], "registry.yourcompany.com");
        assert.equal(prod.values[`${projectName}:tlsCertificate`], (await file("registry.chain.pem")).replace(/\n$/, ""));
        assert.equal(prod.values[`${projectName}:tlsPrivateKey`], (await file("registry.key")).replace(/\n$/, ""));
        assert.equal(prod.values[`${projectName}:tlsCaCertificate`], (await file("company-root-ca.pem")).replace(/\n$/, ""));
        assert.equal(prod.values[`${projectName}:sshPrivateKey`], (await readFile(join(project.home, ".ssh", "registry_deploy"), "utf8")).replace(/\n$/, ""));
        for (const k of ["tlsCertificate", "tlsPrivateKey", "sshPrivateKey"]) assert.ok(prod.secretKeys.includes(`${projectName}:${k}`), k);
        assert.ok(!prod.secretKeys.includes(`${projectName}:tlsCaCertificate`));
        // Every secure value was re-encrypted for the new passphrase, none left in plain text.
        const text = await project.stackFile("prod");
        assert.equal(securePaths(parse(text).config, "").length, before);
        assert.doesNotMatch(text, /PRIVATE KEY/);
    });
});

/**
 * Each page with `npx pulumi config set|rm` or `stack init` commands, and the stack they act on:
 * the laptop stack, or the prod example for pages about an existing environment (clients[2] needs
 * two clients before it).
 */
const pages: Record<string, { stack?: string; passphrase: string }> = {
    "docs/certificates.md": { stack: "prod", passphrase: examplePassphrase },
    "docs/client-hosts.md": { stack: "dev", passphrase: "" },
    "docs/mirrors.md": { stack: "dev", passphrase: "" },
    "docs/operations.md": { stack: "prod", passphrase: examplePassphrase },
    // Its block starts with its own `npx pulumi stack init public`.
    "docs/public-domain.md": { passphrase: ownPassphrase },
    "docs/registry-versions.md": { stack: "dev", passphrase: "" },
    "docs/scale-out.md": { stack: "dev", passphrase: "" },
};

/** The commands a page gives for a stack's config; the KMS example needs a KMS key, which this machine has not. */
function stackLines(page: string): string[] {
    return stackCommandsOf(page).filter((l) => !/awskms:/.test(l));
}

describe("every config line of the guides, one page at a time", () => {
    test("every page with such lines is listed here", async () => {
        const { readdir } = await import("node:fs/promises");
        const all = ["README.md", ...(await readdir(join(__dirname, "..", "..", "docs"))).map((f) => `docs/${f}`)].filter((p) => p !== environments);
        for (const page of all) {
            if (stackLines(page).length > 0) assert.ok(page in pages, `${page} gives stack commands: add it to the list`);
        }
    });

    for (const [page, { stack, passphrase }] of Object.entries(pages)) {
        const lines = stackLines(page);
        test(`${page}: its ${lines.length} commands run as typed, each value read back`, async () => {
            assert.ok(lines.length > 0, `${page} gives stack commands`);
            const project = await PulumiProject.create();
            try {
                const env = { PULUMI_CONFIG_PASSPHRASE: passphrase };
                if (stack !== undefined) {
                    const select = await project.pulumi(["stack", "select", "--create", stack], { env: { PULUMI_CONFIG_PASSPHRASE: passphraseOf(stack) } });
                    assert.equal(select.code, 0, select.stderr);
                }
                await makeInputFiles(project, lines.join("\n"));
                for (const line of lines) {
                    // A list item removed shortens its list; anything else is gone.
                    const removing = configRmOf(line);
                    const listOf = (key: string) => key.replace(/\[\d+\]$/, "");
                    const target = async (stackFlag?: string) => stackFlag ?? (await project.pulumi(["stack", "--show-name"])).stdout.trim();
                    const listBefore = removing?.path && /\]$/.test(removing.key)
                        ? (await writtenAt(project, await target(removing.stack), listOf(removing.key), true)) as unknown[]
                        : undefined;
                    const run = await project.bash(line, { env });
                    assert.equal(run.code, 0, `${page}: ${line}\n${run.stderr}`);
                    if (removing !== undefined) {
                        const stackName = await target(removing.stack);
                        if (listBefore !== undefined) {
                            const listAfter = (await writtenAt(project, stackName, listOf(removing.key), true)) as unknown[];
                            assert.equal(listAfter.length, listBefore.length - 1, `${page}: ${line}: one item fewer`);
                        } else {
                            assert.equal(await writtenAt(project, stackName, removing.key, removing.path), undefined, `${page}: ${line}: gone from the stack file`);
                        }
                        continue;
                    }
                    const set = configSetOf(line);
                    if (set === undefined) continue;
                    const stackName = await target(set.stack);
                    const get = await project.pulumi(["config", "get", "--stack", stackName, ...(set.path ? ["--path"] : []), set.key], { env });
                    assert.equal(get.code, 0, `${page}: ${line}: ${get.stderr}`);
                    assert.equal(get.stdout.replace(/\n$/, ""), await valueOf(project, set.value), `${page}: ${line}`);
                    assert.equal(isSecure(await writtenAt(project, stackName, set.key, set.path)), set.secret, `${page}: ${line}: stored as a secret exactly when --secret`);
                }
            } finally {
                await project.remove();
            }
        });
    }
});
