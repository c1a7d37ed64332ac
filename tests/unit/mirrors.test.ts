/**
 * Mirrors (pull-through caches) under mocks and as pure functions: what is refused at preview,
 * the proxy-mode config, the containers and volumes on every registry host, secrets kept
 * secret, the outputs, the stack config reader, and what client hosts are told to do.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { parse } from "yaml";
import * as pulumi from "@pulumi/pulumi";
import { currentMocks, renderRegistry, uploadedFiles } from "../kit/render/render";
import { isSecret, valueOf } from "../kit/render/mocks";
import { isSecretEnvelope, plainStrings, reveal } from "../kit/render/secrets";
import {
    buildRegistryConfig, containerPaths, findProblems, findWarnings, planTrust, PrivateRegistryArgs, registryConfigDefaults,
    RegistryConfigError, resolveSettings,
} from "../../components";
import { mirrorsFromConfig } from "../../program";

const base: PrivateRegistryArgs = { hostnames: ["registry.example.com"], port: 5000, image: "registry:3" };
const hub = { name: "hub", port: 5001, access: "anonymous" as const };
const upstreamPassword = "upstream-token-example-1234";
const lab = {
    name: "lab",
    upstream: "https://lab.example.com:5000",
    upstreamUsername: "puller",
    upstreamPassword: pulumi.secret(upstreamPassword),
    port: 5002,
    access: "users" as const,
    ttl: "24h",
};

const problemsOf = (args: Partial<PrivateRegistryArgs>) => findProblems(resolveSettings("registry", { ...base, ...args }));

/** Asserts exactly one problem, naming the key, quoting the value and saying what is allowed. */
function assertOneProblem(args: Partial<PrivateRegistryArgs>, key: string, allowed: RegExp) {
    const problems = problemsOf(args);
    assert.equal(problems.length, 1, `expected one problem, got: ${JSON.stringify(problems)}`);
    assert.ok(problems[0].startsWith(`${key}:`), `message should name ${key}: ${problems[0]}`);
    assert.match(problems[0], allowed);
}

test("mirrors: Docker Hub by default, mirrorOf from the upstream, valid combinations accepted", () => {
    assert.deepEqual(problemsOf({ mirrors: [hub, lab] }), []);
    const s = resolveSettings("registry", { ...base, mirrors: [hub, lab, { name: "ghcr", upstream: "https://ghcr.io", port: 5003, access: "users" }] });
    assert.deepEqual(
        s.mirrors.mirrors.map((m) => [m.upstream, m.mirrorOf]),
        [["https://registry-1.docker.io", "docker.io"], ["https://lab.example.com:5000", "lab.example.com:5000"], ["https://ghcr.io", "ghcr.io"]],
    );
    const chained = resolveSettings("registry", { ...base, mirrors: [{ ...hub, upstream: "http://127.0.0.1:5999", mirrorOf: "docker.io" }] });
    assert.equal(chained.mirrors.mirrors[0].mirrorOf, "docker.io");
    assert.deepEqual(findProblems(chained), []);
});

test("mirrors: an upstream that is not a bare registry URL is refused, naming the mirror and the value", () => {
    for (const upstream of ["registry-1.docker.io", "ftp://mirror.example", "https://ghcr.io/v2/", "https://ghcr.io?x=1", "https://u:p@ghcr.io"]) {
        assertOneProblem({ mirrors: [{ ...hub, upstream }] }, "mirrors[0] (hub).upstream", /not allowed; expected/);
    }
    assertOneProblem(
        { mirrors: [{ ...lab, upstream: "http://lab.example.com:5000" }] },
        "mirrors[0] (lab).upstream",
        /https:\/\/ URL: over http:\/\/ the upstream credentials would cross the network in clear text/,
    );
});

test("mirrors: a port of the registry's or of another mirror is refused", () => {
    assertOneProblem({ mirrors: [{ ...hub, port: 5000 }] }, "mirrors[0] (hub).port", /5000 is not allowed; expected a port of its own: the registry is served on it/);
    assertOneProblem({ mirrors: [hub, { ...lab, port: 5001 }] }, "mirrors[1] (lab).port", /mirrors\[0\] is served on it/);
    assertOneProblem({ mirrors: [{ ...hub, port: 70000 }] }, "mirrors[0] (hub).port", /whole number from 1 to 65535/);
});

