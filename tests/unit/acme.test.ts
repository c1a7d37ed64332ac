/**
 * Certificates from an ACME CA (`tlsSource: acme`), under mocks: what the component declares and
 * renders (no certificate resources, the `http.tls.letsencrypt` section, the cache volume, the
 * private CA's trust), what the clients are told, and the settings refused or warned about at preview.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import * as pulumi from "@pulumi/pulumi";
import { renderRegistry, uploadedFiles } from "../kit/render/render";
import { ContainerInputs } from "../kit/registry/container";
import { valueOf } from "../kit/render/mocks";
import {
    acmeDirectories, containerPaths, findProblems, findWarnings, PrivateRegistryArgs, RegistryConfigError, resolveSettings,
} from "../../components";

const acme: PrivateRegistryArgs = {
    hostnames: ["registry.example.com", "cr.example.com"],
    image: "registry:3",
    port: 443,
    tlsSource: "acme",
    acmeEmail: "ops@example.com",
};
const privateCa = "-----BEGIN CERTIFICATE-----\nSTEP-CA ROOT\n-----END CERTIFICATE-----\n";

const problemsOf = (args: Partial<PrivateRegistryArgs>) => findProblems(resolveSettings("registry", { ...acme, ...args }));
const warningsOf = (args: Partial<PrivateRegistryArgs>) => findWarnings(resolveSettings("registry", { ...acme, ...args }));

test("acme: no certificate resources; the registry config orders one for every hostname from Let's Encrypt", async () => {
    const r = await renderRegistry(acme);
    assert.deepEqual(r.mocks.resources.filter((res) => res.type.startsWith("tls:")), [], "no key, CA or certificate is declared");
    const tls = parse(r.outputs.registryConfig).http.tls;
    assert.deepEqual(tls, {
        letsencrypt: {
            cachefile: `${containerPaths(3).acmeCache}/acme-v02.api.letsencrypt.org_directory`,
            email: "ops@example.com",
            hosts: ["registry.example.com", "cr.example.com"],
            directoryurl: "https://acme-v02.api.letsencrypt.org/directory",
        },
        minimumtls: "tls1.2",
    });
    const files = uploadedFiles(r);
    assert.deepEqual([...files.keys()].sort(), [containerPaths(3).config, containerPaths(3).htpasswd].sort(), "only the config and htpasswd are uploaded");
    assert.deepEqual(
        [r.outputs.tlsSource, r.outputs.clientCaRequired, r.outputs.caCertificatePem, r.outputs.serverCertificatePem],
        ["acme", false, undefined, undefined],
        "a publicly trusted certificate the registry obtains at run time",
    );

    const staging = await renderRegistry({ ...acme, acmeDirectory: "letsencrypt-staging", acmeEmail: undefined });
    const stagingTls = parse(staging.outputs.registryConfig).http.tls.letsencrypt;
    assert.equal(stagingTls.directoryurl, acmeDirectories["letsencrypt-staging"]);
    // A cache folder per directory: moving from staging to production orders production certificates
    // instead of serving the cached staging ones (autocert keys its cache by host name alone).
    assert.equal(stagingTls.cachefile, `${containerPaths(3).acmeCache}/acme-staging-v02.api.letsencrypt.org_directory`);
    assert.equal("email" in stagingTls, false, "no contact address: no email key");
});

test("acme: the account key and certificates live on a volume of their own, kept like the data, also with S3 storage", async () => {
    const r = await renderRegistry(acme);
    const container = r.mocks.inputsOf("registry-container") as ContainerInputs;
    assert.equal(r.mocks.inputsOf("registry-acme").name, "registry-data-acme");
    assert.equal(r.outputs.acmeVolumeName, "registry-data-acme", "an output, to back it up");
    assert.deepEqual(container.volumes, [
        { volumeName: "registry-data", containerPath: "/var/lib/registry" },
        { volumeName: "registry-data-acme", containerPath: containerPaths(3).acmeCache },
    ]);
    const options = r.options.find((o) => o.name === "registry-acme")!;
    assert.equal(options.retainOnDelete, true, "pulumi destroy keeps it with the data");
    assert.deepEqual(options.ignoreChanges, ["labels"]);
    const dropped = await renderRegistry({ ...acme, retainDataOnDestroy: false });
    assert.equal(dropped.options.find((o) => o.name === "registry-acme")!.retainOnDelete, false);

    const s3 = await renderRegistry({ ...acme, storage: "s3", s3: { bucket: "images" } });
    assert.deepEqual([s3.outputs.dataVolumeName, s3.outputs.acmeVolumeName], [undefined, "registry-data-acme"]);
    assert.deepEqual((s3.mocks.inputsOf("registry-container") as ContainerInputs).volumes, [
        { volumeName: "registry-data-acme", containerPath: containerPaths(3).acmeCache },
    ]);

    const generated = await renderRegistry({ ...acme, tlsSource: undefined, acmeEmail: undefined, port: undefined });
    assert.equal(generated.mocks.resources.some((res) => res.name === "registry-acme"), false, "no cache volume without ACME");
});

test("acme with a private CA: the registry trusts it beside the system roots, clients install it", async () => {
    const r = await renderRegistry({ ...acme, acmeDirectory: "https://ca.internal:9000/acme/acme/directory", acmeCaCertificates: privateCa, clients: [
        { name: "web1", host: "10.0.0.7", runtimes: ["docker", "containerd"], dockerLogin: "admin" },
    ], sshPrivateKey: pulumi.secret("KEY") });
    const letsencrypt = parse(r.outputs.registryConfig).http.tls.letsencrypt;
    assert.equal(letsencrypt.directoryurl, "https://ca.internal:9000/acme/acme/directory");
    assert.equal(letsencrypt.cachefile, `${containerPaths(3).acmeCache}/ca.internal_9000_acme_acme_directory`);
    const container = r.mocks.inputsOf("registry-container") as ContainerInputs;
    assert.ok(container.envs?.includes(`SSL_CERT_DIR=${containerPaths(3).acmeCaFolder}:/etc/ssl/certs`), `envs: ${container.envs}`);
    assert.equal(uploadedFiles(r).get(`${containerPaths(3).acmeCaFolder}/ca.crt`)?.content, privateCa);
    assert.deepEqual([r.outputs.clientCaRequired, r.outputs.caCertificatePem], [true, privateCa]);
    const create = String(r.mocks.inputsOf("registry-client-web1").create);
    assert.match(create, /LOGIN_WAIT=300\b/, "docker login waits for the first order");
    const trusted = (await valueOf(r.registry.clients));
    assert.ok(trusted.web1.files.includes("/etc/docker/certs.d/registry.example.com/ca.crt"), JSON.stringify(trusted.web1.files));

    const noCa = await renderRegistry(acme);
    assert.equal((noCa.mocks.inputsOf("registry-container") as ContainerInputs).envs?.some((e) => e.startsWith("SSL_CERT_DIR=")), false);
});

test("acme with Let's Encrypt: clients install no CA, still log in and get containerd's hosts.toml", async () => {
    const r = await renderRegistry({ ...acme, clients: [{ name: "web1", host: "10.0.0.7", runtimes: ["docker", "containerd"], dockerLogin: "admin" }], sshPrivateKey: pulumi.secret("KEY") });
    const summary = await valueOf(r.registry.clients);
    assert.deepEqual(summary.web1.files, ["/etc/containerd/certs.d/registry.example.com/hosts.toml", "/etc/containerd/certs.d/cr.example.com/hosts.toml"]);
    assert.equal(summary.web1.dockerLogin, "admin");
    assert.match(String(r.mocks.inputsOf("registry-client-web1").create), /LOGIN_WAIT=300\b/);
    const generated = await renderRegistry({ ...acme, tlsSource: "generated", acmeEmail: undefined, clients: [{ name: "web1", host: "10.0.0.7", dockerLogin: "admin" }], sshPrivateKey: pulumi.secret("KEY") });
    assert.match(String(generated.mocks.inputsOf("registry-client-web1").create), /LOGIN_WAIT=0\b/, "a deployed certificate: a failed login fails at once");
});

test("acme refuses at preview: registry:2, IP addresses, wildcards, several instances, a provided certificate", async () => {
    assert.deepEqual(problemsOf({}), []);
    const one = (args: Partial<PrivateRegistryArgs>, start: string, reason: RegExp) => {
        const problems = problemsOf(args);
        assert.ok(
            problems.some((p) => p.startsWith(start) && reason.test(p)),
            `a problem starting "${start}" and matching ${reason} in ${JSON.stringify(problems)}`,
        );
    };
    one({ image: "registry:2" }, 'tlsSource: "acme" is not allowed with Distribution 2.8', /TLS-SNI-01 challenge, which Let's Encrypt retired.*Use registry:3/);
    one({ hostnames: ["registry.example.com", "203.0.113.7"] }, 'hostnames[1]: "203.0.113.7" is not allowed', /DNS names only/);
    one({ hostnames: ["registry"] }, 'hostnames[0]: "registry" is not allowed', /names need a dot.*server name component count invalid/);
    one({ hostnames: ["*.example.com"] }, 'hostnames[0]: "*.example.com" is not allowed', /wildcard certificate needs the DNS-01 challenge/);
    one({ instances: [{ name: "b", dockerHost: "ssh://b", hostname: "10.0.0.12" }] }, 'instances[0] (b).hostname: "10.0.0.12" is not allowed', /DNS names only/);
    const two = [
        { name: "a", dockerHost: "ssh://a", hostname: "a.example.com" },
        { name: "b", dockerHost: "ssh://b", hostname: "b.example.com" },
    ];
    one({ instances: two, storage: "s3", s3: { bucket: "images" } }, "instances: 2 instances cannot share tlsSource acme", /Use tlsSource provided/);
    assert.deepEqual(problemsOf({ instances: [two[0]] }), [], "one listed instance may order for its names");
    one({ tlsCertificate: "CERT", tlsPrivateKey: "KEY" }, "tlsCertificate: is set but tlsSource is acme", /remove tlsCertificate, or set tlsSource to provided/);
    one({ tlsCaCertificate: "CA" }, "tlsCaCertificate: is set but tlsSource is acme", /provided/);
    one({ acmeDirectory: "http://ca.internal/directory" }, 'acmeDirectory: "http://ca.internal/directory" is not allowed', /letsencrypt, letsencrypt-staging, or the https URL/);
    one({ acmeDirectory: "staging" }, 'acmeDirectory: "staging" is not allowed', /letsencrypt-staging/);
    one({ acmeEmail: "ops at example" }, 'acmeEmail: "ops at example" is not allowed', /one email address/);
    one({ acmeEmail: "mailto:ops@example.com" }, 'acmeEmail: "mailto:ops@example.com" is not allowed', /without mailto:/);
    one({ acmeCaCertificates: "/etc/ssl/step-ca-root.crt" }, "acmeCaCertificates: holds no PEM certificate", /BEGIN CERTIFICATE/);
    one({ hostnames: ["registry.lab.internal"] }, 'hostnames[0]: "registry.lab.internal" is not allowed', /Let's Encrypt issues for public domains only, never under \.internal/);
    one({ hostnames: ["cr.example.com", "registry.test"], acmeDirectory: "letsencrypt-staging" }, 'hostnames[1]: "registry.test" is not allowed', /never under \.test/);
    assert.deepEqual(problemsOf({ hostnames: ["registry.lab.internal"], acmeDirectory: "https://ca.lab.internal/acme/acme/directory", acmeCaCertificates: privateCa }), [], "a private CA may issue for them");
    assert.deepEqual(problemsOf({ tlsSource: "" as "acme", acmeEmail: undefined, acmeDirectory: "" }), [], '"" means not set: the generated CA, Let\'s Encrypt');
    one({ tlsSource: "letsencrypt" as "acme" }, 'tlsSource: "letsencrypt" is not allowed', /generated, provided, acme/);
    one({ tlsSource: "generated" }, "acmeEmail: is set but tlsSource is generated", /only applies with tlsSource acme/);
    one({ tlsSource: undefined, acmeEmail: undefined, acmeCaCertificates: privateCa }, "acmeCaCertificates: is set but tlsSource is generated", /acme/);
    one({ tlsSource: undefined, acmeEmail: undefined, acmeDirectory: "letsencrypt-staging" }, "acmeDirectory: is set but tlsSource is generated", /acme/);
    one({ tlsSource: "provided", acmeEmail: undefined }, "tlsCertificate: is not set but tlsSource is provided", /tlsPrivateKey/);

    // The component refuses before declaring anything.
    await assert.rejects(renderRegistry({ ...acme, image: "registry:2" }), (e: unknown) => e instanceof RegistryConfigError && /Distribution 2\.8/.test(e.message));
});

test("acme warns at preview when the port is not 443 or only on loopback, and when staging certificates would be untrusted", async () => {
    assert.deepEqual(warningsOf({}), []);
    const [loopback] = warningsOf({ bindAddress: "127.0.0.1" });
    assert.match(loopback, /^bindAddress: 127\.0\.0\.1 with tlsSource acme: .*loopback only.*set bindAddress to 0\.0\.0\.0/);
    const [port] = warningsOf({ port: 5000 });
    assert.match(port, /^port: 5000 with tlsSource acme: .*TLS-ALPN-01 challenge on port 443.*port forward.*Set port to 443/);
    const [old] = warningsOf({ image: "registry:3.0.0" });
    assert.match(old, /^image: tag 3\.0\.0 with tlsSource acme: Distribution 3\.0 renews 30 days before expiry.*use 3\.1 or later/);
    assert.deepEqual(warningsOf({ image: "registry:3.1" }), []);
    const [staging] = warningsOf({ acmeDirectory: "letsencrypt-staging" });
    assert.match(staging, /^acmeDirectory: letsencrypt-staging issues certificates no client trusts.*acmeCaCertificates/);
    assert.deepEqual(warningsOf({ acmeDirectory: "letsencrypt-staging", acmeCaCertificates: privateCa }), []);
    assert.deepEqual(findWarnings(resolveSettings("registry", { hostnames: ["r.example.com"] })), [], "no warnings without ACME");

    // The component logs them as warnings on itself.
    const logged: string[] = [];
    const original = pulumi.log.warn;
    pulumi.log.warn = (message: string) => {
        logged.push(message);
        return Promise.resolve();
    };
    try {
        await renderRegistry({ ...acme, port: 8443 });
    } finally {
        pulumi.log.warn = original;
    }
    assert.equal(logged.filter((m) => /^port: 8443 with tlsSource acme/.test(m)).length, 1, JSON.stringify(logged));
});
