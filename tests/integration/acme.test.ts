/**
 * `tlsSource: acme` against a real ACME CA: Distribution 3.1.2 (the registry:3 stand-in) runs the
 * component's container inputs with its built-in ACME client, Debian's pebble issues over
 * TLS-ALPN-01 (its mock DNS sends every name to 127.0.0.1), and the real Docker engine and the
 * component's own client command over a real sshd are the judges. The registry runs in the host
 * network on a loopback port (pebble's VA connects there; the registry reaches pebble's directory
 * on localhost), and the engine reaches it by a name that resolves to ::1 only, forwarded to it,
 * because Docker skips TLS checks for 127.0.0.0/8.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { copyFile, mkdir, readFile, rm } from "node:fs/promises";
import { connect, PeerCertificate } from "node:tls";
import { join } from "node:path";
import { PrivateRegistryArgs } from "../../components";
import { Docker, docker as hostDocker, dockerCli, requireDockerAndImage } from "../kit/docker";
import { renderRegistry, RenderedRegistry } from "../kit/render/render";
import { testImages, testRegistryArgs } from "../kit/registry/testRegistry";
import { ContainerInputs, removeContainerAndVolume, runContainer } from "../kit/registry/container";
import { onLoopbackPorts } from "../kit/registry/sharedInstances";
import { containerLogs, containerState, waitFor } from "../kit/registry/containerOps";
import { removeDockerLeftovers, ownerLabelChange } from "../kit/registry/leftovers";
import { forwardIpv6Loopback, freePort } from "../kit/host/net";
import { runProcess } from "../kit/host/process";
import { addLoopbackNames, LoopbackNames } from "../kit/host/loopbackNames";
import { startSshd, Sshd } from "../kit/services/sshd";
import { startAcmeTestCa, AcmeTestCa, AcmeTestCaOptions } from "../kit/services/acmeCa";
import { createTestUsers } from "../kit/host/testUsers";
import { uniqueName } from "../kit/host/owner";
import { freshTempDir } from "../kit/host/tempDirs";

/** The certificate the registry presents on 127.0.0.1:`port` to a client asking for `servername`; throws on a TLS failure. */
function servedCertificate(port: number, servername: string, ca: string): Promise<PeerCertificate> {
    return new Promise((resolve, reject) => {
        const socket = connect({ host: "127.0.0.1", port, servername, ca, timeout: 60_000 }, () => {
            const certificate = socket.getPeerCertificate();
            socket.end();
            resolve(certificate);
        });
        socket.on("error", reject);
        socket.on("timeout", () => socket.destroy(new Error("TLS handshake timed out")));
    });
}

/** The component's ACME registry as run here: its declared container in the host network on loopback ports. */
interface AcmeRegistry {
    rendered: RenderedRegistry;
    inputs: ContainerInputs;
    /** Starts the container from the declared inputs; returns when Docker reports it healthy. */
    start(): Promise<void>;
    /** Removes the container, keeping its volumes (a replacement, as `pulumi up` does it). */
    removeContainer(): Promise<void>;
    /** Removes the container and both volumes. */
    remove(): Promise<void>;
}

interface AcmeRegistryOptions {
    /**
     * A CA bundle put where the image's system bundle would be (Alpine's /etc/ssl/cert.pem; the
     * stand-in has none), to show the registry still reads it.
     */
    systemRoots?: string;
    /** Keep the volumes an earlier rendering of the same `unique` left: the same stack after a `pulumi up` with changed config. */
    keepVolumes?: boolean;
}

async function acmeRegistry(unique: string, port: number, args: Omit<PrivateRegistryArgs, "port">, options: AcmeRegistryOptions = {}): Promise<AcmeRegistry> {
    const { systemRoots, keepVolumes = false } = options;
    const registryArgs = testRegistryArgs(unique, port, { image: testImages[3], tlsSource: "acme", ...args });
    await requireDockerAndImage(registryArgs.image!);
    await removeDockerLeftovers();
    const rendered = await renderRegistry(registryArgs, { tls: "openssl" });
    const declared = rendered.mocks.inputsOf("registry-container") as ContainerInputs;
    const onLoopback = onLoopbackPorts(declared, declared.name!, port, await freePort());
    const inputs = systemRoots === undefined ? onLoopback : { ...onLoopback, uploads: [...(onLoopback.uploads ?? []), { file: "/etc/ssl/cert.pem", content: systemRoots }] };
    const volumes = (declared.volumes ?? []).map((v) => v.volumeName!);
    const removeVolumes = async () => {
        for (const volume of volumes) await dockerCli("volume", "rm", "-f", volume).catch(() => undefined);
    };
    await removeContainerAndVolume(inputs.name!, undefined);
    if (!keepVolumes) await removeVolumes();
    return {
        rendered,
        inputs,
        start: () => runContainer(inputs, { network: "host" }),
        removeContainer: () => removeContainerAndVolume(inputs.name!, undefined),
        remove: async () => {
            await removeContainerAndVolume(inputs.name!, undefined);
            await removeVolumes();
        },
    };
}

