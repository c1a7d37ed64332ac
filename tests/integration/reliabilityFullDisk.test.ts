/**
 * Reliability (issue 4), full disk: the registry's data volume is a 16 MiB tmpfs. A push that does
 * not fit fails with the registry's "no space left on device" error, the registry stays up and
 * keeps serving what it stored, and once space is freed pushes work again. The registry runs from
 * the component's exact container inputs on the real Docker engine, every test once per major:
 * Distribution 2.8.2 (`registry:2`) and 3.1.2 (`registry:3`), each from its stand-in image;
 * images move with the docker CLI.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ContainerInputs } from "../kit/registry/container";
import { dockerCli } from "../kit/docker";
import { assertImagesPull, ImageClient, StoredImage } from "../kit/registry/imageClient";
import { containerState } from "../kit/registry/containerOps";
import { uploadStateFiles } from "../kit/registry/storedFiles";
import { createTmpfsVolume, TmpfsVolume } from "../kit/host/tmpfsVolume";
import { ApiResponse, errorCodes, RegistryApi, responseSummary, sha256Digest } from "../kit/registry/api";
import { freePort } from "../kit/host/net";
import { garbageCollect } from "../../operations/gc";
import { startTestRegistry, testedMajors, testImages, testVersions } from "../kit/registry/testRegistry";
import { uniqueName } from "../kit/host/owner";
import { freshTempDir } from "../kit/host/tempDirs";
import { containerPaths } from "../../components/instances/containerLayout";
import type { RegistryMajor } from "../../components";

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * The registry's ENOSPC for a write under `dir` (in the container): a 500 UNKNOWN whose detail is
 * the filesystem driver's error. 2.8.2 sends that error as a JSON object (a PathError, errno 28
 * in `Err`); 3.1.2 as its message ("filesystem: write <path>: no space left on device").
 */
function assertNoSpaceError(major: RegistryMajor, res: ApiResponse, dir: string): void {
    assert.equal(res.status, 500, responseSummary(res));
    assert.deepEqual(errorCodes(res), ["UNKNOWN"], responseSummary(res));
    const [{ detail }] = (JSON.parse(res.body.toString()) as { errors: { detail: unknown }[] }).errors;
    if (major === 2) {
        const { DriverName, Enclosed } = detail as { DriverName: string; Enclosed: { Op: string; Path: string; Err: number } };
        assert.equal(DriverName, "filesystem", responseSummary(res));
        assert.equal(Enclosed.Op, "write");
        assert.ok(Enclosed.Path.startsWith(dir), Enclosed.Path);
        assert.equal(Enclosed.Err, 28, "ENOSPC");
    } else {
        assert.equal(typeof detail, "string", responseSummary(res));
        const [, path] = /^filesystem: write (\S+): no space left on device$/.exec(detail as string) ?? [];
        assert.ok(path?.startsWith(dir), responseSummary(res));
    }
}


for (const major of testedMajors) describeFullDisk(major);

