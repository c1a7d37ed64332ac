/**
 * Several instances over shared S3 storage, under mocks: one container per Docker host with its
 * own provider, identical files everywhere, the S3 and Redis settings rendered with
 * Distribution 2.8's keys, secrets kept secret, and validation naming every bad setting.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { parse } from "yaml";
import { renderRegistry, uploadedFiles } from "../kit/render/render";
import * as pulumi from "@pulumi/pulumi";
import { isSecretEnvelope, plainStrings } from "../kit/render/secrets";
import { isSecret } from "../kit/render/mocks";
import {
    containerPaths, findProblems, PrivateRegistryArgs, RegistryConfigError, resolveSettings,
} from "../../components";
import { instancesFromConfig, redisFromConfig, s3FromConfig } from "../../program";

const s3 = { endpoint: "http://10.0.0.5:7480", bucket: "registry", accessKey: "AKIDEXAMPLE", secretKey: "wJalrXUtnFEMI-example-secret", secure: false };
const instances = [
    { name: "a", dockerHost: "ssh://deploy@reg-a.internal", hostname: "reg-a.internal" },
    { name: "b", dockerHost: "ssh://deploy@reg-b.internal", hostname: "10.0.0.12" },
];
const scaleOut: PrivateRegistryArgs = {
    hostnames: ["registry.example.com"],
    storage: "s3",
    s3,
    redis: { address: "10.0.0.6:6379", password: "redis-password-example" },
    instances,
};

const problemsOf = (args: Partial<PrivateRegistryArgs>) => findProblems(resolveSettings("registry", { ...scaleOut, ...args }));

test("one container per host, each through its own Docker provider; no data volume with S3", async () => {
    const r = await renderRegistry(scaleOut);
    const docker = r.mocks.resources.filter((res) => res.type.startsWith("docker:") || res.type === "pulumi:providers:docker");
    const providerOf = (host: string, instance: string) => `registry-${instance}-docker-${createHash("sha256").update(host).digest("hex").slice(0, 8)}`;
    assert.deepEqual(docker.map((res) => `${res.type} ${res.name}`).sort(), [
        "docker:index/container:Container registry-a-container",
        "docker:index/container:Container registry-b-container",
        "docker:index/remoteImage:RemoteImage registry-a-image",
        "docker:index/remoteImage:RemoteImage registry-b-image",
        `pulumi:providers:docker ${providerOf(instances[0].dockerHost, "a")}`,
        `pulumi:providers:docker ${providerOf(instances[1].dockerHost, "b")}`,
    ].sort());
    for (const { name, dockerHost } of instances) {
        assert.deepEqual(r.mocks.inputsOf(providerOf(dockerHost, name)), { host: dockerHost });
        assert.deepEqual(r.mocks.inputsOf(`registry-${name}-image`).triggers, { dockerHost });
        const container = r.mocks.inputsOf(`registry-${name}-container`) as { name: string; volumes: unknown[]; labels: { label: string; value: string }[] };
        assert.equal(container.name, "registry", "the same container name on every host");
        assert.deepEqual(container.volumes, [], "S3 storage: nothing on the host's disk");
        const labels = Object.fromEntries(container.labels.map((l) => [l.label, l.value]));
        assert.equal(labels["private-registry.instance"], name);
        assert.equal(labels["private-registry.docker-host"], dockerHost);
    }
    for (const o of r.options.filter((o) => o.type.startsWith("docker:"))) {
        assert.equal(o.hasProvider, true, `${o.name} goes through its host's provider`);
        assert.equal(o.parentName, "registry");
    }
    assert.equal(r.outputs.dataVolumeName, undefined);
    // Listing instances for the first time: the first takes over the single instance's container
    // (replaced delete-first, so the same container name and port never exist twice on a host).
    const aliasesOf = (n: string) => r.options.find((o) => o.name === n)!.aliasNames;
    assert.deepEqual(aliasesOf("registry-a-container"), ["registry-container"]);
    assert.deepEqual(aliasesOf("registry-a-image"), ["registry-image"]);
    assert.deepEqual(aliasesOf("registry-b-container"), []);
    const single = await renderRegistry({ hostnames: ["registry.example.com"] });
    assert.deepEqual(single.options.find((o) => o.name === "registry-container")!.aliasNames, [], "the single instance has no aliases");
});

test("every instance gets byte-identical files: one config (same http.secret), one htpasswd, one certificate", async () => {
    const r = await renderRegistry(scaleOut);
    const a = uploadedFiles(r, "registry-a-container");
    const b = uploadedFiles(r, "registry-b-container");
    assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
    for (const [path, file] of a) assert.deepEqual(b.get(path), file, `${path} differs between instances`);
    assert.equal(a.get(containerPaths(2).config)!.content, r.outputs.registryConfig);
    assert.equal(a.get(containerPaths(2).htpasswd)!.content, r.outputs.htpasswd);
});

test("the certificate covers the shared name and every instance's name; clients trust them all", async () => {
    const r = await renderRegistry({ ...scaleOut, clients: [{ name: "ci", host: "10.0.0.30" }], sshPrivateKey: "key" });
    const csr = r.mocks.inputsOf("registry-server-csr");
    assert.deepEqual(csr.dnsNames, ["registry.example.com", "reg-a.internal"]);
    assert.deepEqual(csr.ipAddresses, ["10.0.0.12"]);
    assert.deepEqual(r.outputs.addresses, ["registry.example.com:5000", "reg-a.internal:5000", "10.0.0.12:5000"]);
    assert.equal(r.outputs.address, "registry.example.com:5000", "images are tagged with the shared name");
    const trust = r.mocks.inputsOf("registry-client-ci") as { create: string; triggers: unknown[] };
    for (const address of r.outputs.addresses) assert.ok(trust.create.includes(address), `the client trusts ${address}`);
    const dependsOn = r.options.find((o) => o.name === "registry-client-ci")!.dependsOn;
    assert.deepEqual(dependsOn.sort(), ["registry-a-container", "registry-b-container"], "clients log in once every instance is up");
});

test("outputs: each instance's address, URL, Docker host and container, beside the shared address", async () => {
    const r = await renderRegistry({ ...scaleOut, port: 443 });
    assert.equal(r.outputs.url, "https://registry.example.com");
    assert.deepEqual(r.outputs.instances, {
        a: { dockerHost: "ssh://deploy@reg-a.internal", hostname: "reg-a.internal", address: "reg-a.internal", url: "https://reg-a.internal", containerName: "registry" },
        b: { dockerHost: "ssh://deploy@reg-b.internal", hostname: "10.0.0.12", address: "10.0.0.12", url: "https://10.0.0.12", containerName: "registry" },
    });
    const single = await renderRegistry({ hostnames: ["registry.example.com"] });
    assert.deepEqual(single.outputs.instances, {}, "one registry on dockerHost lists no instances");
});

test("S3 and Redis settings are rendered with Distribution 2.8's keys", async () => {
    const r = await renderRegistry({ ...scaleOut, s3: { ...s3, region: "eu-central-1", rootDirectory: "/team/registry", chunkSize: 16 * 1024 * 1024, v4auth: false }, redis: { address: "10.0.0.6:6379", password: "pw", db: 3 } });
    const config = parse(r.outputs.registryConfig);
    assert.deepEqual(config.storage.s3, {
        accesskey: "AKIDEXAMPLE",
        secretkey: "wJalrXUtnFEMI-example-secret",
        region: "eu-central-1",
        regionendpoint: "http://10.0.0.5:7480",
        bucket: "registry",
        rootdirectory: "/team/registry",
        secure: false,
        v4auth: false,
        chunksize: 16777216,
    });
    assert.equal(config.storage.filesystem, undefined);
    assert.deepEqual(config.storage.redirect, { disable: true }, "blobs are served through the registry by default");
    assert.equal(config.storage.cache.blobdescriptor, "redis");
    assert.deepEqual(config.redis, {
        addr: "10.0.0.6:6379", password: "pw", db: 3, dialtimeout: "1s", readtimeout: "1s", writetimeout: "1s",
        pool: { maxidle: 16, maxactive: 64, idletimeout: "300s" },
    });
    assert.equal(config.storage.delete.enabled, true);
    assert.equal(config.http.secret.length, 64);

    const defaults = parse((await renderRegistry({ hostnames: ["r.example.com"], storage: "s3", s3: { bucket: "images", redirect: true } })).outputs.registryConfig);
    assert.deepEqual(defaults.storage.s3, { region: "us-east-1", bucket: "images", secure: true, v4auth: true, chunksize: 10485760 },
        "AWS S3 with the host's own credentials: no endpoint, no keys, no root directory");
    assert.deepEqual(defaults.storage.redirect, { disable: false }, "redirect: true sends clients to pre-signed URLs");
    assert.equal(defaults.storage.cache.blobdescriptor, "inmemory");
    assert.equal(defaults.redis, undefined);
});

test("S3 keys and the Redis password are secret everywhere: config, uploads, state; never in a plain output", async () => {
    const r = await renderRegistry(scaleOut);
    const container = r.mocks.resources.find((res) => res.name === "registry-a-container")!;
    assert.ok(isSecretEnvelope(container.inputs.uploads), "uploads are a secret input");
    const plain = plainStrings(r.mocks.resources.map((res) => ({ inputs: res.inputs, outputs: r.mocks.outputsByName.get(res.name) })));
    for (const secret of [s3.accessKey, s3.secretKey, "redis-password-example"]) {
        assert.ok(!plain.some((s) => s.includes(secret)), `${secret} appears in plain state`);
        assert.ok(r.outputs.registryConfig.includes(secret), "the (secret) config carries it");
    }
    const instancesOutput = JSON.stringify(r.outputs.instances);
    assert.ok(![s3.secretKey, "redis-password-example"].some((s) => instancesOutput.includes(s)));
});

test("validation: local storage cannot be shared, S3 settings and instances are checked, each message names the setting", () => {
    assert.deepEqual(problemsOf({}), []);
    const one = (args: Partial<PrivateRegistryArgs>, key: string, pattern: RegExp) => {
        const problems = problemsOf(args);
        assert.equal(problems.length, 1, JSON.stringify(problems));
        assert.ok(problems[0].startsWith(`${key}:`), problems[0]);
        assert.match(problems[0], pattern);
    };
    one({ storage: "filesystem", s3: undefined }, "storage", /"filesystem" is not allowed; 2 instances cannot share a Docker volume.*storage to s3/);
    assert.deepEqual(problemsOf({ storage: "filesystem" }).map((p) => p.split(":")[0]), ["storage", "s3"], "both the sharing and the unused s3 settings");
    assert.deepEqual(findProblems(resolveSettings("registry", { hostnames: ["r.example.com"], instances: [instances[0]] })), [], "one listed instance may keep a volume");
    one({ storage: "gcs" as "s3" }, "storage", /"gcs" is not allowed; expected one of filesystem, s3/);
    one({ s3: undefined }, "s3", /required when storage is s3/);
    one({ s3: { ...s3, bucket: "My_Bucket" } }, "s3.bucket", /"My_Bucket".*3-63 lower-case/);
    one({ s3: { ...s3, endpoint: "10.0.0.5:7480" } }, "s3.endpoint", /"10.0.0.5:7480".*URL such as/);
    one({ s3: { ...s3, endpoint: "https://s3.example.com/registry" } }, "s3.endpoint", /scheme, host and port only/);
    one({ s3: { ...s3, secure: true } }, "s3.secure", /true is not allowed; must agree with s3.endpoint's scheme \(http\)/);
    one({ s3: { ...s3, rootDirectory: "registry/" } }, "s3.rootDirectory", /"registry\/".*leading slash/);
    one({ s3: { ...s3, chunkSize: 1024 * 1024 } }, "s3.chunkSize", /1048576.*5242880 \(5 MiB/);
    one({ s3: { ...s3, secretKey: undefined } }, "s3.secretKey", /set both as secrets, or neither/);
    one({ s3: { ...s3, region: "EU Central" } }, "s3.region", /"EU Central"/);
    one({ redis: { address: "10.0.0.6" } }, "redis.address", /"10.0.0.6".*host:port/);
    one({ redis: { address: "10.0.0.6:6379", db: 16 } }, "redis.db", /16.*0 to 15/);
    one({ dockerHost: "ssh://deploy@reg-a.internal" }, "dockerHost", /leave it unset when instances are listed/);
    one({ instances: [instances[0], { ...instances[1], name: "a" }] }, "instances[1] (a).name", /may be used once/);
    one({ instances: [instances[0], { ...instances[1], dockerHost: instances[0].dockerHost }] }, "instances[1] (b).dockerHost", /one instance/);
    one({ instances: [instances[0], { ...instances[1], dockerHost: "reg-b" }] }, "instances[1] (b).dockerHost", /"reg-b".*ssh:\/\//);
    one({ instances: [instances[0], { ...instances[1], hostname: "Registry.example.com" }] }, "instances[1] (b).hostname", /is one of hostnames/);
    one({ instances: [instances[0], { ...instances[1], hostname: "REG-A.internal" }] }, "instances[1] (b).hostname", /a hostname of its own/);
    one({ instances: [instances[0], { ...instances[1], name: "B_2" }] }, "instances[1] (B_2).name", /lower-case letters/);
    one({ storage: "filesystem", s3, instances: [instances[0]] }, "s3", /storage is filesystem/);
    one({ bindAddress: "10.0.0.11" }, "bindAddress", /"10.0.0.11".*0.0.0.0 or ::/);
    one({ s3: { bucket: "images", v4auth: false } }, "s3.v4auth", /false is not allowed; AWS S3 accepts Signature Version 4 only/);
    assert.deepEqual(problemsOf({ bindAddress: "::" }), []);
});

test("bad scale-out config fails before any resource is declared", async () => {
    await assert.rejects(renderRegistry({ ...scaleOut, storage: "filesystem", s3: undefined }), (e: unknown) => {
        assert.ok(e instanceof RegistryConfigError);
        assert.match(e.message, /storage: "filesystem" is not allowed; 2 instances cannot share a Docker volume/);
        return true;
    });
});

test("stack config readers: s3, redis and instances objects; unknown keys and wrong types named; keys and password made secret", async () => {
    const parsed = s3FromConfig({ endpoint: "http://127.0.0.1:7480", bucket: "b", accessKey: "AK", secretKey: "SK", secure: false, chunkSize: 5242880 })!;
    assert.equal(parsed.bucket, "b");
    for (const key of [parsed.accessKey, parsed.secretKey]) assert.equal(await isSecret(pulumi.output(key!)), true);
    const redis = redisFromConfig({ address: "127.0.0.1:6379", password: "pw", db: 1 })!;
    assert.equal(await isSecret(pulumi.output(redis.password!)), true);
    assert.deepEqual(instancesFromConfig([{ name: "a", dockerHost: "ssh://a", hostname: "a.internal" }]), [{ name: "a", dockerHost: "ssh://a", hostname: "a.internal" }]);
    assert.equal(s3FromConfig(undefined), undefined);
    assert.deepEqual(instancesFromConfig(undefined), []);

    const refused = (f: () => unknown, pattern: RegExp) => assert.throws(f, (e: unknown) => e instanceof RegistryConfigError && pattern.test(e.message));
    refused(() => s3FromConfig({ bucket: "b", secret_key: "x" }), /s3\.secret_key: unknown setting; expected one of endpoint, region, bucket/);
    refused(() => s3FromConfig({ bucket: "b", secure: "false" }), /s3\.secure: "false" is not allowed; expected true or false/);
    refused(() => s3FromConfig({ bucket: "b", chunkSize: "10MB" }), /s3\.chunkSize: "10MB" is not allowed; expected a number/);
    refused(() => s3FromConfig("bucket"), /s3: "bucket" is not allowed; expected an object/);
    refused(() => redisFromConfig({ addr: "x:1" }), /redis\.addr: unknown setting/);
    refused(() => instancesFromConfig({ a: 1 }), /instances: .* expected a list/);
    refused(() => instancesFromConfig([{ name: "a", host: "ssh://a" }]), /instances\[0\]\.host: unknown setting; expected one of name, dockerHost, hostname/);
    refused(() => instancesFromConfig([{ name: "a", dockerHost: 5 }]), /instances\[0\]\.dockerHost: 5 is not allowed; expected a text/);
});