/**
 * An ACME registry with one client host: the CA, a sudo user reached over a real sshd (the
 * component's client command logs its Docker in as `ci`), the registry reached by a name that
 * resolves to ::1 only. Not started: tests start it when they need it.
 */
interface ClientFixture {
    ca: AcmeTestCa;
    registry: AcmeRegistry;
    sshd: Sshd;
    user: string;
    /** `<name>:<port>`, as clients use it. */
    address: string;
    /** The name in /etc/hosts; `trust` adds a CA for it to this machine's Docker. */
    names: LoopbackNames;
    /** The component's command for the client host. */
    command: { create: string; delete: string; stdin: string };
    /** Runs the delete command, then removes everything above. */
    remove(): Promise<void>;
}

async function clientFixture(unique: string, name: string, port: number, caOptions: AcmeTestCaOptions, args: Partial<PrivateRegistryArgs> = {}): Promise<ClientFixture> {
    const undo: (() => Promise<unknown> | void)[] = [];
    const remove = async () => {
        for (const step of undo.reverse()) await step();
    };
    try {
        const ca = await startAcmeTestCa(caOptions);
        undo.push(() => ca.stop());
        const users = await createTestUsers();
        undo.push(() => users.remove());
        const sshd = await startSshd();
        undo.push(() => sshd.stop());
        const registry = await acmeRegistry(unique, port, {
            hostnames: [name],
            acmeDirectory: ca.directoryUrl,
            // A private ACME CA: the registry needs its API's certificate, the clients its root.
            acmeCaCertificates: ca.rootPem + ca.apiCertificatePem,
            sshPrivateKey: sshd.privateKey,
            clients: [{ name: "node", host: "127.0.0.1", port: sshd.port, user: users.sudoUser, hostKey: sshd.hostKey, runtimes: ["docker"], dockerLogin: "ci" }],
            ...args,
        });
        undo.push(() => registry.remove());
        const forwarder = await forwardIpv6Loopback(port);
        undo.push(() => void forwarder.close());
        const names = await addLoopbackNames([name]);
        undo.push(() => names.remove());
        const command = registry.rendered.mocks.inputsOf("registry-client-node") as unknown as ClientFixture["command"];
        undo.push(() => sshd.run(users.sudoUser, command.delete));
        return { ca, registry, sshd, user: users.sudoUser, address: registry.rendered.outputs.address, names, command, remove };
    } catch (e) {
        await remove();
        throw e;
    }
}

