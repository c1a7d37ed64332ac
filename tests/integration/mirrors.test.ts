/**
 * Pull-through caches (`mirrors`) against the real software: the component is evaluated with
 * real (openssl) certificates, and each mirror's exact container inputs (proxy-mode config,
 * certificate, htpasswd, upstream CA) run Distribution on the real Docker engine, once per major,
 * 2.8.2 (`registry:2`) and 3.1.2 (`registry:3`), from its stand-in image. The upstream, standing
 * in for Docker Hub, is another registry on 127.0.0.1 (tests/kit/registry/upstream.ts); the
 * mirrors run in the host network to reach it there, on loopback ports of their own, and the
 * docker CLI reaches each by the mirror's address (the registry's first hostname, a name on ::1
 * only, forwarded to the mirror's port), with TLS verified against the registry's CA in certs.d.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile, rm } from "node:fs/promises";
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { Server } from "node:net";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { containerPaths } from "../../components";
import type { MirrorArgs, RegistryMajor, RegistryMirrorSummary } from "../../components";
import { dockerCli } from "../kit/docker";
import { addLoopbackNames, LoopbackNames } from "../kit/host/loopbackNames";
import { forwardIpv6Loopback, freePort } from "../kit/host/net";
import { uniqueName } from "../kit/host/owner";
import { freshTempDir } from "../kit/host/tempDirs";
import { errorCodes, RegistryApi, responseSummary } from "../kit/registry/api";
import { ContainerInputs, removeContainerAndVolume, runContainer, waitForHealth } from "../kit/registry/container";
import { containerLogs, containerState, waitFor } from "../kit/registry/containerOps";
import { ImageClient } from "../kit/registry/imageClient";
import { onLoopbackPorts } from "../kit/registry/sharedInstances";
import { volumeMountpoint } from "../kit/registry/storedFiles";
import { testedMajors, testImages, testRegistryArgs, testVersions } from "../kit/registry/testRegistry";
import { startUpstream, Upstream } from "../kit/registry/upstream";
import { renderRegistry, RenderedRegistry, uploadedFiles } from "../kit/render/render";
import { valueOf } from "../kit/render/mocks";

/** A mirror's container as run here, with the component's summary of it. */
interface RunningMirror {
    summary: RegistryMirrorSummary;
    container: string;
    volume: string;
}

/**
 * Blob digests stored on a registry volume: each blob's data file, keyed by the sha256 of its
 * content. A blob the proxy's expiry deletes while this reads is left out, not an error.
 */
async function storedBlobs(volume: string): Promise<Map<string, string>> {
    const root = join(await volumeMountpoint(volume), "docker/registry/v2/blobs/sha256");
    const blobs = new Map<string, string>();
    const entries = (dir: string) => readdir(dir).catch(() => [] as string[]);
    for (const prefix of await entries(root)) {
        for (const digest of await entries(join(root, prefix))) {
            const file = join(root, prefix, digest, "data");
            const content = await readFile(file).catch(() => undefined);
            if (content !== undefined) blobs.set(`sha256:${createHash("sha256").update(content).digest("hex")}`, file);
        }
    }
    return blobs;
}

/** The digests an image manifest refers to (config and layers), read from the blob the mirror stored. */
async function referencedDigests(manifestFile: string): Promise<string[]> {
    const manifest = JSON.parse(await readFile(manifestFile, "utf8")) as { config: { digest: string }; layers: { digest: string }[] };
    return [manifest.config.digest, ...manifest.layers.map((l) => l.digest)];
}

/**
 * Runs mirror `name`'s declared container in the host network on its declared port (and a debug
 * port of its own), its cache volume made by Docker from the declared mount; returns when healthy.
 */
async function runMirror(rendered: RenderedRegistry, name: string, port: number): Promise<void> {
    const declared = rendered.mocks.inputsOf(`registry-mirror-${name}-container`) as ContainerInputs;
    const inputs = onLoopbackPorts(declared, declared.name!, port, await freePort());
    await removeContainerAndVolume(inputs.name!, declared.volumes![0].volumeName);
    await runContainer(inputs, { network: "host" });
}

for (const major of testedMajors) describeMirrors(major);

