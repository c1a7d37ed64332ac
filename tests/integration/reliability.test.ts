/**
 * Reliability (issue 4): nothing pushed is lost when the registry process dies, when `pulumi up`
 * replaces the container with a changed config, when an upload spans a restart, under
 * concurrent load, or under hostile input. The registry runs from the component's exact
 * container inputs on the real Docker engine, every test once per major: Distribution 2.8.2
 * (`registry:2`) and 3.1.2 (`registry:3`), each from its stand-in image, where they answer
 * differently each as it does; images move with the real docker CLI. Every pushed image's
 * manifest digest is recorded, and "nothing lost" means: removed locally, each one pulls again
 * with that digest, and the registry serves that digest for its tag.
 * (The full-disk case is in reliabilityFullDisk.test.ts; garbage collection is tested elsewhere.)
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { join, posix } from "node:path";
import { containerPaths } from "../../components/instances/containerLayout";
import { ContainerInputs, runContainer, waitForHealth } from "../kit/registry/container";
import { dockerCli } from "../kit/docker";
import { assertImagesPull, ImageClient, StoredImage } from "../kit/registry/imageClient";
import { containerLogs, containerState, killMainProcess, replaceFileInContainer, waitFor } from "../kit/registry/containerOps";
import { snapshotStoredFiles, volumeMountpoint } from "../kit/registry/storedFiles";
import { paddedSchema2Manifest, schema2Manifest, signedSchema1Manifest, Descriptor } from "../kit/registry/manifests";
import { ApiResponse, errorCodes, mediaTypes, RegistryApi, responseSummary, sha256Digest } from "../kit/registry/api";
import { freePort } from "../kit/host/net";
import { renderRegistry } from "../kit/render/render";
import { startTestRegistry, testedMajors, testImages, TestRegistry, testVersions } from "../kit/registry/testRegistry";
import { uniqueName } from "../kit/host/owner";
import { freshTempDir } from "../kit/host/tempDirs";
import type { RegistryMajor } from "../../components";

/** The `detail`s of a Distribution error body, as sent (a string or an object). */
const errorDetails = (res: ApiResponse): unknown[] => (JSON.parse(res.body.toString()) as { errors: { detail?: unknown }[] }).errors.map((e) => e.detail);

/** `docker diff`, sorted (its order varies from call to call). */
const containerDiff = async (name: string) => (await dockerCli("diff", name)).split("\n").sort();

const KiB = 1024;
const MiB = 1024 * KiB;

for (const major of testedMajors) describeReliability(major);