test("mirrors: upstream credentials must be a secret, complete, and never behind anonymous access", () => {
    assertOneProblem({ mirrors: [{ ...lab, upstreamPassword }] }, "mirrors[0] (lab).upstreamPassword", /a plain value is not allowed; expected a secret/);
    assertOneProblem({ mirrors: [{ ...lab, access: "anonymous" }] }, "mirrors[0] (lab).access", /expected users: .* hand that account's private images to anyone/);
    assertOneProblem({ mirrors: [{ ...lab, upstreamUsername: undefined }] }, "mirrors[0] (lab).upstreamUsername", /the upstream user the upstreamPassword belongs to/);
    assertOneProblem({ mirrors: [{ ...lab, upstreamPassword: undefined }] }, "mirrors[0] (lab).upstreamPassword", /missing; upstreamUsername "puller" needs/);
});

test("mirrors: sharing the registry's S3 bucket, a TTL on registry:2, and a bad TTL are refused", () => {
    // A cast: the type allows only "volume"; stack config is untyped, so the check is what stops it.
    assertOneProblem({ mirrors: [{ ...hub, storage: "s3" as "volume" }] }, "mirrors[0] (hub).storage", /expected volume: .* the proxy's expiry would delete the registry's own blobs/);
    assertOneProblem({ image: "registry:2", mirrors: [{ ...hub, ttl: "24h" }] }, "mirrors[0] (hub).ttl", /registry:2 ignores proxy.ttl .* 7 days/);
    assertOneProblem({ mirrors: [{ ...hub, ttl: "7 days" }] }, "mirrors[0] (hub).ttl", /a duration above zero such as 168h/);
});

test("mirrors: names, access and mirrored registries are checked; no mirrors with ACME", () => {
    assertOneProblem({ mirrors: [{ ...hub, name: "Hub_1" }] }, "mirrors[0] (Hub_1).name", /lower-case letters, digits and hyphens/);
    assertOneProblem({ mirrors: [hub, { ...hub, port: 5009, mirrorOf: "quay.io" }] }, "mirrors[1] (hub).name", /used once \(also mirrors\[0\]\)/);
    assertOneProblem({ mirrors: [{ ...hub, access: "public" as "users" }] }, "mirrors[0] (hub).access", /expected users .* or anonymous/);
    assertOneProblem({ mirrors: [hub, { ...hub, name: "hub2", port: 5009 }] }, "mirrors[1] (hub2).mirrorOf", /"docker.io" is not allowed; each registry may be mirrored once/);
    assertOneProblem({ mirrors: [{ ...hub, mirrorOf: "not a name" }] }, "mirrors[0] (hub).mirrorOf", /a registry name as image references spell it/);
    const acme = problemsOf({ hostnames: ["registry.example.com"], port: 443, tlsSource: "acme", mirrors: [hub] });
    assert.deepEqual(acme.filter((p) => p.startsWith("mirrors")).length, 1);
    assert.match(acme.find((p) => p.startsWith("mirrors"))!, /not allowed with tlsSource acme; .* use tlsSource generated or provided/);
});

test("mirrors: registry:2 with upstream credentials deploys with a warning that Basic-auth upstreams get none", () => {
    const s = resolveSettings("registry", { ...base, image: "registry:2", mirrors: [hub, { ...lab, ttl: undefined }] });
    assert.deepEqual(findProblems(s), []);
    const warnings = findWarnings(s);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^mirrors\[1\] \(lab\)\.upstreamUsername: registry:2 sends upstream credentials only to registries with token authentication/);
    assert.deepEqual(findWarnings(resolveSettings("registry", { ...base, mirrors: [lab] })), [], "3.x sends them to Basic-auth upstreams too");
});

