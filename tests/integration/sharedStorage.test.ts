/**
 * Several registry instances over one S3 bucket, against real software: Ceph's RADOS gateway
 * (S3) and Redis from Debian, started here on loopback and removed after; the instances the
 * component declared (identical config, http.secret, htpasswd and certificate) on the real
 * Docker engine; the docker CLI, the registry API and nginx as a round-robin front as clients.
 * Every test runs once per major, 2.8.2 (`registry:2`) and 3.1.2 (`registry:3`), each from its
 * stand-in image, with a bucket and a Redis of its own on one object store.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { PrivateRegistryArgs, RegistryMajor } from "../../components";
import { garbageCollect, readOnlyConfig, writableConfig } from "../../operations/gc";
import { startCephRgw, S3Server } from "../kit/services/cephRgw";
import { containerLogs, replaceFileInContainer } from "../kit/registry/containerOps";
import { dockerCli, requireDockerAndImage } from "../kit/docker";
import { ImageClient, StoredImage } from "../kit/registry/imageClient";
import { addLoopbackNames, LoopbackNames } from "../kit/host/loopbackNames";
import { forwardIpv6Loopback, freePort } from "../kit/host/net";
import { startRedis } from "../kit/services/redis";
import { errorCodes, responseSummary, sha256Digest } from "../kit/registry/api";
import { renderRegistry, RenderedRegistry, uploadedFiles } from "../kit/render/render";
import { startRoundRobinFront } from "../kit/services/roundRobinFront";
import { SharedInstance, startSharedInstances } from "../kit/registry/sharedInstances";
import { testedMajors, testImages, testVersions } from "../kit/registry/testRegistry";
import { curl } from "../kit/registry/curl";
import { uniqueName } from "../kit/host/owner";
import { danglingAnonymousVolumes } from "../kit/registry/leftovers";
import { freshTempDir } from "../kit/host/tempDirs";
import { containerPaths, registryCommand } from "../../components";
import { parse } from "yaml";
import type { Server } from "node:net";

const MiB = 1024 * 1024;

/** The component's args for instances a and b (or c and d) of `major` on this machine's engine, over `bucket`. */
function scaleOutArgs(
    major: RegistryMajor,
    unique: string,
    s3: S3Server,
    bucket: string,
    names: [string, string],
    redis?: { address: string; password: string },
): PrivateRegistryArgs {
    const nameOf = (instance: string) => `${instance}-${unique}.test`;
    return {
        hostnames: [`registry-${unique}.test`, "127.0.0.1"],
        users: ["admin", "ci"],
        image: testImages[major],
        storage: "s3",
        s3: { endpoint: s3.endpoint, region: s3.region, bucket, accessKey: s3.accessKey, secretKey: s3.secretKey, secure: false, chunkSize: 5 * MiB },
        redis,
        // Two Docker hosts in the component's eyes; both are this engine (/run and /var/run are one folder).
        instances: [
            { name: names[0], dockerHost: "unix:///var/run/docker.sock", hostname: nameOf(names[0]) },
            { name: names[1], dockerHost: "unix:///run/docker.sock", hostname: nameOf(names[1]) },
        ],
    };
}