describe("tlsSource acme: Distribution 3.1.2 gets its certificate from an ACME CA (pebble), and clients use it", () => {
    const unique = uniqueName("acme");
    const name = `registry-${unique}.test`;
    let fixture: ClientFixture | undefined;
    let ca: AcmeTestCa | undefined;
    let registry: AcmeRegistry | undefined;
    let sshd: Sshd | undefined;
    let user: string;
    let work: string | undefined;
    let directoryUrl: string;
    let port: number;
    let address: string;
    let ref: string;
    let command: ClientFixture["command"];
    /** The docker CLI with a config folder of its own, so the tests' logins stay out of root's. */
    const docker = () => new Docker(join(work!, "docker"));

    before(async () => {
        port = await freePort();
        // A CA slower than Docker's patience: the first order takes 15 s more than it would, and
        // Docker gives a TLS handshake (the login's, waiting for the certificate) 10 s.
        fixture = await clientFixture(unique, name, port, { tlsPort: port, firstAnswerDelayMs: 15_000 }, { acmeEmail: "ops@example.test" });
        ({ ca, registry, sshd, user, address, command } = fixture);
        directoryUrl = ca.directoryUrl;
        work = await freshTempDir("acme-test-");
        await mkdir(join(work, "rootfs/bin"), { recursive: true });
        await copyFile("/bin/busybox", join(work, "rootfs/bin/busybox"));
        ref = `${address}/acme/busybox:1`;
        const imported = await runProcess("bash", ["-c", 'tar -C "$1" -c . | docker import "$2" "$3" - "$4"', "import", join(work, "rootfs"), ...ownerLabelChange, ref]);
        assert.equal(imported.code, 0, imported.stderr);
    });

    after(async () => {
        // The directory test replaces the registry: remove the one running now, then the rest.
        await registry?.remove();
        await fixture?.remove();
        if (ref) await hostDocker.run(["rmi", "-f", ref]);
        if (work) await rm(work, { recursive: true, force: true });
    });

    test("the first order cannot fail the deployment: healthy before it, and the client command's docker login waits for a slow CA", async () => {
        await registry!.start();
        // What `pulumi up` waits for: healthy, with nothing ordered yet.
        assert.equal((await containerState(registry!.inputs.name!)).health, "healthy");
        assert.equal(await ca!.orderCount(), 0, "nothing is ordered before the first TLS connection");

        // The login is the first connection; the order takes longer than Docker's TLS handshake
        // timeout, so the first login fails, and the next ones wait for the same order.
        const created = await sshd!.run(user, command.create, command.stdin);
        assert.equal(created.code, 0, created.stderr);
        const waited = new RegExp(`docker login ${address.replace(/\./g, "\\.")}: waited (\\d+) s for the registry's certificate`).exec(created.stdout);
        assert.ok(waited && Number(waited[1]) >= 10, created.stdout);
        assert.match(created.stdout, new RegExp(`docker login ${address.replace(/\./g, "\\.")}: ${user} is logged in as ci`));
        assert.equal(await ca!.orderCount(), 1, "one order, however many logins waited for it");
        // The private ACME CA's certificates, installed for the clients.
        assert.equal(await readFile(`/etc/docker/certs.d/${address}/ca.crt`, "utf8"), ca!.rootPem + ca!.apiCertificatePem);
        assert.equal(await ca!.issuedCount(), 1);
        const certificate = await servedCertificate(port, name, ca!.rootPem);
        assert.deepEqual([certificate.subjectaltname, /^Pebble Intermediate CA/.test(String(certificate.issuer.CN))], [`DNS:${name}`, true]);
    });

    test("a refused password fails the client command at once, without waiting", async () => {
        const started = Date.now();
        const refused = await sshd!.run(user, command.create, "not-the-password\n");
        assert.notEqual(refused.code, 0);
        assert.match(refused.stderr, /docker login .* failed: .*(unauthorized|incorrect username or password)/i);
        assert.ok(Date.now() - started < 60_000, `it gave up after ${Date.now() - started} ms`);
    });

    test("docker login, push and pull work with only pebble's root trusted", async () => {
        // The client command's trust removed (its delete), then only the root in certs.d.
        const removed = await sshd!.run(user, command.delete);
        assert.equal(removed.code, 0, removed.stderr);
        assert.equal(existsSync(`/etc/docker/certs.d/${address}`), false);
        const untrusted = await docker().run(["login", "--username", "admin", "--password-stdin", address], registry!.rendered.outputs.passwords.admin);
        assert.notEqual(untrusted.code, 0);
        assert.match(untrusted.stderr, /x509: certificate signed by unknown authority/);

        await fixture!.names.trust(address, ca!.rootPem);
        await docker().login(address, "admin", registry!.rendered.outputs.passwords.admin);
        for (const step of [["push", ref], ["rmi", ref], ["pull", ref], ["run", "--rm", ref, "/bin/busybox", "true"]]) {
            const result = await docker().run(step);
            assert.equal(result.code, 0, `docker ${step.join(" ")}: ${result.stderr}`);
        }
    });

    test("a name not in hostnames gets no certificate, and nothing is ordered for it", async () => {
        const orders = await ca!.orderCount();
        await assert.rejects(servedCertificate(port, `other-${unique}.test`, ca!.rootPem), /alert|handshake|socket/i);
        assert.equal(await ca!.orderCount(), orders);
        assert.match(await containerLogs(registry!.inputs.name!), /not configured in HostWhitelist/);
    });

    test("a replaced container serves the same certificate from the cache volume, without a new order", async () => {
        const before = await servedCertificate(port, name, ca!.rootPem);
        const orders = await ca!.orderCount();
        const first = await containerState(registry!.inputs.name!);
        await registry!.removeContainer();
        await registry!.start();
        assert.notEqual((await containerState(registry!.inputs.name!)).id, first.id, "a new container");
        const after = await servedCertificate(port, name, ca!.rootPem);
        assert.equal(after.serialNumber, before.serialNumber);
        assert.equal(await ca!.orderCount(), orders, "no new order");
    });

    test("another ACME directory (staging to production) orders from the new CA; back again, the first CA's certificate is reused", async () => {
        const staging = await servedCertificate(port, name, ca!.rootPem);
        const stagingOrders = await ca!.orderCount();
        const production = await startAcmeTestCa({ tlsPort: port });
        try {
            const withDirectory = (url: string, directory: AcmeTestCa) =>
                acmeRegistry(unique, port, { hostnames: [name], acmeDirectory: url, acmeCaCertificates: directory.rootPem + directory.apiCertificatePem }, { keepVolumes: true });
            // What `pulumi up` does with the changed config: the container replaced, the volumes kept.
            await registry!.removeContainer();
            registry = await withDirectory(production.directoryUrl, production);
            await registry.start();
            const issued = await servedCertificate(port, name, production.rootPem);
            assert.notEqual(issued.serialNumber, staging.serialNumber);
            assert.equal(await production.issuedCount(), 1, "ordered from the new directory");

            await registry.removeContainer();
            registry = await withDirectory(directoryUrl, ca!);
            await registry.start();
            assert.equal((await servedCertificate(port, name, ca!.rootPem)).serialNumber, staging.serialNumber);
            assert.equal(await ca!.orderCount(), stagingOrders, "the first directory's cache is still there");
        } finally {
            await production.stop();
        }
    });
});