test("client hosts: a listed mirror must exist, and Docker cannot use a Docker Hub mirror that needs a login", () => {
    const client = { name: "web", host: "10.0.0.7" };
    const args = { sshPrivateKey: pulumi.secret("key"), mirrors: [{ ...hub, access: "users" as const }, lab] };
    assertOneProblem({ ...args, clients: [{ ...client, mirrors: ["nope"] }] }, "clients[0] (web).mirrors[0]", /expected one of the mirrors \(hub, lab\)/);
    assertOneProblem({ ...args, clients: [{ ...client, mirrors: ["lab", "lab"] }] }, "clients[0] (web).mirrors[1]", /listed once/);
    assertOneProblem({ ...args, clients: [{ ...client, mirrors: ["hub"] }] }, "clients[0] (web).mirrors[0]", /moby\/moby#30880.*set its access to anonymous, or use it from containerd only/);
    assert.deepEqual(problemsOf({ ...args, clients: [{ ...client, runtimes: ["containerd"], mirrors: ["hub", "lab"] }] }), []);
    assert.deepEqual(problemsOf({ ...args, clients: [{ ...client, mirrors: ["lab"] }] }), [], "other registries' mirrors are reached by name from Docker");
});

test("the proxy-mode config: upstream, credentials and TTL only when given, no auth when anonymous", () => {
    const input = { ...registryConfigDefaults, major: 3 as const, port: 5001, httpSecret: "s", storage: { driver: "filesystem" as const } };
    const anonymous = buildRegistryConfig({ ...input, mirror: { upstream: "https://registry-1.docker.io", ttl: "", anonymous: true } });
    assert.deepEqual(anonymous.proxy, { remoteurl: "https://registry-1.docker.io" });
    assert.equal(anonymous.auth, undefined, "anyone may pull");
    assert.deepEqual(anonymous.storage.delete, { enabled: true }, "the proxy's expiry deletes through it");
    const users = buildRegistryConfig({ ...input, mirror: { upstream: "https://lab.example", username: "u", password: "p", ttl: "24h", anonymous: false } });
    assert.deepEqual(users.proxy, { remoteurl: "https://lab.example", username: "u", password: "p", ttl: "24h" });
    assert.deepEqual(users.auth, { htpasswd: { realm: "Registry Realm", path: containerPaths(3).htpasswd } });
    const registry = buildRegistryConfig(input);
    assert.equal(registry.proxy, undefined);
    assert.deepEqual(registry.storage.delete, { enabled: true }, "the registry itself is unchanged");
});

test("each mirror: its own container and cache volume beside the registry, its own config, the registry's certificate", async () => {
    const r = await renderRegistry({ ...base, mirrors: [hub, lab] });
    const names = r.mocks.resources.filter((res) => res.type.startsWith("docker:")).map((res) => `${res.type} ${res.name}`).sort();
    assert.deepEqual(names, [
        "docker:index/container:Container registry-container",
        "docker:index/container:Container registry-mirror-hub-container",
        "docker:index/container:Container registry-mirror-lab-container",
        "docker:index/remoteImage:RemoteImage registry-image",
        "docker:index/volume:Volume registry-data",
        "docker:index/volume:Volume registry-mirror-hub-cache",
        "docker:index/volume:Volume registry-mirror-lab-cache",
    ]);
    const container = r.mocks.inputsOf("registry-mirror-lab-container") as { name: string; image: string; ports: { internal: number; external: number; ip: string }[]; volumes: { volumeName: string; containerPath: string }[]; labels: { label: string; value: string }[] };
    assert.equal(container.name, "registry-mirror-lab");
    assert.equal(container.image, (r.mocks.inputsOf("registry-container") as { image: string }).image, "the registry's image");
    // Inside, the registry's port (never the debug listener's 5001); outside, the mirror's own.
    assert.deepEqual(container.ports, [{ internal: 5000, external: 5002, ip: "0.0.0.0", protocol: "tcp" }]);
    assert.deepEqual(container.volumes, [{ volumeName: "registry-data-mirror-lab", containerPath: "/var/lib/registry" }]);
    assert.ok(container.labels.some((l) => l.label === "private-registry.mirror" && l.value === "lab"));
    assert.deepEqual((r.mocks.inputsOf("registry-mirror-lab-cache") as { name: string }).name, "registry-data-mirror-lab");
    // A new major or host changes the labels: ignored, as for the data volume; a replacement (a new host) deletes first.
    const cache = r.options.find((o) => o.name === "registry-mirror-lab-cache")!;
    assert.deepEqual([cache.ignoreChanges, cache.deleteBeforeReplace, cache.retainOnDelete], [["labels"], true, undefined]);
    const mirrorContainer = r.options.find((o) => o.name === "registry-mirror-lab-container")!;
    assert.deepEqual([mirrorContainer.deleteBeforeReplace, mirrorContainer.additionalSecretOutputs, mirrorContainer.parentName], [true, ["uploads"], "registry"]);

    const paths = containerPaths(3);
    const registryFiles = uploadedFiles(r);
    const labFiles = uploadedFiles(r, "registry-mirror-lab-container");
    const hubFiles = uploadedFiles(r, "registry-mirror-hub-container");
    assert.deepEqual([...labFiles.keys()], [paths.config, paths.htpasswd, paths.certificate, paths.privateKey]);
    assert.deepEqual([...hubFiles.keys()], [paths.config, paths.certificate, paths.privateKey], "no htpasswd for an anonymous mirror");
    for (const file of [paths.certificate, paths.privateKey, paths.htpasswd]) assert.equal(labFiles.get(file)!.content, registryFiles.get(file)!.content);
    const labConfig = parse(labFiles.get(paths.config)!.content);
    assert.deepEqual(labConfig.proxy, { remoteurl: "https://lab.example.com:5000", username: "puller", password: upstreamPassword, ttl: "24h" });
    assert.equal(labConfig.http.addr, ":5000");
    assert.equal(labConfig.http.debug.addr, "127.0.0.1:5001");
    assert.equal(labConfig.http.secret, parse(registryFiles.get(paths.config)!.content).http.secret);
    assert.equal(parse(hubFiles.get(paths.config)!.content).auth, undefined);
});

test("an upstream's private CA is uploaded and trusted beside the system's roots", async () => {
    const ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    const r = await renderRegistry({ ...base, mirrors: [{ ...lab, upstreamCaCertificate: ca }] });
    const paths = containerPaths(3);
    assert.equal(uploadedFiles(r, "registry-mirror-lab-container").get(`${paths.upstreamCaFolder}/ca.crt`)!.content, ca);
    const envs = (r.mocks.inputsOf("registry-mirror-lab-container") as { envs: string[] }).envs;
    assert.ok(envs.includes(`SSL_CERT_DIR=${paths.upstreamCaFolder}:/etc/ssl/certs`), JSON.stringify(envs));
    assert.ok(!((r.mocks.inputsOf("registry-container") as { envs?: string[] }).envs ?? []).some((e) => e.startsWith("SSL_CERT_DIR")), "the registry trusts no more than before");
    assertOneProblem({ mirrors: [{ ...lab, upstreamCaCertificate: "not pem" }] }, "mirrors[0] (lab).upstreamCaCertificate", /expected PEM certificates/);
});

test("the upstream password is secret everywhere: the config output, the uploads, never a plain input", async () => {
    const r = await renderRegistry({ ...base, mirrors: [lab] });
    const inputs = r.mocks.resources.find((res) => res.name === "registry-mirror-lab-container")!.inputs as { uploads: unknown };
    assert.ok(isSecretEnvelope(inputs.uploads), "uploads are a secret input");
    for (const res of r.mocks.resources) {
        assert.ok(!plainStrings(res.inputs).some((s) => s.includes(upstreamPassword)), `${res.name} holds the upstream password in plain`);
    }
    assert.ok(JSON.stringify(reveal(inputs)).includes(upstreamPassword), "the mirror gets it");
    const mirrors = await valueOf(r.registry.mirrors);
    assert.ok(!JSON.stringify(mirrors).includes(upstreamPassword));
    assert.equal(await isSecret(r.registry.mirrors), false, "the mirrors output is plain: it holds no secret");
});

test("with several instances, every host runs every mirror through its own provider", async () => {
    const instances = [
        { name: "a", dockerHost: "ssh://deploy@reg-a.internal", hostname: "reg-a.internal" },
        { name: "b", dockerHost: "ssh://deploy@reg-b.internal", hostname: "reg-b.internal" },
    ];
    const r = await renderRegistry({ ...base, storage: "s3", s3: { bucket: "registry", endpoint: "http://10.0.0.5:7480", secure: false, accessKey: "a", secretKey: "s" }, instances, mirrors: [hub] });
    const providerOf = (i: { name: string; dockerHost: string }) => `registry-${i.name}-docker-${createHash("sha256").update(i.dockerHost).digest("hex").slice(0, 8)}`;
    for (const i of instances) {
        const container = r.options.find((o) => o.name === `registry-${i.name}-mirror-hub-container`);
        const volume = r.options.find((o) => o.name === `registry-${i.name}-mirror-hub-cache`);
        assert.equal(container?.providerName, providerOf(i));
        assert.equal(volume?.providerName, providerOf(i));
    }
    // Listing instances for the first time: the first one takes the single instance's mirror over
    // (its container name, port and volume), as it takes over the registry's container.
    const aliasesOf = (n: string) => r.options.find((o) => o.name === n)!.aliasNames;
    assert.deepEqual(aliasesOf("registry-a-mirror-hub-container"), ["registry-mirror-hub-container"]);
    assert.deepEqual(aliasesOf("registry-a-mirror-hub-cache"), ["registry-mirror-hub-cache"]);
    assert.deepEqual([aliasesOf("registry-b-mirror-hub-container"), aliasesOf("registry-b-mirror-hub-cache")], [[], []]);
    const mirrors = await valueOf(r.registry.mirrors);
    assert.deepEqual(mirrors.hub.addresses, ["registry.example.com:5001", "reg-a.internal:5001", "reg-b.internal:5001"]);
    // A mirror's cache is its own even when the registry keeps its images in S3.
    const config = parse(uploadedFiles(r, "registry-a-mirror-hub-container").get(containerPaths(3).config)!.content);
    assert.deepEqual(config.storage.filesystem, { rootdirectory: "/var/lib/registry" });
    assert.equal(config.storage.s3, undefined);
});

test("the mirrors output: address, and the daemon.json entry and hosts.toml a host outside the stack needs", async () => {
    const r = await renderRegistry({ ...base, mirrors: [hub, lab] });
    const mirrors = await valueOf(r.registry.mirrors);
    assert.deepEqual(Object.keys(mirrors), ["hub", "lab"]);
    assert.equal(mirrors.hub.address, "registry.example.com:5001");
    assert.equal(mirrors.hub.url, "https://registry.example.com:5001");
    assert.equal(mirrors.hub.containerName, "registry-mirror-hub");
    assert.equal(mirrors.hub.volumeName, "registry-data-mirror-hub");
    assert.equal(mirrors.hub.dockerRegistryMirror, "https://registry.example.com:5001");
    assert.equal(mirrors.lab.dockerRegistryMirror, undefined, "Docker mirrors only Docker Hub");
    assert.deepEqual(mirrors.hub.containerdHostsToml, {
        path: "/etc/containerd/certs.d/docker.io/hosts.toml",
        content: [
            "# Written by the private-registry Pulumi stack; `pulumi destroy` removes it.",
            'server = "https://registry-1.docker.io"',
            "",
            '[host."https://registry.example.com:5001"]',
            '  capabilities = ["pull", "resolve"]',
            '  ca = "/etc/containerd/certs.d/registry.example.com:5001/ca.crt"',
            "",
        ].join("\n"),
    });
    assert.match(mirrors.lab.containerdHostsToml.content, /^server = "https:\/\/lab\.example\.com:5000"$/m);
    const none = await renderRegistry(base);
    assert.deepEqual(await valueOf(none.registry.mirrors), {});
});

test("a bad mirror fails before anything is declared", async () => {
    await assert.rejects(renderRegistry({ ...base, mirrors: [{ ...hub, port: 5000 }] }), (e: unknown) => e instanceof RegistryConfigError && /mirrors\[0\] \(hub\)\.port/.test(e.message));
    assert.deepEqual(currentMocks()!.resources, [], "no resource was registered");
});

test("client plan: Docker gets the Docker Hub mirror in registry-mirrors, containerd a hosts.toml per mirrored registry, logins where users are needed", () => {
    const settings = {
        owner: "o",
        addresses: ["reg.test:5000"],
        caCertificatePem: "CA",
        dockerLogin: "ci",
        insecureRegistry: false,
        loginWaitSeconds: 0,
        mirrors: [
            { addresses: ["reg.test:5001"], mirrorOf: "docker.io", server: "https://registry-1.docker.io", needsLogin: false },
            { addresses: ["reg.test:5002"], mirrorOf: "ghcr.io", server: "https://ghcr.io", needsLogin: true },
        ],
    };
    const docker = planTrust({ ...settings, runtimes: ["docker"] });
    assert.deepEqual(docker.registryMirrors, ["https://reg.test:5001"]);
    assert.deepEqual(docker.files.map((f) => f.path), ["reg.test:5000", "reg.test:5001", "reg.test:5002"].map((a) => `/etc/docker/certs.d/${a}/ca.crt`));
    assert.deepEqual(docker.logins, ["reg.test:5000", "reg.test:5002"], "the anonymous mirror needs no login");

    const containerd = planTrust({ ...settings, runtimes: ["containerd"] });
    assert.deepEqual(containerd.registryMirrors, [], "registry-mirrors is Docker's");
    const hosts = containerd.files.filter((f) => f.path.endsWith("hosts.toml")).map((f) => f.path);
    assert.deepEqual(hosts, [
        "/etc/containerd/certs.d/reg.test:5000/hosts.toml",
        "/etc/containerd/certs.d/reg.test:5001/hosts.toml",
        "/etc/containerd/certs.d/reg.test:5002/hosts.toml",
        "/etc/containerd/certs.d/docker.io/hosts.toml",
        "/etc/containerd/certs.d/ghcr.io/hosts.toml",
    ]);
    const ghcr = containerd.files.find((f) => f.path === "/etc/containerd/certs.d/ghcr.io/hosts.toml")!.content;
    assert.match(ghcr, /^server = "https:\/\/ghcr\.io"\n\n\[host\."https:\/\/reg\.test:5002"\]\n {2}capabilities = \["pull", "resolve"\]\n {2}ca = "\/etc\/containerd\/certs\.d\/reg\.test:5002\/ca\.crt"$/m);

    const without = planTrust({ ...settings, runtimes: ["docker", "containerd"], mirrors: [] });
    assert.deepEqual(without.registryMirrors, []);
    assert.ok(!without.files.some((f) => /docker\.io|ghcr\.io|5001|5002/.test(f.path)), "a host that lists no mirrors gets nothing of theirs");
});

test("the clients output names each host's mirrors and registry-mirrors entries", async () => {
    const r = await renderRegistry({
        ...base,
        users: ["ci"],
        sshPrivateKey: pulumi.secret("key"),
        mirrors: [hub, lab],
        clients: [{ name: "web", host: "10.0.0.7", runtimes: ["docker", "containerd"], dockerLogin: "ci", mirrors: ["hub", "lab"] }, { name: "plain", host: "10.0.0.8" }],
    });
    const clients = await valueOf(r.registry.clients);
    assert.deepEqual([clients.web.mirrors, clients.web.registryMirrors], [["hub", "lab"], ["https://registry.example.com:5001"]]);
    assert.deepEqual([clients.plain.mirrors, clients.plain.registryMirrors], [[], []]);
    const create = (r.mocks.inputsOf("registry-client-web") as { create: string }).create;
    assert.match(create, /\nMIRRORS=\([^\n]*https:\/\/registry\.example\.com:5001[^\n]*\)\n/);
    assert.match(create, /\nLOGINS=\([^\n]*registry\.example\.com:5000[^\n]*registry\.example\.com:5002[^\n]*\)\n/);
    // The client command waits for the mirrors too: logins reach them.
    const dependsOn = r.options.find((o) => o.name === "registry-client-web")?.dependsOn ?? [];
    assert.ok(["registry-container", "registry-mirror-hub-container", "registry-mirror-lab-container"].every((n) => dependsOn.includes(n)), JSON.stringify(dependsOn));
});

test("stack config: mirrors are read with their keys checked, and an upstream password must be set with --secret", async () => {
    const entry = { name: "lab", upstream: "https://lab.example.com", upstreamUsername: "u", upstreamPassword: "token", port: 5002, access: "users" };
    const [parsed] = mirrorsFromConfig([entry], true);
    assert.equal(await isSecret(pulumi.output(parsed.upstreamPassword!)), true);
    assert.deepEqual(mirrorsFromConfig([{ name: "hub", port: 5001, access: "anonymous" }], false), [{ name: "hub", port: 5001, access: "anonymous" }]);
    assert.throws(
        () => mirrorsFromConfig([entry], false),
        (e: unknown) => e instanceof RegistryConfigError && /^mirrors\[0\] \(lab\)\.upstreamPassword: a plain value is not allowed; .*pulumi config set --secret --path 'mirrors\[0\]\.upstreamPassword'/.test(e.problems[0]),
    );
    assert.throws(() => mirrorsFromConfig([{ ...entry, upstreamPasword: "x" }], true), /mirrors\[0\] \(lab\)\.upstreamPasword: unknown setting/);
    assert.throws(() => mirrorsFromConfig([{ ...entry, port: "5002" }], true), /mirrors\[0\] \(lab\)\.port: "5002" is not allowed; expected a number/);
    assert.throws(
        () => mirrorsFromConfig([{ ...entry, upstreamPassword: 123456789 }], true),
        (e: unknown) => e instanceof RegistryConfigError && /upstreamPassword: a value of type number is not allowed; expected a text/.test(e.message) && !e.message.includes("123456789"),
        "a wrongly typed password is not shown",
    );
    assert.throws(() => mirrorsFromConfig({ name: "hub" }, true), /Invalid registry configuration:\n {2}- mirrors: .* expected a list of mirrors/);
});

test("containerd is told a mirror's own address serves pulls only", () => {
    const plan = planTrust({
        owner: "o", addresses: ["reg.test:5000"], caCertificatePem: "CA", dockerLogin: "", insecureRegistry: false, loginWaitSeconds: 0, runtimes: ["containerd"],
        mirrors: [{ addresses: ["reg.test:5001"], mirrorOf: "docker.io", server: "https://registry-1.docker.io", needsLogin: false }],
    });
    const capabilitiesOf = (path: string) => /capabilities = (.*)/.exec(plan.files.find((f) => f.path === path)!.content)![1];
    assert.equal(capabilitiesOf("/etc/containerd/certs.d/reg.test:5000/hosts.toml"), '["pull", "resolve", "push"]');
    assert.equal(capabilitiesOf("/etc/containerd/certs.d/reg.test:5001/hosts.toml"), '["pull", "resolve"]');
});

test("mirrorOf: spelled as image references spell it, and never this stack's own registry or mirrors", async () => {
    const s = resolveSettings("registry", { ...base, mirrors: [{ ...hub, mirrorOf: "Docker.IO:443" }] });
    assert.equal(s.mirrors.mirrors[0].mirrorOf, "docker.io");
    assert.deepEqual(findProblems(s), []);
    for (const own of ["registry.example.com:5000", "registry.example.com:5002"]) {
        assertOneProblem({ mirrors: [{ ...hub, mirrorOf: own }, { ...lab, ttl: undefined }] }, "mirrors[0] (hub).mirrorOf", /expected another registry than this stack's own/);
    }
    assertOneProblem({ mirrors: [{ ...hub, ttl: "0s" }] }, "mirrors[0] (hub).ttl", /a duration above zero/);
});

test("containerd falls back to the mirrored registry itself: Docker Hub's registry, or the upstream with its own scheme", async () => {
    const r = await renderRegistry({
        ...base,
        mirrors: [
            { ...hub, upstream: "http://cache.lab.example:5000", mirrorOf: "docker.io" },
            { name: "plain", upstream: "http://lab.example.com:5000", port: 5003, access: "anonymous" },
            { name: "renamed", upstream: "https://artifactory.example.com", mirrorOf: "quay.io", port: 5004, access: "users" },
        ],
    });
    const serverOf = async (name: string) => /^server = "(.*)"$/m.exec((await valueOf(r.registry.mirrors))[name].containerdHostsToml.content)![1];
    assert.equal(await serverOf("hub"), "https://registry-1.docker.io");
    assert.equal(await serverOf("plain"), "http://lab.example.com:5000");
    assert.equal(await serverOf("renamed"), "https://quay.io");
});