function describeReliability(major: RegistryMajor): void {
    const unique = uniqueName(`rel${major}`);

    describe(`reliability: nothing stored is lost (real Docker engine, Distribution ${testVersions[major]}, docker CLI)`, () => {
        let deployed: TestRegistry | undefined;
        /** The container inputs now running (test 2 replaces them). */
        let container: ContainerInputs;
        let name: string;
        let address: string;
        let api: RegistryApi;
        let cli: ImageClient;
        let work: string;
        /** Provider outputs of the first deployment, as Pulumi state holds them for the next `up`. */
        let state: Map<string, Record<string, unknown>>;
        const stored: StoredImage[] = [];
        let serial = 0;

        /** Imports a distinct image of `bytes` random bytes and pushes it; the digest is recorded. */
        const pushNew = async (bytes = 16 * KiB): Promise<StoredImage> => {
            const ref = `${address}/${unique}/img-${++serial}:v1`;
            await cli.importImage(ref, bytes);
            const image = await cli.push(ref);
            stored.push(image);
            return image;
        };
        const assertNothingLost = () => assertImagesPull(cli, (repo, tag) => api.manifestDigest(repo, tag), stored);
        const configUpload = (c: ContainerInputs) => c.uploads!.find((u) => u.file === containerPaths(major).config)!.content!;
        /** Starts the registry if an earlier test left it stopped, so one failure does not fail every later test. */
        const ensureRunning = async () => {
            if (!(await containerState(name)).running) await dockerCli("start", name);
            await api.waitUntilServing();
        };

        before(async () => {
            const port = await freePort();
            deployed = await startTestRegistry(unique, port, { hostnames: ["127.0.0.1"], image: testImages[major] });
            state = new Map(deployed.rendered.mocks.outputsByName);
            container = deployed.container;
            name = container.name!;
            address = deployed.rendered.outputs.address;
            const { passwords, caCertificatePem } = deployed.rendered.outputs;
            api = new RegistryApi(port, caCertificatePem!, { user: "admin", password: passwords.admin });
            work = await freshTempDir("reliability-work-");
            cli = new ImageClient(join(work, "docker"));
            await cli.login(address, "ci", passwords.ci);
            for (let i = 0; i < 3; i++) await pushNew();
        });

        after(async () => {
            await cli?.removeAll();
            await deployed?.remove();
            if (work) await rm(work, { recursive: true, force: true });
        });

        test("1. SIGKILL of the registry process: the restart policy brings it back healthy; every image pulls with its digest", async () => {
            const killed = await killMainProcess(name);
            const restarted = await waitFor(
                "Docker to restart the killed registry (restart policy)",
                async () => {
                    const s = await containerState(name);
                    return s.running && s.restartCount > killed.restartCount && s.pid !== killed.pid ? s : undefined;
                },
                20_000,
            );
            assert.equal(restarted.id, killed.id, "the same container came back, not a new one");
            assert.equal(restarted.restartCount, killed.restartCount + 1);
            await waitForHealth(name, 60_000);
            await assertNothingLost();
            await pushNew();
        });

        test("2. replacing the container with a changed config (logLevel, a new user), volume kept: data survives", async () => {
            // `pulumi up` after a config change: the same program, the stored provider outputs
            // (passwords, http.secret, keys), new settings. Same container and volume names.
            await ensureRunning();
            const { outputs } = deployed!.rendered;
            const changed = await renderRegistry(
                {
                    hostnames: ["127.0.0.1"],
                    port: api.port,
                    bindAddress: container.ports![0].ip,
                    image: container.image,
                    containerName: outputs.containerName,
                    dataVolumeName: outputs.dataVolumeName,
                    users: [...outputs.userNames, "ops"],
                    logLevel: "debug",
                },
                { tls: "openssl", state },
            );
            const next = changed.mocks.inputsOf("registry-container") as ContainerInputs;
            assert.equal(next.name, name);
            assert.deepEqual(next.volumes, container.volumes, "the same data volume");
            assert.notEqual(configUpload(next), configUpload(container), "the config did change");
            assert.match(configUpload(next), /^ {2}level: debug$/m);
            const secretLine = (config: string) => /^ {2}secret: .+$/m.exec(config)?.[0];
            assert.equal(secretLine(configUpload(next)), secretLine(configUpload(container)), "http.secret comes from state");
            assert.equal(changed.outputs.passwords.ci, outputs.passwords.ci);

            const ops = new RegistryApi(api.port, outputs.caCertificatePem!, { user: "ops", password: changed.outputs.passwords.ops });
            assert.equal((await ops.request("GET", "/v2/")).status, 401, "ops is not a user of the old config");

            // The provider's replacement (deleteBeforeReplace): old container removed, volume kept.
            const old = await containerState(name);
            await dockerCli("rm", "-f", name);
            await runContainer(next);
            container = next;
            assert.notEqual((await containerState(name)).id, old.id, "a new container");
            assert.equal((await ops.request("GET", "/v2/")).status, 200, "the new config is live");
            await assertNothingLost();
            await pushNew();
        });

        describe("3. a chunked upload started before a registry restart", () => {
            const blob = randomBytes(3 * MiB + 123);
            const digest = sha256Digest(blob);
            const [first, second] = [blob.subarray(0, 2 * MiB), blob.subarray(2 * MiB)];

            /** POST and the first PATCH; returns the Location for the next chunk. */
            const startAndSendFirst = async (repo: string): Promise<string> => {
                const started = await api.startUpload(repo);
                const sent = await api.uploadChunk(started, first, 0);
                assert.equal(sent.status, 202, responseSummary(sent));
                assert.equal(sent.headers.range, `0-${first.length - 1}`);
                return sent.headers.location!;
            };
            const restart = async () => {
                const before = await containerState(name);
                await dockerCli("restart", name);
                await api.waitUntilServing();
                assert.notEqual((await containerState(name)).startedAt, before.startedAt, "the registry did restart");
            };

            before(() => ensureRunning());

            test("completes after the restart, and the blob reads back byte-identical", async () => {
                const repo = `${unique}/chunked`;
                const next = await startAndSendFirst(repo);
                await restart();
                const sent = await api.uploadChunk(next, second, first.length);
                assert.equal(sent.status, 202, responseSummary(sent));
                assert.equal(sent.headers.range, `0-${blob.length - 1}`);
                const done = await api.finishUpload(sent.headers.location!, digest);
                assert.equal(done.status, 201, responseSummary(done));
                assert.equal(done.headers["docker-content-digest"], digest);
                const read = await api.request("GET", `/v2/${repo}/blobs/${digest}`);
                assert.equal(read.status, 200);
                assert.ok(read.body.equals(blob), "byte-identical");
            });

            test("control: a registry that comes back with a different http.secret refuses the same upload", async () => {
                // What a deployment without a fixed http.secret does: Distribution then makes up a
                // random secret at every start, and upload state signed before a restart is invalid.
                const repo = `${unique}/chunked-control`;
                const config = configUpload(container);
                const otherSecret = config.replace(/^( {2}secret: ).+$/m, `$1${randomBytes(32).toString("hex")}`);
                assert.notEqual(otherSecret, config);
                const next = await startAndSendFirst(repo);
                try {
                    await replaceFileInContainer(name, containerPaths(major).config, otherSecret);
                    await restart();
                    const sent = await api.uploadChunkOrReset(next, second, first.length);
                    if ("reset" in sent) {
                        // Distribution answers without reading the chunk, then closes the connection
                        // with it unread: a client still sending it may see the reset, not the answer.
                        // The registry's log then holds the answer: this PATCH, 404 BLOB_UPLOAD_INVALID, invalid secret.
                        const uuid = new URL(next, api.origin).pathname.split("/").pop()!;
                        const refusal = await waitFor(
                            `the registry's log to show its answer to the PATCH (the client saw ${sent.reset.code})`,
                            async () =>
                                (await containerLogs(name))
                                    .split("\n")
                                    .find((line) => line.includes(`vars.uuid=${uuid}`) && line.includes("http.request.method=PATCH") && /\bhttp\.response\.status=404\b/.test(line)),
                            10_000,
                        );
                        assert.match(refusal, /err\.code="blob upload invalid"/);
                        assert.match(refusal, /err\.detail="invalid secret"/);
                    } else {
                        assert.equal(sent.status, 404, responseSummary(sent));
                        assert.deepEqual(errorCodes(sent), ["BLOB_UPLOAD_INVALID"]);
                    }
                    const done = await api.finishUpload(next, digest);
                    assert.deepEqual(errorCodes(done), ["BLOB_UPLOAD_INVALID"]);
                    assert.equal((await api.request("HEAD", `/v2/${repo}/blobs/${digest}`)).status, 404);
                } finally {
                    await replaceFileInContainer(name, containerPaths(major).config, config);
                    await restart();
                }
                await assertNothingLost();
            });
        });

        test("4. concurrent load: 8 pushes and 8 pulls at once, no errors, every digest verified", async () => {
            await ensureRunning();
            const toPull = await Promise.all(Array.from({ length: 8 }, () => pushNew(MiB)));
            // Removed locally, so the pulls below really download.
            await Promise.all(toPull.map((image) => cli.removeLocal(image.ref)));
            const toPush = Array.from({ length: 8 }, () => `${address}/${unique}/img-${++serial}:v1`);
            await Promise.all(toPush.map((ref) => cli.importImage(ref, MiB)));

            const [pushes, pulls] = await Promise.all([
                Promise.allSettled(toPush.map((ref) => cli.push(ref))),
                Promise.allSettled(toPull.map((image) => cli.pull(image.ref))),
            ]);
            const failures = [...pushes, ...pulls].flatMap((r) => (r.status === "rejected" ? [String(r.reason)] : []));
            assert.deepEqual(failures, []);
            pulls.forEach((r, i) => assert.equal(r.status === "fulfilled" && r.value, toPull[i].digest, toPull[i].ref));
            for (const r of pushes) if (r.status === "fulfilled") stored.push(r.value);
            assert.equal(new Set(stored.map((i) => i.digest)).size, stored.length, "distinct images, distinct digests");
            await assertNothingLost();
        });

        describe("6. hostile input is refused, and nothing stored changes", () => {
            let victim: StoredImage;
            let victimConfig: Descriptor;
            let victimLayers: Descriptor[];
            let filesBefore: Map<string, string>;
            let containerDiffBefore: string[];
            const manifestHeaders = { "Content-Type": mediaTypes.manifestV2 };
            /** The victim's tag still points at its pushed manifest. */
            const assertVictimUnchanged = async () => assert.equal((await api.manifestDigest(victim.repo, victim.tag)).digest, victim.digest);

            before(async () => {
                await ensureRunning();
                victim = stored[0];
                const manifest = await api.request("GET", `/v2/${victim.repo}/manifests/${victim.tag}`, { headers: { Accept: mediaTypes.manifestV2 } });
                const parsed = JSON.parse(manifest.body.toString()) as { config: Descriptor; layers: Descriptor[] };
                victimConfig = { digest: parsed.config.digest, size: parsed.config.size };
                victimLayers = parsed.layers.map((l) => ({ digest: l.digest, size: l.size }));
                filesBefore = await snapshotStoredFiles(await volumeMountpoint(deployed!.rendered.outputs.dataVolumeName!));
                // Changes in the container's own file system: a write that escaped the volume shows here.
                containerDiffBefore = await containerDiff(name);
            });

            test("a manifest that references a missing blob: 400 MANIFEST_BLOB_UNKNOWN, the tag keeps its manifest", async () => {
                const missing = { digest: sha256Digest(randomBytes(32)), size: 1234 };
                const res = await api.request("PUT", `/v2/${victim.repo}/manifests/${victim.tag}`, {
                    body: schema2Manifest(victimConfig, [...victimLayers, missing]),
                    headers: manifestHeaders,
                });
                assert.equal(res.status, 400, responseSummary(res));
                assert.deepEqual(errorCodes(res), ["MANIFEST_BLOB_UNKNOWN"]);
                await assertVictimUnchanged();
            });

            test("a blob whose content does not match its digest: 400 DIGEST_INVALID, nothing stored under either digest", async () => {
                const data = randomBytes(64 * KiB);
                const claimed = sha256Digest(randomBytes(64 * KiB));
                const monolithic = await api.pushBlob(victim.repo, data, claimed);
                assert.equal(monolithic.status, 400, responseSummary(monolithic));
                assert.deepEqual(errorCodes(monolithic), ["DIGEST_INVALID"]);
                // The same as a chunked upload, the digest given only at the end.
                const started = await api.startUpload(victim.repo);
                const chunk = await api.uploadChunk(started, data, 0);
                assert.equal(chunk.status, 202);
                const chunked = await api.finishUpload(chunk.headers.location!, claimed);
                assert.equal(chunked.status, 400, responseSummary(chunked));
                assert.deepEqual(errorCodes(chunked), ["DIGEST_INVALID"]);
                for (const digest of [claimed, sha256Digest(data)]) {
                    assert.equal((await api.request("HEAD", `/v2/${victim.repo}/blobs/${digest}`)).status, 404, digest);
                }
            });

            test("path traversal in the repository name (.., %2e%2e, %2F): redirected to the cleaned path or 404, never handled", async () => {
                const manifest = schema2Manifest(victimConfig, victimLayers);
                const victimDigest = victim.digest;
                // Go's router cleans the decoded path (%2e → ., %2F → /) and answers 301 to the clean
                // path before any handler or authentication runs.
                const redirected: [method: string, path: string, body?: string][] = [
                    ["GET", "/v2/../../etc/passwd"],
                    ["GET", `/v2/${victim.repo}/../../../../etc/passwd`],
                    ["POST", "/v2/%2e%2e/%2e%2e/etc/blobs/uploads/"],
                    ["POST", "/v2/%2E%2E/blobs/uploads/"],
                    ["POST", `/v2/${unique}/..%2f..%2f..%2fetc/blobs/uploads/`],
                    ["PUT", `/v2/${unique}%2F..%2F..%2F..%2Fescape/manifests/v1`, manifest],
                    ["PUT", `/v2/${victim.repo}%2F..%2F..%2Fother/manifests/v1`, manifest],
                    ["DELETE", `/v2/${unique}/img-x/../${victim.repo.split("/")[1]}/manifests/${victimDigest}`],
                    ["DELETE", `/v2/${unique}/img-x/%2e%2e/${victim.repo.split("/")[1]}/manifests/${victimDigest}`],
                ];
                for (const [method, path, body] of redirected) {
                    const res = await api.request(method, path, body === undefined ? {} : { body, headers: manifestHeaders });
                    const clean = posix.normalize(decodeURIComponent(path));
                    assert.equal(res.status, 301, `${method} ${path}: ${responseSummary(res)}`);
                    assert.equal(res.headers.location, clean, `${method} ${path}`);
                    assert.equal(res.headers["docker-upload-uuid"], undefined);
                }
                // Paths that match no route (a double-encoded slash stays part of the name) and the
                // redirect targets outside /v2/: the router's plain 404.
                for (const path of [`/v2/${unique}/..%252f..%252fetc/manifests/v1`, "/etc/passwd", "/etc/blobs/uploads/"]) {
                    const res = await api.request("GET", path);
                    assert.equal(res.status, 404, `${path}: ${responseSummary(res)}`);
                    assert.equal(res.body.toString().trim(), "404 page not found");
                }
                await assertVictimUnchanged();
            });

            test("oversized manifests (5 MiB, 20 MiB): 400 MANIFEST_INVALID 'http: request body too large'", async () => {
                // Distribution (2.8.2 and 3.1.2) reads at most 4 MiB of a manifest body (see the control below).
                for (const size of [5 * MiB, 20 * MiB]) {
                    const res = await api.request("PUT", `/v2/${victim.repo}/manifests/${victim.tag}`, {
                        body: paddedSchema2Manifest(victimConfig, victimLayers, size),
                        headers: manifestHeaders,
                    });
                    assert.equal(res.status, 400, `${size}: ${responseSummary(res)}`);
                    assert.deepEqual(errorCodes(res), ["MANIFEST_INVALID"]);
                    assert.match(res.body.toString(), /http: request body too large/);
                }
                await assertVictimUnchanged();
            });

            test(`malformed manifests (not JSON, wrong media type, schema 1) are refused${major === 2 ? "" : " (schema 1 as an unknown media type)"}; the tag keeps its manifest`, async () => {
                const valid = schema2Manifest(victimConfig, victimLayers);
                const url = `/v2/${victim.repo}/manifests/${victim.tag}`;
                const cases: [what: string, contentType: string, body: string][] = [
                    ["not JSON", mediaTypes.manifestV2, "this is not a manifest"],
                    ["truncated JSON", mediaTypes.manifestV2, valid.slice(0, valid.length / 2)],
                    ["schema 2 body sent as an OCI index", mediaTypes.ociIndex, valid],
                    ["schema 2 body sent as a manifest list", mediaTypes.manifestListV2, valid],
                    ["body declaring the OCI media type, sent as schema 2", mediaTypes.manifestV2, valid.replace(mediaTypes.manifestV2, mediaTypes.ociManifest)],
                    ["unknown content type", "application/x-not-a-manifest", valid],
                    ["schema 1 with a broken signature block", mediaTypes.signedSchema1, JSON.stringify({ schemaVersion: 1, name: victim.repo, tag: victim.tag, fsLayers: [], history: [], signatures: [] })],
                ];
                for (const [what, contentType, body] of cases) {
                    const res = await api.request("PUT", url, { body, headers: { "Content-Type": contentType } });
                    assert.equal(res.status, 400, `${what}: ${responseSummary(res)}`);
                    assert.deepEqual(errorCodes(res), ["MANIFEST_INVALID"], what);
                }
                // A correctly signed schema 1 manifest (so a refusal is about schema 1, not the signature).
                const schema1 = await api.request("PUT", url, {
                    body: signedSchema1Manifest(victim.repo, victim.tag, victimLayers[0].digest),
                    headers: { "Content-Type": mediaTypes.signedSchema1 },
                });
                const [, brokenType, brokenBody] = cases.find(([what]) => what.startsWith("schema 1"))!;
                const broken = await api.request("PUT", url, { body: brokenBody, headers: { "Content-Type": brokenType } });
                if (major === 2) {
                    // 2.8.2 parses schema 1: the broken body fails on its signature block (a JSON
                    // syntax error at offset 0; its log says "unexpected end of JSON input").
                    assert.deepEqual(errorDetails(broken), [{ Offset: 0 }], responseSummary(broken));
                    // The signed one is refused (schema 1 push is off by default), but as a server
                    // error, 500 UNKNOWN, with an empty detail (its log says "manifest schema v1 unsupported").
                    assert.equal(schema1.status, 500, responseSummary(schema1));
                    assert.deepEqual(errorCodes(schema1), ["UNKNOWN"]);
                    assert.deepEqual(errorDetails(schema1), [{}]);
                } else {
                    // 3.1.2 dropped schema 1 altogether: its media type is unknown, a client error
                    // (400 MANIFEST_INVALID) before any parsing, for the signed body as for the broken one.
                    const unknownType = `unsupported manifest media type and no default available: ${mediaTypes.signedSchema1}`;
                    assert.deepEqual(errorDetails(broken), [unknownType], responseSummary(broken));
                    assert.equal(schema1.status, 400, responseSummary(schema1));
                    assert.deepEqual(errorCodes(schema1), ["MANIFEST_INVALID"]);
                    assert.deepEqual(errorDetails(schema1), [unknownType]);
                }
                await assertVictimUnchanged();
            });

            test("malformed Authorization headers: 401 UNAUTHORIZED with the Basic challenge; an oversized header: 431", async () => {
                const basic = (s: string) => `Basic ${Buffer.from(s).toString("base64")}`;
                const headers = [
                    "Basic !!!not-base64!!!",
                    basic("adminwithoutcolon"),
                    basic("admin:"),
                    basic(":"),
                    basic(`admin:${randomBytes(16).toString("hex")}`),
                    "Basic",
                    "",
                    "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.",
                    'Digest username="admin", realm="Registry Realm"',
                    `Basic ${"A".repeat(64 * KiB)}`,
                ];
                const write = schema2Manifest(victimConfig, victimLayers);
                for (const authorization of headers) {
                    const shown = authorization.slice(0, 40);
                    for (const [method, path, body] of [
                        ["GET", `/v2/${victim.repo}/manifests/${victim.tag}`, undefined],
                        ["PUT", `/v2/${victim.repo}/manifests/hostile-auth`, write],
                    ] as const) {
                        const res = await api.request(method, path, {
                            auth: false,
                            body,
                            headers: { Authorization: authorization, "Content-Type": mediaTypes.manifestV2 },
                        });
                        assert.equal(res.status, 401, `${method} with "${shown}": ${responseSummary(res)}`);
                        assert.deepEqual(errorCodes(res), ["UNAUTHORIZED"]);
                        assert.match(String(res.headers["www-authenticate"]), /^Basic realm="Registry Realm"/);
                    }
                }
                // Go's server reads at most 1 MiB of headers.
                const huge = await api.request("GET", `/v2/${victim.repo}/manifests/${victim.tag}`, {
                    auth: false,
                    headers: { Authorization: `Basic ${"A".repeat(2 * MiB)}` },
                });
                assert.equal(huge.status, 431, responseSummary(huge));
                // Control: the same request shape with the right credentials works.
                const control = await api.request("GET", `/v2/${victim.repo}/manifests/${victim.tag}`, { headers: { Accept: mediaTypes.manifestV2 } });
                assert.equal(control.status, 200);
                assert.equal((await api.manifestDigest(victim.repo, "hostile-auth")).status, 404, "nothing was written");
            });

            test("after all of it: the stored files are byte-identical, nothing escaped the volume, every image pulls", async () => {
                const filesAfter = await snapshotStoredFiles(await volumeMountpoint(deployed!.rendered.outputs.dataVolumeName!));
                assert.ok(filesBefore.size > 0);
                assert.deepEqual(filesAfter, filesBefore);
                assert.deepEqual(await containerDiff(name), containerDiffBefore);
                assert.equal((await containerState(name)).running, true);
                await assertNothingLost();
            });

            test("control: a manifest of exactly 4 MiB is accepted, so the oversized refusals are about size", async () => {
                const body = paddedSchema2Manifest(victimConfig, victimLayers, 4 * MiB);
                const accepted = await api.request("PUT", `/v2/${victim.repo}/manifests/four-mib`, { body, headers: manifestHeaders });
                assert.equal(accepted.status, 201, responseSummary(accepted));
                assert.equal(accepted.headers["docker-content-digest"], sha256Digest(body));
                const oneMore = await api.request("PUT", `/v2/${victim.repo}/manifests/four-mib-plus-one`, {
                    body: paddedSchema2Manifest(victimConfig, victimLayers, 4 * MiB + 1),
                    headers: manifestHeaders,
                });
                assert.equal(oneMore.status, 400, responseSummary(oneMore));
            });
        });
    });
}