describe("instances on several hosts share one S3 bucket (Ceph RGW) and a Redis cache", () => {
    // One object store for both majors (it takes 15-20 s to start); each major has its own bucket and Redis.
    let s3: S3Server;

    before(async () => {
        const t0 = Date.now();
        s3 = await startCephRgw({ log: (m) => console.log(`# ceph: ${m}`) });
        console.log(`# object store up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    });

    after(async () => {
        await s3?.stop();
    });

    for (const major of testedMajors) describeMajor(major, () => s3);
});

/** Every test against `major`'s instances, over a bucket of its own on `objectStore()`. */
function describeMajor(major: RegistryMajor, objectStore: () => S3Server): void {
    const registryImage = testImages[major];
    const paths = containerPaths(major);
    const unique = uniqueName(`s3v${major}`);
    const shared = `registry-${unique}.test`;
    const nameOf = (instance: string) => `${instance}-${unique}.test`;

    describe(`Distribution ${testVersions[major]}`, () => {
        let s3: S3Server;
        let redis: Awaited<ReturnType<typeof startRedis>>;
        let bucket: string;
        let rendered: RenderedRegistry;
        let a: SharedInstance;
        let b: SharedInstance;
        const started: SharedInstance[] = [];
        let names: LoopbackNames;
        const forwarders: Server[] = [];
        let work: string;
        let cli: ImageClient;
        const pushed: StoredImage[] = [];
        /** Anonymous volumes before the tests: see `after`. */
        let volumesBefore: Set<string> | undefined;
        /** `name:port` of an instance as the docker CLI reaches it: a ::1-only name, forwarded to its loopback port. */
        const dockerAddress = (instance: SharedInstance) => `${nameOf(instance.name)}:${instance.port}`;

        before(async () => {
            await requireDockerAndImage(registryImage);
            s3 = objectStore();
            volumesBefore = await danglingAnonymousVolumes();
            redis = await startRedis();
            bucket = `registry-${unique}`;
            await s3.createBucket(bucket);
            rendered = await renderRegistry(scaleOutArgs(major, unique, s3, bucket, ["a", "b"], redis), { tls: "openssl" });
            [a, b] = await startSharedInstances(rendered, unique);
            started.push(a, b);
            names = await addLoopbackNames([shared, nameOf("a"), nameOf("b")]);
            for (const instance of [a, b]) {
                forwarders.push(await forwardIpv6Loopback(instance.port));
                await names.trust(dockerAddress(instance), rendered.outputs.caCertificatePem!);
            }
            work = await freshTempDir("shared-storage-");
            cli = new ImageClient(join(work, "docker"));
        });

        after(async () => {
            await cli?.removeAll();
            for (const instance of started) await instance.remove();
            for (const forwarder of forwarders) forwarder.close();
            await names?.remove();
            await redis?.stop();
            if (work) await rm(work, { recursive: true, force: true });
            // Anonymous volumes (an image's VOLUME) of containers removed without -v, such as the
            // collection's lock containers once left: removed here, and reported.
            if (volumesBefore) {
                const left = [...(await danglingAnonymousVolumes())].filter((v) => !volumesBefore!.has(v));
                if (left.length > 0) console.log(`# ${left.length} anonymous volume(s) left behind; removing them`);
                for (const volume of left) await dockerCli("volume", "rm", volume).catch(() => undefined);
            }
        });

        test("the instances run byte-identical files, and their storage is the bucket", async () => {
            const [fa, fb] = [uploadedFiles(rendered, "registry-a-container"), uploadedFiles(rendered, "registry-b-container")];
            for (const path of [paths.config, paths.htpasswd, paths.certificate, paths.privateKey]) {
                assert.ok(fa.has(path), `${path} is uploaded`);
                assert.equal(fa.get(path)?.content, fb.get(path)?.content, `${path} is the same on both`);
            }
            assert.deepEqual([...fa.keys()].sort(), [...fb.keys()].sort(), "and nothing else on either");
            assert.deepEqual(a.inputs.volumes, [], "no volume: nothing is kept on the host");
        });

        test(`the instances run the declared command and environment, with ${major === 2 ? "2.8's S3 and Redis keys" : "3.x's path-style S3, Redis addrs and tracing off"}`, async () => {
            const config = parse(rendered.outputs.registryConfig) as { storage: { s3: Record<string, unknown> }; redis: Record<string, unknown> };
            const declaredEnv = (rendered.mocks.inputsOf("registry-a-container") as { envs?: string[] }).envs ?? [];
            if (major === 2) {
                assert.equal(config.storage.s3.forcepathstyle, undefined, "2.8 has no forcepathstyle: its regionendpoint means path style");
                assert.equal(config.redis.addr, redis.address);
                assert.equal(config.redis.addrs, undefined);
                assert.deepEqual(declaredEnv, []);
            } else {
                assert.equal(config.storage.s3.forcepathstyle, true, "3.x addresses an endpoint virtual-host style unless told");
                assert.deepEqual(config.redis.addrs, [redis.address]);
                assert.equal(config.redis.addr, undefined);
                assert.deepEqual(declaredEnv, ["OTEL_TRACES_EXPORTER=none"]);
            }
            for (const instance of [a, b]) {
                const [inspected] = JSON.parse(await dockerCli("inspect", instance.container)) as { Config: { Cmd: string[]; Env: string[] } }[];
                assert.deepEqual(inspected.Config.Cmd, registryCommand(major), "serves the uploaded config");
                for (const env of [...declaredEnv, `REGISTRY_HTTP_ADDR=127.0.0.1:${instance.port}`]) {
                    assert.ok(inspected.Config.Env.includes(env), `${instance.container} runs with ${env}: ${inspected.Config.Env.join(" ")}`);
                }
            }
        });

        test("docker push through one instance, docker pull through the other: the same digests", async () => {
            for (const [i, size] of [[1, 3 * MiB], [2, 12 * MiB]] as const) {
                const ref = `${dockerAddress(a)}/team/app:${i}`;
                await cli.login(dockerAddress(a), "ci", rendered.outputs.passwords.ci);
                await cli.importImage(ref, size);
                const image = await cli.push(ref);
                pushed.push(image);
                await cli.login(dockerAddress(b), "ci", rendered.outputs.passwords.ci);
                const viaB = `${dockerAddress(b)}/team/app:${i}`;
                const digest = await cli.pull(viaB);
                assert.equal(digest, image.digest, `${viaB} has the digest pushed through a`);
                assert.deepEqual(await b.api.manifestDigest("team/app", String(i)), { status: 200, digest: image.digest });
            }
            const keys = await s3.listKeys(bucket, "docker/registry/v2/repositories/team/app/");
            assert.ok(keys.length > 0, "the repository is in the bucket");
        });

        test("a chunked upload begun on one instance is finished on the other (the shared http.secret signs its state)", async () => {
            const data = randomBytes(11 * MiB);
            const [first, second] = [data.subarray(0, 6 * MiB), data.subarray(6 * MiB)];
            let location = await a.api.startUpload("team/chunked");
            const patched = await a.api.uploadChunk(location, first, 0);
            assert.equal(patched.status, 202, responseSummary(patched));
            location = String(patched.headers.location).replace(a.api.origin, b.api.origin);
            const continued = await b.api.uploadChunk(location, second, first.length);
            assert.equal(continued.status, 202, responseSummary(continued));
            const done = await b.api.finishUpload(String(continued.headers.location), sha256Digest(data));
            assert.equal(done.status, 201, responseSummary(done));
            const fetched = await a.api.request("GET", `/v2/team/chunked/blobs/${sha256Digest(data)}`);
            assert.equal(fetched.status, 200);
            assert.ok(fetched.body.equals(data), "the blob read through a is the bytes uploaded through a and b");
        });

        test("a blob deleted through one instance is gone at once through the other (Redis); with in-memory caches it is not (control)", async () => {
            const blob = randomBytes(64 * 1024);
            const digest = sha256Digest(blob);
            assert.equal((await a.api.pushBlob("team/deleted", blob)).status, 201);
            assert.equal((await b.api.request("HEAD", `/v2/team/deleted/blobs/${digest}`)).status, 200, "b sees it (and caches it)");
            assert.equal((await a.api.request("DELETE", `/v2/team/deleted/blobs/${digest}`)).status, 202);
            assert.equal((await b.api.request("HEAD", `/v2/team/deleted/blobs/${digest}`)).status, 404, "b sees the delete at once");
            assert.notEqual(await redis.command("DBSIZE"), "0", "the instances cache in Redis");

            // The same two instances without Redis: each caches in its own memory.
            const other = await renderRegistry(scaleOutArgs(major, unique, s3, bucket, ["c", "d"]), { tls: "openssl" });
            const [c, d] = await startSharedInstances(other, unique);
            started.push(c, d);
            assert.equal((await c.api.pushBlob("team/stale", blob)).status, 201);
            assert.equal((await d.api.request("HEAD", `/v2/team/stale/blobs/${digest}`)).status, 200);
            assert.equal((await c.api.request("DELETE", `/v2/team/stale/blobs/${digest}`)).status, 202);
            assert.equal((await d.api.request("HEAD", `/v2/team/stale/blobs/${digest}`)).status, 200, "d still answers from its own cache");

            // And a registry with another http.secret cannot continue a's upload: the reason it is shared.
            const upload = await a.api.startUpload("team/secret");
            const part = await a.api.uploadChunk(upload, randomBytes(5 * MiB), 0);
            assert.equal(part.status, 202);
            const foreign = await c.api.uploadChunk(String(part.headers.location).replace(a.api.origin, c.api.origin), randomBytes(MiB), 5 * MiB);
            assert.equal(foreign.status, 404, responseSummary(foreign));
            assert.deepEqual(errorCodes(foreign), ["BLOB_UPLOAD_INVALID"]);
            assert.match(await containerLogs(c.container), /invalid secret/, "c's log says why");
            for (const instance of [c, d]) await instance.remove();
        });

        test("one instance stopped: the other keeps serving every image", async () => {
            await a.stop();
            try {
                for (const image of pushed) {
                    await cli.removeLocal(`${dockerAddress(b)}/${image.repo}:${image.tag}`);
                    assert.equal(await cli.pull(`${dockerAddress(b)}/${image.repo}:${image.tag}`), image.digest);
                }
                assert.equal((await b.api.request("GET", "/v2/_catalog")).status, 200);
            } finally {
                await a.start();
            }
        });

        test("docker login, push and pull through a round-robin TCP front (nginx, TLS passed through)", async () => {
            const port = await freePort();
            const front = await startRoundRobinFront({ host: "::1", port }, [a, b].map((i) => ({ host: "127.0.0.1", port: i.port })));
            try {
                const address = `${shared}:${port}`;
                await names.trust(address, rendered.outputs.caCertificatePem!);
                const caFile = join(work, "ca.crt");
                await writeFile(caFile, rendered.outputs.caCertificatePem!);
                const probe = await curl(["--cacert", caFile, `https://${address}/v2/`]);
                assert.equal(probe.status, 401, `the front passes TLS through to a registry: ${probe.exitCode} ${probe.stderr}`);
                await cli.login(address, "admin", rendered.outputs.passwords.admin);
                const images: StoredImage[] = [];
                for (let i = 0; i < 4; i++) {
                    const ref = `${address}/team/front:${i}`;
                    await cli.importImage(ref, 2 * MiB);
                    images.push(await cli.push(ref));
                }
                for (const image of images) {
                    await cli.removeLocal(image.ref);
                    assert.equal(await cli.pull(image.ref), image.digest);
                }
                const perBackend = await front.connectionsPerBackend();
                assert.equal(Object.keys(perBackend).length, 2, `both instances served connections: ${JSON.stringify(perBackend)}`);
                assert.ok(Object.values(perBackend).every((n) => n > 0));
            } finally {
                await front.stop();
            }
        });

        test("read-only mode (what the collector switches every instance to) serves pulls and refuses pushes", async () => {
            const deployed = rendered.outputs.registryConfig;
            await replaceFileInContainer(b.container, paths.config, readOnlyConfig(deployed));
            await b.stop();
            await b.start();
            try {
                const push = await b.api.request("POST", "/v2/team/readonly/blobs/uploads/");
                assert.equal(push.status, 405, `a push is refused: ${responseSummary(push)}`);
                assert.deepEqual(await b.api.manifestDigest(pushed[0].repo, pushed[0].tag), { status: 200, digest: pushed[0].digest });
            } finally {
                await replaceFileInContainer(b.container, paths.config, writableConfig(readOnlyConfig(deployed)));
                await b.stop();
                await b.start();
            }
            assert.equal((await b.api.pushBlob("team/readonly", randomBytes(1024))).status, 201, "writable again");
        });

        test("garbage collection over both instances: blobs gone from the bucket, the cache flushed, both read-write again", async () => {
            // An image only it uses, then untagged: its blobs become garbage.
            const layer = randomBytes(256 * 1024);
            const ref = `${dockerAddress(a)}/team/garbage:1`;
            await cli.login(dockerAddress(a), "admin", rendered.outputs.passwords.admin);
            await cli.importImage(ref, 1 * MiB);
            const image = await cli.push(ref);
            assert.equal((await a.api.pushBlob("team/garbage", layer)).status, 201);
            assert.equal((await b.api.request("HEAD", `/v2/team/garbage/blobs/${sha256Digest(layer)}`)).status, 200, "cached in Redis");
            assert.equal((await a.api.request("DELETE", `/v2/team/garbage/manifests/${image.digest}`)).status, 202);
            const blobsBefore = await s3.listKeys(bucket, "docker/registry/v2/blobs/");

            // Another collection under way on one host (its lock): refused, and nothing is switched.
            await dockerCli("create", "--name", `${b.container}-gc-lock`, registryImage);
            try {
                await assert.rejects(
                    garbageCollect({ container: a.container, instances: [{ container: a.container }, { container: b.container }] }),
                    /another collection is running on .*-b.*docker rm -f .*-b-gc-lock/,
                );
                assert.equal(`${await dockerCli("exec", a.container, "cat", paths.config)}\n`, rendered.outputs.registryConfig, "a was not touched");
            } finally {
                await dockerCli("rm", "-f", "-v", `${b.container}-gc-lock`);
            }

            const volumesBeforeCollection = await danglingAnonymousVolumes();
            const messages: string[] = [];
            // A push while the collector runs: every instance is read-only by then, so it is refused.
            let pushDuringCollection: Promise<{ status: number }> | undefined;
            const report = await garbageCollect({
                container: a.container,
                instances: [{ container: a.container }, { container: b.container }],
                log: (m) => {
                    messages.push(m);
                    if (m.startsWith("collecting through")) pushDuringCollection = b.api.request("POST", "/v2/team/garbage/blobs/uploads/");
                },
            });
            assert.equal((await pushDuringCollection)?.status, 405, "a push during the collection is refused");
            assert.ok(report.blobsRemoved.includes(sha256Digest(layer)), "the unreferenced layer is removed");
            assert.ok(report.blobsKept > 0);
            assert.equal(report.cacheFlushed, true);
            assert.deepEqual(report.instances?.map((i) => i.readOnly), [true, true]);
            assert.ok(messages.some((m) => /switching .*-a to read-only/.test(m)) && messages.some((m) => /switching .*-b back to read-write/.test(m)), messages.join("\n"));
            const blobsAfter = await s3.listKeys(bucket, "docker/registry/v2/blobs/");
            assert.ok(blobsAfter.length < blobsBefore.length, "objects left the bucket");
            assert.ok(!blobsAfter.some((k) => k.includes(sha256Digest(layer).slice(7))), "the layer's object is gone");

            // Without the flush Redis would still say "exists": the re-push would be skipped and pulls fail.
            assert.equal((await b.api.request("HEAD", `/v2/team/garbage/blobs/${sha256Digest(layer)}`)).status, 404);
            assert.equal((await b.api.pushBlob("team/garbage", layer)).status, 201, "b takes pushes again");
            assert.ok((await a.api.request("GET", `/v2/team/garbage/blobs/${sha256Digest(layer)}`)).body.equals(layer));
            for (const kept of pushed) assert.deepEqual(await a.api.manifestDigest(kept.repo, kept.tag), { status: 200, digest: kept.digest });
            const configs = await Promise.all([a, b].map((i) => dockerCli("exec", i.container, "cat", paths.config)));
            for (const config of configs) assert.equal(`${config}\n`, rendered.outputs.registryConfig, "the deployed config is back, byte for byte");
            // The lock containers are made from the registry image, whose VOLUME gives each an anonymous volume.
            const leftByCollection = [...(await danglingAnonymousVolumes())].filter((v) => !volumesBeforeCollection.has(v));
            assert.deepEqual(leftByCollection, [], "the collection leaves no volume behind on any host");
            // 3.x exports traces to localhost:4318 unless its environment (OTEL_TRACES_EXPORTER=none) says not to.
            for (const instance of [a, b]) assert.doesNotMatch(await containerLogs(instance.container), /traces export/, `${instance.container} tried to export traces`);
        });
    });
}
