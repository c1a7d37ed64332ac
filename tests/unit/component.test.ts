import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { compareSync, getRounds } from "bcryptjs";
import { createHash } from "node:crypto";
import { currentMocks, renderRegistry, uploadedFiles } from "../kit/render/render";
import { ContainerInputs } from "../kit/registry/container";
import { isSecret } from "../kit/render/mocks";
import { isSecretEnvelope, plainStrings } from "../kit/render/secrets";
import { containerPaths, RegistryConfigError } from "../../components";

const componentType = "registry:index:PrivateRegistry";

test("declares the TLS, credential and Docker resources, each a child of the component", async () => {
    const r = await renderRegistry({ hostnames: ["registry.example.com"] });
    const declared = r.mocks.resources.map((res) => `${res.type} ${res.name}`).sort();
    assert.deepEqual(declared, [
        "docker:index/container:Container registry-container",
        "docker:index/remoteImage:RemoteImage registry-image",
        "docker:index/volume:Volume registry-data",
        "random:index/randomBytes:RandomBytes registry-salt-admin",
        "random:index/randomPassword:RandomPassword registry-http-secret",
        "random:index/randomPassword:RandomPassword registry-password-admin",
        "registry:index:PrivateRegistry registry",
        "tls:index/certRequest:CertRequest registry-server-csr",
        "tls:index/locallySignedCert:LocallySignedCert registry-server-cert",
        "tls:index/privateKey:PrivateKey registry-ca-key",
        "tls:index/privateKey:PrivateKey registry-server-key",
        "tls:index/selfSignedCert:SelfSignedCert registry-ca-cert",
    ]);
    const children = r.options.filter((o) => o.type !== componentType);
    assert.equal(children.length, declared.length - 1);
    for (const child of children) {
        assert.equal(child.parentType, componentType, `${child.name} must be parented to the component`);
        assert.equal(child.parentName, "registry");
        assert.ok(child.name.startsWith("registry-"), `${child.name} must derive from the component name`);
    }
    const urn = await new Promise<string>((resolve) => r.registry.urn.apply(resolve));
    assert.equal(urn, "urn:pulumi:test::private-registry::registry:index:PrivateRegistry::registry");
});

test("resource options: data volume retained, container replaced delete-first, uploads secret", async () => {
    const r = await renderRegistry({ hostnames: ["registry.example.com"] });
    const opt = (name: string) => r.options.find((o) => o.name === name)!;
    assert.equal(opt("registry-data").retainOnDelete, true);
    assert.deepEqual(opt("registry-data").ignoreChanges, ["labels"], "a kept volume with other labels must not be replaced");
    for (const key of ["registry-ca-key", "registry-server-key"]) {
        assert.ok(opt(key).additionalSecretOutputs?.includes("privateKeyPem"), `${key}: private key output is secret`);
    }
    assert.equal(opt("registry-container").deleteBeforeReplace, true);
    assert.deepEqual(opt("registry-container").additionalSecretOutputs, ["uploads"]);
    assert.equal(opt("registry-container").hasProvider, false, "no explicit provider without dockerHost");

    const dropData = await renderRegistry({ hostnames: ["registry.example.com"], retainDataOnDestroy: false });
    assert.equal(dropData.options.find((o) => o.name === "registry-data")!.retainOnDelete, false);
});

test("dockerHost declares an explicit Docker provider used by the image, volume and container only", async () => {
    const r = await renderRegistry({ hostnames: ["registry.example.com"], dockerHost: "ssh://deploy@build-01" });
    // Named per host, so a move deletes the old resources through the old host's provider.
    const providerName = `registry-docker-${createHash("sha256").update("ssh://deploy@build-01").digest("hex").slice(0, 8)}`;
    assert.deepEqual(r.mocks.inputsOf(providerName), { host: "ssh://deploy@build-01" });
    const provider = r.mocks.resources.find((res) => res.name === providerName)!;
    assert.equal(provider.type, "pulumi:providers:docker");
    for (const o of r.options) {
        const isDocker = ["registry-image", "registry-data", "registry-container"].includes(o.name);
        assert.ok(o.name !== "registry-docker", "the provider name carries the host");
        if (o.type.startsWith("docker:") || o.type.startsWith("tls:") || o.type.startsWith("random:")) {
            assert.equal(o.hasProvider, isDocker, `${o.name} provider`);
        }
    }
    assert.equal(r.options.find((o) => o.name === providerName)!.parentType, componentType);
    const other = await renderRegistry({ hostnames: ["registry.example.com"], dockerHost: "ssh://deploy@build-02" });
    assert.ok(!other.mocks.resources.some((res) => res.name === providerName), "another host gets another provider");
});

