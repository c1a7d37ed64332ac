/**
 * Safe garbage collection against the real software: the registry container from the
 * component's exact inputs, images pushed and pulled by the real docker CLI, and the product's
 * own `garbageCollect` (and its command line). Delete a tag, collect: the unreferenced blobs are
 * gone, every other image still pulls, and the deleted image pushed again pulls again, which a
 * collection without the restart gets wrong (the control at the end shows that it does here).
 * Every test runs once per major: 2.8.2 (`registry:2`) and 3.1.2 (`registry:3`), each from its
 * stand-in image, whose config path the collector reads from the container's label.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { garbageCollect, GarbageCollectRefused } from "../../operations/gc";
import { dockerCli } from "../kit/docker";
import { assertImagesPull, ImageClient, StoredImage } from "../kit/registry/imageClient";
import { freePort } from "../kit/host/net";
import { runProcess } from "../kit/host/process";
import { mediaTypes, RegistryApi } from "../kit/registry/api";
import { startTestRegistry, testedMajors, testImages, TestRegistry, testVersions } from "../kit/registry/testRegistry";
import { uniqueName } from "../kit/host/owner";
import { freshTempDir } from "../kit/host/tempDirs";
import { containerPaths, RegistryMajor } from "../../components";

for (const major of testedMajors) describeGarbageCollection(major);

function describeGarbageCollection(major: RegistryMajor): void {
    const image = testImages[major];
    const unique = uniqueName(`gc${major}`);

    describe(`safe garbage collection of a deployed registry, Distribution ${testVersions[major]}`, () => {
        let deployed: TestRegistry;
        let work: string;
        let address: string;
        let cli: ImageClient;
        let api: RegistryApi;
        const stray = `registry-${unique}-stray`;
        /** Removes the local copy and pulls; the pull's exit code, digest and output. */
        const pullFresh = async (ref: string) => {
            await cli.removeLocal(ref);
            const r = await cli.run(["pull", ref]);
            return { code: r.code, digest: /Digest: (sha256:[0-9a-f]{64})/.exec(r.stdout)?.[1], output: r.stdout + r.stderr };
        };
        const assertPull = (...images: StoredImage[]) => assertImagesPull(cli, (repo, tag) => api.manifestDigest(repo, tag), images);
        const blobsOf = async (repo: string, digest: string) => {
            const res = await api.request("GET", `/v2/${repo}/manifests/${digest}`, { headers: { Accept: mediaTypes.manifestV2 } });
            const manifest = JSON.parse(res.body.toString()) as { config: { digest: string }; layers: { digest: string }[] };
            return [digest, manifest.config.digest, ...manifest.layers.map((l) => l.digest)];
        };
        const startedAt = () => dockerCli("inspect", "-f", "{{.State.StartedAt}}", deployed.container.name!);
        const images: Record<"keep" | "gone" | "other", StoredImage> = {} as never;

        before(async () => {
            work = await freshTempDir("gc-work-");
            const port = await freePort();
            address = `127.0.0.1:${port}`;
            deployed = await startTestRegistry(unique, port, { hostnames: ["127.0.0.1"], image });
            const { caCertificatePem, passwords } = deployed.rendered.outputs;
            api = new RegistryApi(port, caCertificatePem!, { user: "admin", password: passwords.admin });
            cli = new ImageClient(join(work, "docker"));
            // Docker treats 127.0.0.0/8 as insecure and skips TLS checks: fine here, trust is tested elsewhere.
            await cli.login(address, "admin", passwords.admin);
            for (const [key, ref] of [["keep", `${address}/gc/app:keep`], ["gone", `${address}/gc/app:gone`], ["other", `${address}/gc/other:v1`]] as const) {
                await cli.importImage(ref, 256 * 1024);
                images[key] = await cli.push(ref);
            }
        });

        after(async () => {
            await dockerCli("rm", "-f", "-v", stray).catch(() => undefined);
            await cli?.removeAll();
            await deployed?.remove();
            await rm(work, { recursive: true, force: true });
        });

        test("refuses a container this program did not deploy, a missing one, and one of another stack, and touches nothing", async () => {
            await dockerCli("rm", "-f", "-v", stray).catch(() => undefined);
            await dockerCli("run", "-d", "--name", stray, "--entrypoint", "/bin/sleep", image, "300");
            await assert.rejects(garbageCollect({ container: stray }), (e: Error) => {
                assert.ok(e instanceof GarbageCollectRefused);
                assert.match(e.message, new RegExp(`container "${stray}" .* is not a registry deployed by this program.*Nothing was stopped`));
                return true;
            });
            assert.equal(await dockerCli("inspect", "-f", "{{.State.Running}}", stray), "true");
            // A mirror's container carries the stack's labels, and the mirror's name.
            const mirror = `${stray}-mirror`;
            const mirrorLabels = ["private-registry.managed-by=pulumi", "private-registry.stack=private-registry/test", "private-registry.mirror=hub"];
            try {
                await dockerCli("run", "-d", "--name", mirror, ...mirrorLabels.flatMap((l) => ["--label", l]), "--entrypoint", "/bin/sleep", image, "300");
                await assert.rejects(
                    garbageCollect({ container: mirror }),
                    new RegExp(`container "${mirror}" is the pull-through cache "hub" of stack "private-registry/test": a mirror expires its cached content itself.*Nothing was stopped`),
                );
                assert.equal(await dockerCli("inspect", "-f", "{{.State.Running}}", mirror), "true");
            } finally {
                await dockerCli("rm", "-f", "-v", mirror).catch(() => undefined);
            }
            await assert.rejects(garbageCollect({ container: `${stray}-missing` }), /no container ".*-missing" on .*containerName/);
            const before = await startedAt();
            await assert.rejects(
                garbageCollect({ container: deployed.container.name!, expect: { project: "private-registry", stack: "prod" } }),
                /deployed by stack "private-registry\/test", not by stack "prod"\. Nothing was stopped/,
            );
            await assert.rejects(garbageCollect({ container: deployed.container.name!, expect: { project: "other" } }), /not by this project "other"/);
            assert.equal(await startedAt(), before, "a refusal must not restart the registry");
            // What the collector reads the config from: this major's path, named by the container's label.
            const configPath = await dockerCli("inspect", "-f", '{{index .Config.Labels "private-registry.config-path"}}', deployed.container.name!);
            assert.equal(configPath, containerPaths(major).config);
        });

        test("a dry run reports the blobs of a deleted tag and leaves the registry in service and the blobs in place", async () => {
            const goneBlobs = await blobsOf("gc/app", images.gone.digest);
            const deleted = await api.request("DELETE", `/v2/gc/app/manifests/${images.gone.digest}`);
            assert.equal(deleted.status, 202, deleted.body.toString());
            const before = await startedAt();
            const report = await garbageCollect({ container: deployed.container.name!, dryRun: true });
            assert.equal(report.dryRun, true);
            assert.deepEqual([...report.blobsRemoved].sort(), [...goneBlobs].sort());
            assert.ok(report.bytesFreed! >= 256 * 1024, `would free ${report.bytesFreed}`);
            assert.equal(report.outOfServiceMs, 0);
            assert.equal(await startedAt(), before, "a dry run must not restart the registry");
            for (const blob of goneBlobs.slice(1)) assert.equal((await api.request("HEAD", `/v2/gc/app/blobs/${blob}`)).status, 200);
        });

        test("collecting removes exactly the unreferenced blobs, restarts the registry healthy, and every other image still pulls", async () => {
            const goneBlobs = await blobsOf("gc/app", images.gone.digest).catch(() => undefined);
            assert.equal(goneBlobs, undefined, "the manifest was deleted by the previous test");
            const keptBlobs = [...(await blobsOf("gc/app", images.keep.digest)), ...(await blobsOf("gc/other", images.other.digest))];
            const before = await startedAt();
            const messages: string[] = [];
            const report = await garbageCollect({ container: deployed.container.name!, log: (m) => messages.push(m) });
            assert.equal(report.stack, "private-registry/test");
            assert.equal(report.blobsRemoved.length, 3, `manifest, config and layer of the deleted image: ${report.collectorOutput}`);
            assert.ok(report.blobsRemoved.includes(images.gone.digest));
            assert.ok(!report.blobsRemoved.some((b) => keptBlobs.includes(b)), "a referenced blob was removed");
            assert.equal(report.blobsKept, keptBlobs.length);
            assert.ok(report.bytesFreed! >= 256 * 1024, `freed ${report.bytesFreed}`);
            assert.ok(report.outOfServiceMs > 0);
            assert.match(messages.join("\n"), /stopping .*starting/s);
            assert.notEqual(await startedAt(), before, "the registry must have been restarted");
            assert.equal(await dockerCli("inspect", "-f", "{{.State.Running}}", deployed.container.name!), "true");
            for (const blob of report.blobsRemoved.filter((b) => b !== images.gone.digest)) {
                assert.equal((await api.request("HEAD", `/v2/gc/app/blobs/${blob}`)).status, 404, `${blob} should be gone`);
            }
            await assertPull(images.keep, images.other);
        });

        test("the deleted image pushed again pulls again (the restart dropped the stale blob cache)", async () => {
            const pushed = await cli.run(["push", images.gone.ref]);
            assert.equal(pushed.code, 0, pushed.stderr);
            assert.doesNotMatch(pushed.stdout, /Layer already exists/, "the registry claimed a collected layer still exists");
            const pulled = await pullFresh(images.gone.ref);
            assert.equal(pulled.code, 0, pulled.output);
            assert.equal(pulled.digest, images.gone.digest);
        });

        test("--delete-untagged removes a manifest whose tag moved, with the blobs only it used; the command line reports it", async () => {
            const old = images.other.digest;
            const oldBlobs = await blobsOf("gc/other", old);
            await cli.importImage(images.other.ref, 64 * 1024);
            images.other = await cli.push(images.other.ref);
            const gc = (args: string[]) => runProcess("node", ["--import", "tsx", "operations/gc/gcCli.ts", ...args]);

            const usage = await gc(["--container"]);
            assert.equal(usage.code, 2, usage.stderr);
            assert.match(usage.stderr, /--container.*usage: npm run gc/s);
            const badHost = await gc(["--container", "x", "--docker-host", "docker.example:2375"]);
            assert.equal(badHost.code, 2);
            assert.match(badHost.stderr, /--docker-host "docker.example:2375" is not allowed; give unix:\/\/\/path/);
            const refused = await gc(["--container", stray]);
            assert.equal(refused.code, 1);
            assert.match(refused.stderr, /gc: refused: container .* is not a registry deployed by this program/);

            const run = await gc(["--container", deployed.container.name!, "--delete-untagged", "--docker-host", "unix:///var/run/docker.sock", "--json"]);
            assert.equal(run.code, 0, run.stderr);
            const report = JSON.parse(run.stdout) as { manifestsRemoved: { repository: string; digest: string }[]; blobsRemoved: string[] };
            assert.deepEqual(report.manifestsRemoved, [{ repository: "gc/other", digest: old }]);
            assert.deepEqual([...report.blobsRemoved].sort(), [...oldBlobs].sort());
            await assertPull(images.keep, images.gone, images.other);
            assert.equal((await api.request("GET", `/v2/gc/other/manifests/${old}`)).status, 404);
        });

        test("an interrupted collection still brings the registry back", async () => {
            const abort = new AbortController();
            const before = await startedAt();
            await assert.rejects(
                garbageCollect({
                    container: deployed.container.name!,
                    signal: abort.signal,
                    log: (m) => m.startsWith("collecting") && abort.abort(),
                }),
                /garbage collection aborted/,
            );
            assert.notEqual(await startedAt(), before);
            assert.equal(await dockerCli("inspect", "-f", "{{.State.Running}}", deployed.container.name!), "true");
            assert.equal((await api.request("GET", "/v2/")).status, 200);
        });

        // The trap this tool exists for (distribution #3743): a collection inside the running
        // registry leaves its in-memory blob cache saying "exists" for collected blobs.
        const collectInside = () => dockerCli("exec", deployed.container.name!, "registry", "garbage-collect", containerPaths(major).config);

        test(`control: collected without the restart, an image whose manifest alone the cache holds ${major === 2 ? "is lost on re-push (2.8 keeps the cached manifest blob)" : "is pushed again whole (3.x rewrites the manifest blob)"}`, async () => {
            // Since the last restart (the previous test) the registry has only answered this tag's HEAD.
            const ref = images.gone.ref;
            const { digest } = await api.manifestDigest("gc/app", "gone");
            assert.equal((await api.request("DELETE", `/v2/gc/app/manifests/${digest}`)).status, 202);
            await collectInside();
            const pushed = await cli.run(["push", ref]);
            assert.equal(pushed.code, 0, pushed.stderr);
            assert.doesNotMatch(pushed.stdout, /Layer already exists/, "the layer was not cached, so it is uploaded again");
            const pulled = await pullFresh(ref);
            if (major === 2) {
                // 2.8 takes the manifest PUT as already stored (its blob is cached) and never writes it again.
                assert.notEqual(pulled.code, 0, `the pull should fail with a stale cache: ${pulled.output}`);
                assert.match(pulled.output, /manifest unknown/);
            } else {
                assert.equal(pulled.code, 0, `3.x stores the re-pushed manifest: ${pulled.output}`);
                assert.equal(pulled.digest, digest);
            }
        });

        test("control: collected without the restart, an image the registry has served since its start is unpullable after a re-push", async () => {
            const ref = `${address}/gc/served:1`;
            await cli.importImage(ref, 256 * 1024);
            const served = await cli.push(ref);
            assert.equal((await api.request("DELETE", `/v2/gc/served/manifests/${served.digest}`)).status, 202);
            await collectInside();
            const pushed = await cli.run(["push", ref]);
            assert.equal(pushed.code, 0, pushed.stderr);
            assert.match(pushed.stdout, /Layer already exists/, "the cache claims the collected layer still exists");
            const pulled = await pullFresh(ref);
            assert.notEqual(pulled.code, 0, `the pull should fail with a stale cache: ${pulled.output}`);
        });
    });
}