describe("tlsSource acme: the registry renews by itself, is healthy before it has a certificate, and keeps the system's roots", () => {
    const unique = uniqueName("acmerenew");
    const name = `registry-${unique}.test`;
    let ca: AcmeTestCa | undefined;
    let registry: AcmeRegistry | undefined;

    before(async () => {
        const port = await freePort();
        // 60 s certificates: x/crypto's autocert renews a third of the validity before expiry.
        ca = await startAcmeTestCa({ tlsPort: port, validitySeconds: 60 });
        // The private CA's certificates without the directory's: the registry reaches the directory
        // only if it still trusts the system's bundle, where that certificate is here.
        registry = await acmeRegistry(unique, port, { hostnames: [name], acmeDirectory: ca.directoryUrl, acmeCaCertificates: ca.rootPem }, { systemRoots: ca.apiCertificatePem });
    });

    after(async () => {
        await registry?.remove();
        await ca?.stop();
    });

    test("healthy with no certificate yet; the first connection orders one (through the system's roots); renewed before expiry with no restart and no pulumi", async () => {
        const registryPort = Number(/REGISTRY_HTTP_ADDR=127\.0\.0\.1:(\d+)/.exec(registry!.inputs.envs!.join(" "))![1]);
        await registry!.start();
        // Healthy (what `pulumi up` waits for) before anything was ordered: the CA cannot hold the deployment up.
        assert.equal((await containerState(registry!.inputs.name!)).health, "healthy");
        assert.equal(await ca!.orderCount(), 0);
        const state = await containerState(registry!.inputs.name!);

        const first = await servedCertificate(registryPort, name, ca!.rootPem);
        assert.equal(await ca!.issuedCount(), 1);
        const renewed = await waitFor(
            "a renewed certificate",
            async () => {
                const current = await servedCertificate(registryPort, name, ca!.rootPem);
                return current.serialNumber !== first.serialNumber ? current : undefined;
            },
            Math.max(0, Date.parse(first.valid_to) - Date.now()) + 5_000,
        );
        assert.ok(Date.parse(renewed.valid_to) > Date.parse(first.valid_to));
        assert.ok(Date.now() < Date.parse(first.valid_to), "renewed before the first certificate expired");
        assert.equal(await ca!.issuedCount(), 2);
        const now = await containerState(registry!.inputs.name!);
        assert.deepEqual([now.id, now.startedAt, now.restartCount], [state.id, state.startedAt, 0], "the same process all along");
    });
});

describe("tlsSource acme: when the CA cannot validate, the client command fails at once with the reason", () => {
    const unique = uniqueName("acmefail");
    let fixture: ClientFixture | undefined;

    before(async () => {
        const port = await freePort();
        // The CA validates on a port where nothing listens, as when port 443 does not reach the registry.
        fixture = await clientFixture(unique, `registry-${unique}.test`, port, { tlsPort: await freePort() });
        await fixture.registry.start();
    });

    after(async () => {
        await fixture?.remove();
    });

    test("a failed order ends the login wait at once, instead of ordering again every minute into the CA's failed-validation limit", async () => {
        const started = Date.now();
        const { sshd, user, command, ca, registry } = fixture!;
        const failed = await sshd.run(user, command.create, command.stdin);
        assert.notEqual(failed.code, 0);
        assert.match(failed.stderr, /tls: internal error \(the registry has no certificate for this name: its ACME order failed; the registry's log says why\)/);
        assert.ok(Date.now() - started < 50_000, `it gave up after ${Date.now() - started} ms`);
        // One attempt: autocert's first order fails its TLS-ALPN-01 validation, and a second order
        // finds no other challenge type it could try.
        assert.ok((await ca.orderCount()) <= 2, `orders: ${await ca.orderCount()}`);
        assert.equal(await ca.issuedCount(), 0);
        assert.match(await containerLogs(registry.inputs.name!), /no viable challenge type found/);
    });
});