test("a changed dockerHost changes inputs that force replacing the image, volume and container", async () => {
    const local = await renderRegistry({ hostnames: ["registry.example.com"] });
    const before = ["registry-image", "registry-data", "registry-container"].map((n) => JSON.stringify(local.mocks.inputsOf(n)));
    const moved = await renderRegistry({ hostnames: ["registry.example.com"], dockerHost: "ssh://deploy@build-02" });
    assert.deepEqual(moved.mocks.inputsOf("registry-image").triggers, { dockerHost: "ssh://deploy@build-02" });
    const labelOf = (n: string) =>
        (moved.mocks.inputsOf(n).labels as { label: string; value: string }[]).find((l) => l.label === "private-registry.docker-host")!.value;
    assert.equal(labelOf("registry-data"), "ssh://deploy@build-02");
    assert.equal(labelOf("registry-container"), "ssh://deploy@build-02");
    const after = ["registry-image", "registry-data", "registry-container"].map((n) => JSON.stringify(moved.mocks.inputsOf(n)));
    before.forEach((b, i) => assert.notEqual(b, after[i]));
});

test("certificates: CA with CA usages; server certificate with every hostname in the right SAN kind", async () => {
    const r = await renderRegistry({
        hostnames: ["Registry.Example.com", "10.1.2.3", "registry", "fd00::10"],
        tlsValidityHours: 2160,
        tlsEarlyRenewalHours: 168,
        caValidityHours: 43800,
        tlsKeyAlgorithm: "RSA",
    });
    const ca = r.mocks.inputsOf("registry-ca-cert");
    assert.equal(ca.isCaCertificate, true);
    assert.deepEqual(ca.allowedUses, ["cert_signing", "crl_signing", "digital_signature"]);
    assert.equal(ca.validityPeriodHours, 43800);
    assert.equal(ca.earlyRenewalHours, 168);

    const csr = r.mocks.inputsOf("registry-server-csr");
    assert.deepEqual(csr.dnsNames, ["registry.example.com", "registry"]);
    assert.deepEqual(csr.ipAddresses, ["10.1.2.3", "fd00::10"]);
    assert.deepEqual(csr.subject, { commonName: "Registry.Example.com", organization: "private-registry" });

    const cert = r.mocks.inputsOf("registry-server-cert");
    assert.deepEqual(cert.allowedUses, ["digital_signature", "key_encipherment", "server_auth"]);
    assert.equal(cert.isCaCertificate, false);
    assert.equal(cert.validityPeriodHours, 2160);
    assert.equal(cert.earlyRenewalHours, 168);
    assert.equal(cert.caCertPem, "FAKE CA CERT registry-ca-cert");
    assert.equal(cert.caPrivateKeyPem, "FAKE PRIVATE KEY registry-ca-key");
    assert.deepEqual(r.mocks.inputsOf("registry-server-key"), { algorithm: "RSA", rsaBits: 3072 });
    assert.deepEqual(r.mocks.inputsOf("registry-ca-key"), { algorithm: "RSA", rsaBits: 3072 });

    const ecdsa = await renderRegistry({ hostnames: ["registry.example.com"] });
    assert.deepEqual(ecdsa.mocks.inputsOf("registry-server-key"), { algorithm: "ECDSA", ecdsaCurve: "P256" });
    assert.deepEqual(ecdsa.mocks.inputsOf("registry-server-cert").allowedUses, ["digital_signature", "server_auth"]);
});

test("secrets: passwords, htpasswd, config and uploads are secret; no secret is stored in plain text", async () => {
    const r = await renderRegistry({ hostnames: ["registry.example.com"], users: ["admin", "ci"] });
    assert.equal(await isSecret(r.registry.passwords), true);
    assert.equal(await isSecret(r.registry.htpasswd), true);
    assert.equal(await isSecret(r.registry.registryConfig), true);
    assert.equal(await isSecret(r.registry.address), false);
    assert.equal(await isSecret(r.registry.caCertificatePem), false);

    const container = r.mocks.resources.find((res) => res.name === "registry-container")!;
    assert.ok(isSecretEnvelope(container.inputs.uploads), "container uploads must be a secret input");

    const secrets = [
        ...Object.values(r.outputs.passwords),
        r.mocks.outputsByName.get("registry-http-secret")!.result as string,
        r.mocks.outputsByName.get("registry-server-key")!.privateKeyPem as string,
        ...r.outputs.htpasswd.trim().split("\n").map((line) => line.split(":")[1]),
    ];
    // The mocks return provider outputs unmarked, so this checks the component's own marking.
    const plain = r.mocks.resources
        .filter((res) => !res.type.startsWith("tls:"))
        .flatMap((res) => plainStrings(res.inputs));
    for (const secret of secrets) {
        assert.ok(secret.length >= 16);
        assert.ok(!plain.some((s) => s.includes(secret)), "a secret appears in a plain resource input");
    }
});

