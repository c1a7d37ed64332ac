/**
 * The stack program (index.ts): stack config in, component args and stack outputs out.
 * Pulumi.yaml's defaults must be the component's defaults, and Pulumi.dev.yaml must be valid.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { RegistryMocks, valueOf } from "../kit/render/mocks";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PulumiProject } from "../kit/stack/pulumiCli";
import { readStackConfig } from "../kit/stack/stackConfig";
import { projectFile, projectName, stackFiles } from "../kit/stack/stackFiles";
import { defaults, findProblems, PrivateRegistryArgs, resolveSettings } from "../../components";
import { setEngineFeatures } from "../kit/render/engineFeatures";

const schema = projectFile.config;

const mocks = new RegistryMocks({ tls: "fake" });
let program: Record<string, pulumi.Output<unknown>>;

before(async () => {
    // The dev stack with users, a client host and its key set by the real CLI, as the guides do;
    // the program then gets what the CLI hands over (Pulumi.yaml's defaults under the stack's values).
    const cli = await PulumiProject.create();
    try {
        const dev = { env: { PULUMI_CONFIG_PASSPHRASE: "" } };
        await writeFile(join(cli.home, "client_key"), "-----BEGIN OPENSSH PRIVATE KEY-----\nfake\n-----END OPENSSH PRIVATE KEY-----\n");
        const set = await cli.bash([
            "npx pulumi stack select --create dev",
            "npx pulumi config set --path 'users[0]' admin",
            "npx pulumi config set --path 'users[1]' ci",
            "npx pulumi config set --path 'clients[0].name' web1",
            "npx pulumi config set --path 'clients[0].host' 10.0.0.7",
            "npx pulumi config set --path 'clients[0].user' deploy",
            "npx pulumi config set --path 'clients[0].runtimes[0]' docker",
            "npx pulumi config set --path 'clients[0].runtimes[1]' containerd",
            "npx pulumi config set --path 'clients[0].dockerLogin' ci",
            "npx pulumi config set --secret sshPrivateKey < ~/client_key",
        ].join("\n"), dev);
        assert.equal(set.code, 0, set.stderr);
        const { config, secretKeys } = await readStackConfig(cli, "dev");
        pulumi.runtime.setAllConfig(config, secretKeys);
    } finally {
        await cli.remove();
    }
    await pulumi.runtime.setMocks(mocks, projectName, "dev", false, "organization");
    setEngineFeatures();
    program = await import("../../index");
});

test("Pulumi.yaml declares a typed, described entry for every component argument, defaults equal to the code's", () => {
    const argKeys: (keyof PrivateRegistryArgs)[] = [
        "hostnames", "port", "bindAddress", "debugPort", "debugOnNetwork", "users", "passwordLength", "passwordUpper", "passwordLower",
        "passwordNumeric", "passwordSpecial", "passwordRotation", "bcryptCost", "authRealm", "tlsValidityHours",
        "tlsEarlyRenewalHours", "caValidityHours", "tlsKeyAlgorithm", "tlsCertificate", "tlsPrivateKey",
        "tlsCaCertificate", "image", "containerName", "dataVolumeName", "retainDataOnDestroy", "dockerHost",
        "corsOrigins", "logLevel", "accessLog", "logMaxSize", "logMaxFiles", "sshPrivateKey", "storage",
        "registryVersion", "tracingEndpoint", "tlsSource", "acmeEmail", "acmeDirectory", "acmeCaCertificates",
    ];
    // Derived when not set: the image's tag gives the major, tlsCertificate the source. The CLI
    // requires every declared key without a default, so these have a default that means "derive".
    const derived: Record<string, unknown> = { registryVersion: 0, tlsSource: "" };
    // Objects and lists of objects, types Pulumi.yaml cannot declare; their readers check them.
    const undeclared: (keyof PrivateRegistryArgs)[] = ["clients", "s3", "redis", "instances", "mirrors"];
    // Stack settings for the npm wrappers, not for the component.
    const stackKeys = ["protected"];
    assert.deepEqual(Object.keys(schema).sort(), [...argKeys, ...stackKeys].sort());
    assert.ok(undeclared.every((key) => !(key in schema)));
    assert.match(schema.sshPrivateKey.description ?? "", /clients.*README.*s3, redis, instances and mirrors/);
    for (const [key, spec] of Object.entries(schema)) {
        assert.ok(["string", "integer", "boolean", "array"].includes(spec.type), `${key} has a type`);
        assert.ok((spec.description ?? "").length > 20, `${key} has a description`);
        if (key === "hostnames") {
            assert.equal(spec.default, undefined, "hostnames has no default: the CLI requires it in every stack");
            continue;
        }
        if (key in derived) {
            assert.equal(spec.default, derived[key], `${key}: ${JSON.stringify(derived[key])} means "derive it"`);
            continue;
        }
        assert.notEqual(spec.default, undefined, `${key} has a default`);
        const codeDefault = key === "protected" ? false : (defaults as Record<string, unknown>)[key];
        if (codeDefault !== undefined) {
            assert.deepEqual(spec.default, codeDefault, `${key}: Pulumi.yaml default must equal the component's`);
        } else {
            assert.equal(spec.default, "", `${key}: "" means "not given"`);
        }
    }
});

test("Pulumi.dev.yaml: a laptop registry on localhost:5000 whose settings pass validation", () => {
    const cfg = stackFiles().find((f) => f.name === "dev")!.config;
    assert.deepEqual(cfg[`${projectName}:hostnames`], ["localhost"]);
    assert.equal(cfg[`${projectName}:port`], "5000");
    for (const key of Object.keys(cfg)) {
        assert.ok(key.startsWith(`${projectName}:`) && key.slice(projectName.length + 1) in schema, `${key} is a declared key`);
    }
    assert.deepEqual(findProblems(resolveSettings("registry", { hostnames: cfg[`${projectName}:hostnames`] as string[] })), []);
});

test("the program turns stack config into the component and exports what users need", async () => {
    assert.deepEqual(Object.keys(program).filter((k) => k !== "default").sort(), [
        "acmeVolumeName", "address", "addresses", "caCertificatePem", "clientCaRequired", "clients", "containerName", "dataVolumeName", "htpasswd", "instances", "mirrors", "passwords",
        "serverCertificatePem", "serverCertificateRenewal", "tlsSource", "url", "userNames",
    ]);
    // The renewal reads what this very stack exported last time (a new stack: nothing, the baseline trigger).
    assert.deepEqual(mocks.inputsOf("this-stack"), { name: "dev" }, "a DIY backend: the bare stack name, which its legacy layout accepts too");
    assert.equal(await valueOf(program.serverCertificateRenewal), "first");
    assert.equal(await valueOf(program.serverCertificatePem), "FAKE SERVER CERT registry-server-cert");
    assert.equal(await valueOf(program.tlsSource), "generated");
    assert.equal(await valueOf(program.clientCaRequired), true, "clients install the generated CA");
    assert.equal(await valueOf(program.acmeVolumeName), undefined, "no ACME, no cache volume");
    assert.deepEqual(await valueOf(program.instances), {}, "no instances listed: the single registry on dockerHost");
    assert.deepEqual(await valueOf(program.mirrors), {}, "no mirrors listed");
    assert.equal(await valueOf(program.address), "localhost:5000");
    assert.equal(await valueOf(program.url), "https://localhost:5000");
    assert.deepEqual(await valueOf(program.userNames), ["admin", "ci"]);
    assert.equal(await valueOf(program.containerName), "registry");
    assert.equal(await valueOf(program.dataVolumeName), "registry-data");
    assert.equal(await pulumi.isSecret(program.passwords), true);
    assert.equal(await pulumi.isSecret(program.htpasswd), true);
    const container = mocks.inputsOf("registry-container") as { ports: unknown[] };
    assert.deepEqual(container.ports, [{ internal: 5000, external: 5000, ip: "127.0.0.1", protocol: "tcp" }]);
    // "" for tlsPrivateKey means "not given": a CA is generated.
    assert.ok(mocks.resources.some((r) => r.name === "registry-ca-cert"));
    // The client from the stack config, with the shared key as a secret.
    const client = mocks.resources.find((r) => r.name === "registry-client-web1");
    assert.ok(client, "a command for the client host");
    const connection = mocks.inputsOf("registry-client-web1").connection as { host: string; user: string; privateKey: string };
    assert.equal(connection.host, "10.0.0.7");
    assert.equal(connection.user, "deploy");
    assert.match(connection.privateKey, /OPENSSH PRIVATE KEY/);
    assert.ok(JSON.stringify(client.inputs.connection).includes("4dabf18193072939515e22adb298388d"), "connection is secret");
    const summary = (await valueOf(program.clients)) as Record<string, { runtimes: string[]; dockerLogin: string }>;
    assert.deepEqual(summary.web1.runtimes, ["docker", "containerd"]);
    assert.equal(summary.web1.dockerLogin, "ci");
});
