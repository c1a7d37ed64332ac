/**
 * The environment stack files (Pulumi.dev.yaml, Pulumi.staging.yaml, Pulumi.prod.yaml): every
 * key declared and typed as Pulumi.yaml says, secrets only as `secure:` values that the real
 * Pulumi CLI decrypts, the CLI's own checks passed up to the language host, and each stack's
 * config, as the CLI hands it over and read by the program's own code, passes validation and
 * declares the resources it describes. The prod example's certificate is checked with openssl.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { findProblems, resolveSettings } from "../../components";
import { registryArgsFromConfig } from "../../program";
import { renderRegistry } from "../kit/render/render";
import { PulumiProject } from "../kit/stack/pulumiCli";
import { passphraseOf, readStackConfig, StackConfig, useStackConfig } from "../kit/stack/stackConfig";
import { isSecure, projectFile, projectName, stackFiles, valueAtPath } from "../kit/stack/stackFiles";

const exec = promisify(execFile);
const files = stackFiles();
const byName = new Map(files.map((f) => [f.name, f]));
const configs = new Map<string, StackConfig>();
const key = (k: string) => `${projectName}:${k}`;
let cli: PulumiProject;

before(async () => {
    cli = await PulumiProject.create();
    for (const f of files) configs.set(f.name, await readStackConfig(cli, f.name));
});
after(async () => {
    await cli?.remove();
});

/** Does a value as written in a stack file fit the Pulumi.yaml type? (The CLI stores `config set` values as text.) */
function fitsType(type: string, itemType: string | undefined, value: unknown): boolean {
    switch (type) {
        case "integer":
            return Number.isInteger(value) || (typeof value === "string" && /^-?\d+$/.test(value));
        case "boolean":
            return typeof value === "boolean" || value === "true" || value === "false";
        case "string":
            return typeof value === "string" || isSecure(value);
        case "array":
            return Array.isArray(value) && value.every((item) => fitsType(itemType ?? "string", undefined, item));
        default:
            return false;
    }
}

test("there are the laptop, staging and production stacks", () => {
    assert.deepEqual(files.map((f) => f.name), ["dev", "prod", "staging"]);
});

test("every key of every stack file is declared in Pulumi.yaml (or is clients) and has the declared type", () => {
    for (const f of files) {
        for (const [k, value] of Object.entries(f.config)) {
            assert.ok(k.startsWith(`${projectName}:`), `${f.fileName}: ${k} belongs to this project`);
            const name = k.slice(projectName.length + 1);
            if (name === "clients") {
                assert.ok(Array.isArray(value), `${f.fileName}: clients is a list`);
                continue;
            }
            const spec = projectFile.config[name];
            assert.ok(spec, `${f.fileName}: ${k} is declared in Pulumi.yaml`);
            assert.ok(fitsType(spec.type, spec.items?.type, value), `${f.fileName}: ${k} = ${JSON.stringify(value)} is a ${spec.type}`);
        }
    }
});

test("secrets appear only as secure: values, which the CLI decrypts with the example passphrase and no other", async () => {
    const secretSettings = ["tlsPrivateKey", "sshPrivateKey", "tlsCertificate"];
    for (const f of files) {
        assert.doesNotMatch(f.text, /BEGIN [A-Z ]*PRIVATE KEY/, `${f.fileName} holds no plaintext key`);
        for (const name of secretSettings) {
            const value = f.config[key(name)];
            if (value !== undefined && value !== "") assert.ok(isSecure(value), `${f.fileName}: ${name} is a secure: value`);
        }
        for (const [i, client] of ((f.config[key("clients")] ?? []) as Record<string, unknown>[]).entries()) {
            if (client.privateKey !== undefined) assert.ok(isSecure(client.privateKey), `${f.fileName}: clients[${i}].privateKey is secure`);
        }
        const c = configs.get(f.name)!;
        for (const path of c.securePaths) {
            const name = path.slice(projectName.length + 1);
            const plain = valueAtPath(c.values, path);
            assert.ok(typeof plain === "string" && plain !== "", `${f.fileName}: ${name} decrypts to a value`);
            if (/privatekey$/i.test(name)) {
                assert.match(plain, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, `${f.fileName}: ${name} decrypts to a private key`);
            }
        }
        if (c.securePaths.length > 0) {
            assert.ok(c.secretKeys.length > 0, `${f.fileName}: the CLI marks its secure keys secret`);
            const wrong = await cli.pulumi(["config", "--stack", f.name, "--show-secrets", "--json"], { env: { PULUMI_CONFIG_PASSPHRASE: "not-the-passphrase" } });
            assert.notEqual(wrong.code, 0);
            assert.match(wrong.stderr, /incorrect passphrase/);
        }
    }
});

test("the CLI accepts every stack's config: preview stops only where the Node.js language host is needed", async () => {
    for (const f of files) {
        const preview = await cli.pulumi(["preview", "--stack", f.name], { env: { PULUMI_CONFIG_PASSPHRASE: passphraseOf(f.name) } });
        // Pulumi.yaml's types and required keys are checked before the program runs (a declared key
        // without a default is required in every stack); the language host is the first thing
        // this machine lacks.
        assert.notEqual(preview.code, 0);
        assert.match(preview.stderr, /failed to load language plugin nodejs/, `${f.fileName}: ${preview.stderr}`);
    }
});