function describeFullDisk(major: RegistryMajor): void {
    const unique = uniqueName(`relfull${major}`);

    describe(`5. full disk (Distribution ${testVersions[major]}): a push that does not fit fails cleanly, and nothing stored is lost`, () => {
        let container: ContainerInputs;
        let name: string;
        let disk: TmpfsVolume | undefined;
        let api: RegistryApi;
        let cli: ImageClient;
        let work: string;
        let address: string;
        const stored: StoredImage[] = [];
        let tooBig: string;
        const filler = () => join(disk!.dir, "filler");
        const assertNothingLost = (images = stored) => assertImagesPull(cli, (repo, tag) => api.manifestDigest(repo, tag), images);

        before(async () => {
            const port = await freePort();
            // The volume the component names, backed by a small tmpfs.
            const deployed = await startTestRegistry(unique, port, { hostnames: ["127.0.0.1"], image: testImages[major] }, {
                createVolume: async (volume: string) => (disk = await createTmpfsVolume(volume, 16 * MiB)),
            });
            const rendered = deployed.rendered;
            container = deployed.container;
            name = container.name!;

            address = rendered.outputs.address;
            api = new RegistryApi(port, rendered.outputs.caCertificatePem!, { user: "admin", password: rendered.outputs.passwords.admin });
            work = await freshTempDir("full-disk-work-");
            cli = new ImageClient(join(work, "docker"));
            await cli.login(address, "ci", rendered.outputs.passwords.ci);
            for (const n of [1, 2]) {
                const ref = `${address}/${unique}/earlier-${n}:v1`;
                await cli.importImage(ref, 32 * KiB);
                stored.push(await cli.push(ref));
            }
            tooBig = `${address}/${unique}/too-big:v1`;
            await cli.importImage(tooBig, 3 * MiB);
        });

        after(async () => {
            await cli?.removeAll();
            if (name) await dockerCli("rm", "-f", name).catch(() => undefined);
            await disk?.remove();
            if (work) await rm(work, { recursive: true, force: true });
        });

        test("a 3 MiB push with 1 MiB free fails: docker retries, the registry answers 500 'no space left on device'", async () => {
            // Fill the volume up to 1 MiB with a file outside the registry's tree (see the last test).
            await writeFile(filler(), Buffer.alloc((await disk!.freeBytes()) - MiB));

            const push = await cli.pushUntilFirstFailure(tooBig);
            assert.equal(push.completed, false, push.output);
            // dockerd 20.10 only reports "received unexpected HTTP status: 500 Internal Server Error"
            // after its last retry; its first failed attempt shows as "Retrying in".
            assert.ok(push.retried || push.code !== 0, push.output);

            // The registry's own error for a blob that does not fit, straight from the API.
            const data = randomBytes(2 * MiB);
            const started = await api.request("POST", `/v2/${unique}/too-big/blobs/uploads/`);
            const refused = started.status === 202 ? await api.finishUpload(String(started.headers.location), sha256Digest(data), data) : started;
            assertNoSpaceError(major, refused, `${containerPaths(major).data}/docker/registry/v2/repositories/${unique}/too-big/_uploads/`);
        });

        test("the registry stays up: not restarted, its health check passes, /v2/ answers, earlier images pull", async () => {
            const state = await containerState(name);
            assert.equal(state.running, true);
            assert.equal(state.restartCount, 0);
            // The container's own health check command, run now (Docker's last run may predate the fill).
            const [, ...check] = container.healthcheck!.tests!;
            await dockerCli("exec", name, ...check);
            assert.equal(await dockerCli("exec", name, "wget", "-q", "-O", "-", "http://127.0.0.1:5001/debug/health"), "{}");
            assert.equal((await api.request("GET", "/v2/")).status, 200);
            await assertNothingLost();
        });

        test(`Distribution ${testVersions[major]} keeps the failed upload's partial data in _uploads (until upload purging)`, async (t) => {
            const files = await uploadStateFiles(disk!.dir);
            const partial = [...files].filter(([path]) => path.startsWith(`docker/registry/v2/repositories/${unique}/too-big/_uploads/`));
            const dataBytes = partial.filter(([path]) => path.endsWith("/data")).reduce((sum, [, size]) => sum + size, 0);
            t.diagnostic(`_uploads after the failed push: ${partial.map(([p, s]) => `${p.split("/_uploads/")[1]} ${s}`).join(", ")}`);
            assert.ok(dataBytes > 0, "the bytes that fit stay on disk as an abandoned upload");
            assert.ok((await disk!.freeBytes()) < MiB, "so the disk stays full after the failed push");
        });

        test("the safe GC with --purge-uploads removes the failed push's partial data, and the registry comes back with everything", async () => {
            const uploads = async () => [...(await uploadStateFiles(disk!.dir))].filter(([path]) => path.includes("/_uploads/"));
            const partialBytes = (await uploads()).reduce((sum, [, size]) => sum + size, 0);
            const freeBefore = await disk!.freeBytes();
            const report = await garbageCollect({ container: name, purgeUploads: true });
            assert.ok(report.uploadsRemoved >= 1, report.collectorOutput);
            assert.deepEqual(await uploads(), []);
            assert.ok((await disk!.freeBytes()) - freeBefore >= partialBytes, "the partial data's space is free again");
            assert.equal((await containerState(name)).running, true);
            assert.equal((await api.request("GET", "/v2/")).status, 200);
            await assertNothingLost();
        });

        test("after space is freed, the same push works and every image pulls with its digest", async () => {
            // Space is freed by removing the filler: deleting an image through the API would not free
            // any, since Distribution removes blob data only in garbage collection (tested elsewhere).
            await rm(filler());
            const pushed = await cli.push(tooBig);
            stored.push(pushed);
            await assertNothingLost();
        });
    });
}