function describeMirrors(major: RegistryMajor): void {
    const unique = uniqueName(`mirror${major}`);
    const hostname = `registry-${unique}.test`;

    describe(`mirrors (pull-through caches) on Distribution ${testVersions[major]}`, () => {
        let upstream: Upstream | undefined;
        /** 3.x only: an upstream with TLS from a private CA and Basic auth. */
        let privateUpstream: Upstream | undefined;
        let rendered: RenderedRegistry;
        const mirrors: Record<string, RunningMirror> = {};
        let names: LoopbackNames | undefined;
        const forwarders: Server[] = [];
        let work: string | undefined;
        let cli: ImageClient;
        /** 3.x only: the config the private mirror runs (uploaded into its container). */
        let privateConfig = "";
        /** Each mirror's port, as declared. */
        let ports: Record<"hub" | "team" | "private" | "short", number>;
        /** Digests on the upstream: pulled through the hub mirror, never pulled, pulled through the users mirror. */
        const digests: Record<"cached" | "uncached" | "team" | "private" | "expiring", string> = { cached: "", uncached: "", team: "", private: "", expiring: "" };

        before(async () => {
            upstream = await startUpstream({ credentials: false });
            digests.cached = await upstream.pushImage("library/busybox", "1");
            digests.uncached = await upstream.pushImage("library/busybox", "2");
            digests.team = await upstream.pushImage("team/app", "1");
            if (major === 3) {
                privateUpstream = await startUpstream({ credentials: true });
                digests.private = await privateUpstream.pushImage("team/private", "1");
                // An image of its own: with layers this machine already has, Docker would fetch the manifest only.
                digests.expiring = await upstream.pushImage("library/expiring", "1");
            }
            // Rendered after the upstreams: a rendering (the credentialed upstream's too) starts a new recording.
            ports = { hub: await freePort(), team: await freePort(), private: await freePort(), short: await freePort() };
            const declared: MirrorArgs[] = [
                { name: "hub", upstream: upstream.url, mirrorOf: "docker.io", port: ports.hub, access: "anonymous" },
                { name: "team", upstream: upstream.url, port: ports.team, access: "users" },
            ];
            if (privateUpstream) {
                declared.push({
                    name: "private",
                    upstream: privateUpstream.url,
                    upstreamUsername: privateUpstream.username,
                    upstreamPassword: pulumi.secret(privateUpstream.password!),
                    upstreamCaCertificate: privateUpstream.caCertificatePem,
                    port: ports.private,
                    access: "users",
                    ttl: "1h",
                });
                // Expires what it caches 5 s after the fetch: the proxy must delete it by itself.
                declared.push({ name: "short", upstream: upstream.url, mirrorOf: "short.example", port: ports.short, access: "anonymous", ttl: "5s" });
            }
            rendered = await renderRegistry(testRegistryArgs(unique, await freePort(), { hostnames: [hostname, "127.0.0.1"], image: testImages[major], mirrors: declared }), { tls: "openssl" });
            const summaries = await valueOf(rendered.registry.mirrors);
            names = await addLoopbackNames([hostname]);
            for (const mirror of declared) {
                forwarders.push(await forwardIpv6Loopback(mirror.port));
                await names.trust(summaries[mirror.name].address, rendered.outputs.caCertificatePem!);
            }
            for (const m of declared) mirrors[m.name] = { summary: summaries[m.name], container: summaries[m.name].containerName, volume: summaries[m.name].volumeName };
            // Together: Docker's first health probe comes one interval (10 s) after a start.
            const started = await Promise.allSettled(declared.map((m) => runMirror(rendered, m.name, m.port)));
            for (const result of started) if (result.status === "rejected") throw result.reason;
            if (privateUpstream) privateConfig = uploadedFiles(rendered, "registry-mirror-private-container").get(containerPaths(major).config)!.content;
            work = await freshTempDir("mirrors-it-");
            cli = new ImageClient(join(work, "docker"));
        });

        /** The mirror's /v2/ API on 127.0.0.1, TLS checked against the registry's CA, sending no credentials unless asked. */
        const mirrorApi = (mirror: RunningMirror) =>
            new RegistryApi(Number(mirror.summary.address.split(":")[1]), rendered.outputs.caCertificatePem!, { user: "", password: "" });

        after(async () => {
            await cli?.removeAll();
            for (const mirror of Object.values(mirrors)) await removeContainerAndVolume(mirror.container, mirror.volume);
            for (const forwarder of forwarders) forwarder.close();
            await names?.remove();
            await upstream?.remove();
            await privateUpstream?.remove();
            if (work) await rm(work, { recursive: true, force: true });
        });

        test("a Docker Hub mirror with anonymous access: docker pull without login gets the upstream's image, and the mirror keeps its blobs", async () => {
            const hub = mirrors.hub;
            assert.equal(hub.summary.address, `${hostname}:${ports.hub}`, "the mirror is at the registry's first name, on its own port");
            assert.deepEqual([hub.summary.mirrorOf, hub.summary.upstream, hub.summary.access], ["docker.io", upstream!.url, "anonymous"]);
            assert.deepEqual([hub.container, hub.volume], [`registry-${unique}-mirror-hub`, `registry-${unique}-data-mirror-hub`]);

            assert.equal((await mirrorApi(hub).request("GET", "/v2/", { auth: false })).status, 200, "no credentials asked");

            const digest = await cli.pull(`${hub.summary.address}/library/busybox:1`);
            assert.equal(digest, digests.cached, "the upstream's manifest, byte for byte");
            // The proxy stores what it served: the manifest, its config and its layer, each under its digest.
            const blobs = await waitFor("the pulled blobs on the mirror's volume", async () => {
                const stored = await storedBlobs(hub.volume);
                const manifest = stored.get(digest);
                if (manifest === undefined) return undefined;
                const referenced = await referencedDigests(manifest);
                return referenced.every((d) => stored.has(d)) ? referenced : undefined;
            });
            assert.equal(blobs.length, 2, "a config and one layer");
        });

        test("with the upstream stopped, the cached image still pulls, and one never pulled through the mirror fails", async () => {
            const address = mirrors.hub.summary.address;
            await upstream!.stop();
            try {
                await cli.removeLocal(`${address}/library/busybox:1`);
                assert.equal(await cli.pull(`${address}/library/busybox:1`), digests.cached, "served from the cache");
                const uncached = await cli.run(["pull", `${address}/library/busybox:2`]);
                console.log(`# pull of an uncached image, upstream down: ${uncached.stderr.trim()}`);
                assert.notEqual(uncached.code, 0);
                assert.match(uncached.stderr, /manifest unknown/);
            } finally {
                await upstream!.start();
            }
            assert.equal(await cli.pull(`${address}/library/busybox:2`), digests.uncached, "with the upstream back, it pulls");
        });

        test("a mirror that starts while its upstream is down exits and is restarted until the upstream answers, then serves its cache", async () => {
            const hub = mirrors.hub;
            const restarts = async () => Number(await dockerCli("inspect", "-f", "{{.RestartCount}}", hub.container));
            const before = await restarts();
            await upstream!.stop();
            try {
                // Distribution asks the upstream how it authenticates when it starts, and gives up without it.
                await dockerCli("restart", "--time", "5", hub.container);
                await waitFor("the mirror to exit and be restarted", async () => ((await restarts()) > before ? true : undefined));
            } finally {
                await upstream!.start();
            }
            await waitForHealth(hub.container, 60_000);
            await cli.removeLocal(`${hub.summary.address}/library/busybox:1`);
            assert.equal(await cli.pull(`${hub.summary.address}/library/busybox:1`), digests.cached, "its cache survived");
        });

        test("a push to a mirror is refused: at once for an image whose layers it holds, and by every upload dockerd retries", async () => {
            const address = mirrors.hub.summary.address;
            // A user pushing back what came through the mirror: the layers are there, the manifest is refused.
            const pulled = `${address}/library/busybox:1`;
            await cli.removeLocal(pulled);
            assert.equal(await cli.pull(pulled), digests.cached);
            const retagged = `${address}/library/busybox:mine`;
            assert.equal((await cli.run(["tag", pulled, retagged])).code, 0);
            const refused = await cli.run(["push", retagged]);
            console.log(`# push of a pulled image to the mirror: ${refused.stdout.trim()} | ${refused.stderr.trim()}`);
            assert.notEqual(refused.code, 0);
            assert.match(refused.stdout, /Layer already exists/);
            assert.match(refused.stderr, /^unsupported$/m);
            await cli.removeLocal(retagged);

            // New content: dockerd retries the refused upload for 50 s before it prints the same
            // `unsupported`; the first retry is enough, and the upload request it retries says why.
            const ref = `${address}/library/pushed:1`;
            await cli.importImage(ref, 64 * 1024);
            const pushed = await cli.pushUntilFirstFailure(ref);
            assert.deepEqual([pushed.completed, pushed.retried], [false, true], pushed.output);
            const upload = await mirrorApi(mirrors.hub).request("POST", "/v2/library/pushed/blobs/uploads/", { auth: false });
            assert.equal(upload.status, 405, responseSummary(upload));
            assert.deepEqual(errorCodes(upload), ["UNSUPPORTED"]);
            assert.match(upload.body.toString(), /The operation is unsupported\./);
        });

        test("a mirror with access users: an anonymous pull is refused, and after docker login as a registry user it pulls", async () => {
            const team = mirrors.team;
            assert.deepEqual([team.summary.access, team.summary.mirrorOf], ["users", upstream!.address], "mirrorOf defaults to the upstream's host:port");
            const ref = `${team.summary.address}/team/app:1`;
            // The registry's Basic challenge (401), which Docker reports as missing credentials.
            const challenge = await mirrorApi(team).request("GET", "/v2/", { auth: false });
            assert.equal(challenge.status, 401, responseSummary(challenge));
            assert.match(String(challenge.headers["www-authenticate"]), /^Basic realm=/);
            const anonymous = await cli.run(["pull", ref]);
            console.log(`# anonymous pull from a users mirror: ${anonymous.stderr.trim()}`);
            assert.notEqual(anonymous.code, 0);
            assert.match(anonymous.stderr, /no basic auth credentials/);
            await cli.login(team.summary.address, "ci", rendered.outputs.passwords.ci);
            assert.equal(await cli.pull(ref), digests.team);
        });

        // 3.x only: 2.8 sends no credentials to an upstream with Basic auth (it keys them by the
        // token realms of Bearer challenges), and the component warns about that; 2.8 also ignores ttl.
        if (major === 3) {
            test("upstream credentials and CA (3.x): the mirror signs in to a Basic-auth TLS upstream with a private CA; ttl is accepted", async () => {
                const upstreamApi = new RegistryApi(Number(privateUpstream!.address.split(":")[1]), privateUpstream!.caCertificatePem!, { user: "", password: "" });
                assert.equal((await upstreamApi.request("GET", "/v2/", { auth: false })).status, 401, "the upstream wants credentials");
                const mirror = mirrors.private;
                const ref = `${mirror.summary.address}/team/private:1`;
                const anonymous = await cli.run(["pull", ref]);
                assert.notEqual(anonymous.code, 0);
                assert.match(anonymous.stderr, /no basic auth credentials/);
                await cli.login(mirror.summary.address, "ci", rendered.outputs.passwords.ci);
                assert.equal(await cli.pull(ref), digests.private, "pulled through the mirror with its upstream credentials");
                // The ttl is in the config it runs, and it started healthy and serves with it.
                const { proxy } = parse(privateConfig) as { proxy: { remoteurl: string; username: string; ttl: string } };
                assert.deepEqual([proxy.remoteurl, proxy.username, proxy.ttl], [privateUpstream!.url, privateUpstream!.username, "1h"]);
                assert.equal((await containerState(mirror.container)).health, "healthy");
                assert.doesNotMatch(await containerLogs(mirror.container), /level=(error|fatal)/);
            });

            test("ttl (3.x): the mirror deletes cached content by itself once it expires, and fetches it again on the next pull", async () => {
                const short = mirrors.short;
                const ref = `${short.summary.address}/library/expiring:1`;
                assert.equal(await cli.pull(ref), digests.expiring);
                const layers = await waitFor("the pulled blobs on the mirror's volume", async () => {
                    const stored = await storedBlobs(short.volume);
                    const manifest = stored.get(digests.expiring);
                    if (manifest === undefined) return undefined;
                    const referenced = await referencedDigests(manifest);
                    return referenced.every((d) => stored.has(d)) ? referenced : undefined;
                });
                // The scheduler removes each blob as its entry falls due: 5 s, plus its own pace.
                await waitFor("the expired config and layer gone from the volume", async () => {
                    const stored = await storedBlobs(short.volume);
                    return layers.every((d) => !stored.has(d)) ? true : undefined;
                }, 60_000);
                assert.doesNotMatch(await containerLogs(short.container), /Scheduler error/);
                await cli.removeLocal(ref);
                assert.equal(await cli.pull(ref), digests.expiring, "fetched from the upstream again");
            });
        }
    });
}