test("credentials: one password and one salt per user, rotation keepers, verifiable htpasswd at the configured cost", async () => {
    const r = await renderRegistry({
        hostnames: ["registry.example.com"],
        users: ["admin", "ci"],
        passwordLength: 40,
        passwordSpecial: true,
        passwordRotation: "2026-q4",
        bcryptCost: 6,
    });
    assert.deepEqual(r.outputs.userNames, ["admin", "ci"]);
    assert.deepEqual(Object.keys(r.outputs.passwords), ["admin", "ci"]);
    for (const user of ["admin", "ci"]) {
        const pw = r.mocks.inputsOf(`registry-password-${user}`);
        assert.equal(pw.length, 40);
        assert.equal(pw.special, true);
        assert.equal(pw.minSpecial, 1);
        assert.deepEqual(pw.keepers, { user, rotation: "2026-q4" });
        assert.deepEqual(r.mocks.inputsOf(`registry-salt-${user}`), { length: 16, keepers: { user, rotation: "2026-q4" } });
    }
    const lines = r.outputs.htpasswd.trim().split("\n");
    assert.equal(lines.length, 2);
    for (const [i, user] of ["admin", "ci"].entries()) {
        const [name, hash] = lines[i].split(":");
        assert.equal(name, user);
        assert.equal(getRounds(hash), 6);
        assert.ok(compareSync(r.outputs.passwords[user], hash), `${user}'s hash must verify`);
        assert.ok(!compareSync(r.outputs.passwords[user] + "x", hash));
    }
    const http = r.mocks.inputsOf("registry-http-secret");
    assert.equal(http.length, 64);
    assert.equal(http.special, false);
});

test("the container gets the rendered files and the documented runtime settings", async () => {
    const r = await renderRegistry({
        hostnames: ["registry.example.com", "10.0.0.5"],
        port: 5443,
        debugPort: 5002,
        debugOnNetwork: true,
        bindAddress: "10.0.0.5",
        corsOrigins: ["https://ui.example.com"],
        logMaxSize: "20m",
        logMaxFiles: 5,
        containerName: "team-registry",
        dataVolumeName: "team-registry-data",
        image: "registry:2.8.3",
    });
    const c = r.mocks.inputsOf("registry-container") as ContainerInputs;
    assert.equal(c.name, "team-registry");
    assert.equal(c.image, "registry:2.8.3", "the container runs the RemoteImage's imageId");
    const { name: imageName, ...image } = r.mocks.inputsOf("registry-image");
    assert.deepEqual(image, { keepLocally: true, triggers: { dockerHost: "local" } });
    assert.match(String(imageName), /^registry:2\.8\.3@sha256:[0-9a-f]{64}$/, "the tag at the digest it points to now, looked up on every run");
    assert.equal(c.restart, "unless-stopped");
    assert.deepEqual(c.ports, [{ internal: 5443, external: 5443, ip: "10.0.0.5", protocol: "tcp" }]);
    assert.ok(!JSON.stringify(c.ports).includes("5002"), "the debug port is never published");
    assert.deepEqual(c.volumes, [{ volumeName: "team-registry-data", containerPath: "/var/lib/registry" }]);
    assert.deepEqual(c.healthcheck, {
        tests: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:5002/debug/health"],
        interval: "10s",
        timeout: "5s",
        retries: 3,
        startPeriod: "10s",
    });
    assert.equal(c.wait, true);
    assert.equal(c.logDriver, "json-file");
    assert.deepEqual(c.logOpts, { "max-size": "20m", "max-file": "5" });
    const labels = Object.fromEntries((c.labels ?? []).map((l) => [l.label, l.value]));
    assert.deepEqual(labels, {
        "private-registry.managed-by": "pulumi",
        "private-registry.component": "registry",
        "private-registry.stack": "private-registry/test",
        "private-registry.config-path": containerPaths(2).config,
        "private-registry.docker-host": "local",
    });
    assert.deepEqual(r.mocks.inputsOf("registry-data").labels, c.labels);

    const files = uploadedFiles(r);
    assert.deepEqual([...files.keys()].sort(), [containerPaths(2).config, containerPaths(2).htpasswd, containerPaths(2).certificate, containerPaths(2).privateKey].sort());
    assert.equal(files.get(containerPaths(2).config)!.content, r.outputs.registryConfig);
    assert.equal(files.get(containerPaths(2).htpasswd)!.content, r.outputs.htpasswd);
    assert.equal(files.get(containerPaths(2).certificate)!.content, "FAKE SERVER CERT registry-server-cert");
    assert.equal(files.get(containerPaths(2).privateKey)!.content, "FAKE PRIVATE KEY registry-server-key");
    assert.equal(files.get(containerPaths(2).privateKey)!.permissions, "0600");
    assert.equal(files.get(containerPaths(2).config)!.permissions, "0600");

    const config = parse(r.outputs.registryConfig);
    assert.equal(config.http.addr, ":5443");
    assert.equal(config.http.debug.addr, ":5002");
    assert.equal(config.http.secret, r.mocks.outputsByName.get("registry-http-secret")!.result);
    assert.deepEqual(config.http.headers["Access-Control-Allow-Origin"], ["https://ui.example.com"]);

    assert.equal(r.outputs.address, "registry.example.com:5443");
    assert.equal(r.outputs.url, "https://registry.example.com:5443");
    assert.deepEqual(r.outputs.addresses, ["registry.example.com:5443", "10.0.0.5:5443"]);
    assert.equal(r.outputs.containerName, "team-registry");
    assert.equal(r.outputs.dataVolumeName, "team-registry-data");
    assert.equal(r.outputs.caCertificatePem, "FAKE CA CERT registry-ca-cert");
});