test("the stack files are in the CLI's own form: a config set leaves every other line as it was", async () => {
    const withoutSalt = (text: string) => text.replace(/^encryptionsalt: .*\n/m, "");
    for (const f of files) {
        const first = (configs.get(f.name)!.values[key("hostnames")] as string[])[0];
        const set = await cli.pulumi(["config", "set", "--stack", f.name, "--path", "hostnames[0]", first], { env: { PULUMI_CONFIG_PASSPHRASE: passphraseOf(f.name) } });
        assert.equal(set.code, 0, set.stderr);
        const after = await cli.stackFile(f.name);
        assert.equal(withoutSalt(after), withoutSalt(f.text), `${f.fileName} as the CLI writes it back`);
        // The CLI adds a salt to a file without one (dev, at its first run) and keeps an existing one.
        if (f.encryptionsalt) assert.ok(after.split("\n").includes(`encryptionsalt: ${f.encryptionsalt}`), `${f.fileName} keeps its salt`);
    }
});

test("only prod is protected; prod uses its own certificate, a real name and a non-default port", () => {
    const protectedStacks = files.filter((f) => [true, "true"].includes(f.config[key("protected")] as boolean)).map((f) => f.name);
    assert.deepEqual(protectedStacks, ["prod"]);
    const prod = byName.get("prod")!.config;
    assert.notEqual(Number(prod[key("port")]), projectFile.config.port.default);
    assert.ok(isSecure(prod[key("tlsCertificate")]) && isSecure(prod[key("tlsPrivateKey")]));
    assert.match(String(prod[key("tlsCaCertificate")]), /BEGIN CERTIFICATE/);
    assert.match(String(prod[key("dockerHost")]), /^ssh:\/\//);
    assert.ok(((prod[key("clients")] ?? []) as unknown[]).length >= 2);
});

describe("each stack's config, read by the program's code", () => {
    for (const name of ["dev", "staging", "prod"]) {
        test(`${name}: passes validation and declares its container, clients and TLS`, async () => {
            const c = configs.get(name)!;
            useStackConfig(c);
            const args = registryArgsFromConfig(new pulumi.Config(projectName));
            // Validation as the component runs it (certificate inputs stand in as "given").
            assert.deepEqual(findProblems(resolveSettings("registry", args)), []);
            const r = await renderRegistry(args);
            const container = r.mocks.inputsOf("registry-container") as { ports: { internal: number; external: number }[]; name: string };
            const port = Number(c.values[key("port")]);
            assert.deepEqual(container.ports.map((p) => [p.internal, p.external]), [[port, port]]);
            const clientNames = ((c.values[key("clients")] ?? []) as { name: string }[]).map((client) => client.name);
            const commands = r.mocks.resources.filter((res) => res.type === "command:remote:Command").map((res) => res.name);
            assert.deepEqual(commands.sort(), clientNames.map((n) => `registry-client-${n}`).sort());
            const ownCertificate = c.values[key("tlsCertificate")] !== "";
            assert.equal(r.mocks.resources.some((res) => res.name === "registry-ca-cert"), !ownCertificate);
            if (ownCertificate) assert.equal(r.outputs.caCertificatePem, c.values[key("tlsCaCertificate")]);
            assert.equal(r.outputs.address, port === 443 ? (c.values[key("hostnames")] as string[])[0] : `${(c.values[key("hostnames")] as string[])[0]}:${port}`);
        });
    }
});

describe("the prod example's certificate (openssl)", () => {
    let work: string;
    before(async () => {
        work = await mkdtemp(join(tmpdir(), "prod-cert-"));
        const v = configs.get("prod")!.values;
        const chain = String(v[key("tlsCertificate")]).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
        await writeFile(join(work, "leaf.pem"), chain[0] ?? "");
        await writeFile(join(work, "intermediates.pem"), chain.slice(1).join(""));
        await writeFile(join(work, "key.pem"), String(v[key("tlsPrivateKey")]));
        await writeFile(join(work, "root.pem"), String(v[key("tlsCaCertificate")]));
    });
    after(async () => {
        if (work) await rm(work, { recursive: true, force: true });
    });

    test("covers every hostname, matches the private key and chains (with its intermediate) to tlsCaCertificate", async () => {
        const hostnames = configs.get("prod")!.values[key("hostnames")] as string[];
        const leaf = join(work, "leaf.pem");
        for (const h of hostnames) {
            const flag = /^[\d.]+$/.test(h) ? "-checkip" : "-checkhost";
            const { stdout } = await exec("openssl", ["x509", "-in", leaf, "-noout", flag, h]);
            assert.match(stdout, /does match certificate/, `${h}: ${stdout}`);
        }
        const fromCert = (await exec("openssl", ["x509", "-in", leaf, "-noout", "-pubkey"])).stdout;
        const fromKey = (await exec("openssl", ["pkey", "-in", join(work, "key.pem"), "-pubout"])).stdout;
        assert.equal(fromKey, fromCert);
        const verify = await exec("openssl", ["verify", "-no_check_time", "-CAfile", join(work, "root.pem"), "-untrusted", join(work, "intermediates.pem"), leaf]);
        assert.match(verify.stdout, /: OK/);
        // Without the intermediate the chain does not verify: tlsCertificate must carry it.
        await assert.rejects(exec("openssl", ["verify", "-no_check_time", "-CAfile", join(work, "root.pem"), leaf]));
    });
});