test("an IPv6 first hostname is bracketed in the address", async () => {
    const r = await renderRegistry({ hostnames: ["fd00::10"] });
    assert.equal(r.outputs.address, "[fd00::10]:5000");
    assert.equal(r.outputs.url, "https://[fd00::10]:5000");
});

test("on port 443 the addresses leave the port out, as image references and certs.d folders do", async () => {
    const r = await renderRegistry({ hostnames: ["registry.example.com", "fd00::10"], port: 443, clients: [{ name: "web1", host: "10.0.0.7" }], sshPrivateKey: "KEY" });
    assert.equal(r.outputs.address, "registry.example.com");
    assert.equal(r.outputs.url, "https://registry.example.com");
    assert.deepEqual(r.outputs.addresses, ["registry.example.com", "[fd00::10]"]);
    const create = String(r.mocks.inputsOf("registry-client-web1").create);
    assert.ok(create.includes("/etc/docker/certs.d/registry.example.com/ca.crt"), "the client trusts the port-less name");
    assert.ok(!create.includes("registry.example.com:443"));
});

test("a provided certificate is served as given and no CA is generated", async () => {
    const r = await renderRegistry({
        hostnames: ["registry.example.com"],
        tlsCertificate: "-----BEGIN CERTIFICATE-----\nPROVIDED\n-----END CERTIFICATE-----\n",
        tlsPrivateKey: "-----BEGIN PRIVATE KEY-----\nPROVIDED KEY\n-----END PRIVATE KEY-----\n",
        tlsCaCertificate: "-----BEGIN CERTIFICATE-----\nISSUER\n-----END CERTIFICATE-----\n",
    });
    assert.equal(r.mocks.resources.filter((res) => res.type.startsWith("tls:")).length, 0);
    const files = uploadedFiles(r);
    assert.match(files.get(containerPaths(2).certificate)!.content, /PROVIDED/);
    assert.match(files.get(containerPaths(2).privateKey)!.content, /PROVIDED KEY/);
    assert.match(r.outputs.caCertificatePem!, /ISSUER/);
    assert.equal(r.outputs.serverCertificatePem, files.get(containerPaths(2).certificate)!.content);
    const plain = r.mocks.resources.flatMap((res) => plainStrings(res.inputs));
    assert.ok(!plain.some((s) => s.includes("PROVIDED KEY")), "the provided key must not be stored in plain text");

    const publicCa = await renderRegistry({ hostnames: ["registry.example.com"], tlsCertificate: "CERT", tlsPrivateKey: "KEY" });
    assert.equal(publicCa.outputs.caCertificatePem, undefined);
});

test("bad input throws before any resource, even the component, is registered", async () => {
    await renderRegistry({ hostnames: ["registry.example.com"] });
    assert.ok(currentMocks()!.resources.length > 0);
    await assert.rejects(
        renderRegistry({ hostnames: ["bad host"], port: 70000, tlsCertificate: "CERT" }),
        (err: unknown) => {
            assert.ok(err instanceof RegistryConfigError);
            assert.equal(err.problems.length, 3);
            assert.match(err.message, /hostnames\[0\]: "bad host" is not allowed/);
            assert.match(err.message, /port: 70000 is not allowed; expected a whole number from 1 to 65535/);
            assert.match(err.message, /tlsCertificate: is set but tlsPrivateKey is not/);
            return true;
        },
    );
    assert.deepEqual(currentMocks()!.resources, [], "nothing was registered");
});

test("an empty provided certificate counts as not given (a CA is generated)", async () => {
    const r = await renderRegistry({ hostnames: ["registry.example.com"], tlsCertificate: "", tlsPrivateKey: "", tlsCaCertificate: "" });
    assert.ok(r.mocks.resources.some((res) => res.name === "registry-ca-cert"));
    assert.equal(r.outputs.caCertificatePem, "FAKE CA CERT registry-ca-cert");
});
