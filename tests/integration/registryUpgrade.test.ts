/**
 * Upgrading a stack from registry:2 to registry:3, and back: the same program with `image`
 * changed and Pulumi's stored outputs (passwords, http.secret, keys), the container replaced
 * delete-first and the data volume kept. Both majors store images in the same layout, so every
 * image pushed before the switch pulls after it, by digest, on the real Distribution 2.8.2 and 3.1.2.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { RegistryMajor } from "../../components";
import { containerPaths } from "../../components/instances/containerLayout";
import { ContainerInputs, runContainer } from "../kit/registry/container";
import { dockerCli } from "../kit/docker";
import { renderRegistry } from "../kit/render/render";
import { RegistryApi } from "../kit/registry/api";
import { ImageClient, StoredImage } from "../kit/registry/imageClient";
import { startTestRegistry, testImages, testRegistryArgs, TestRegistry } from "../kit/registry/testRegistry";
import { freePort } from "../kit/host/net";
import { uniqueName } from "../kit/host/owner";
import { freshTempDir } from "../kit/host/tempDirs";

const unique = uniqueName("upg");
const KiB = 1024;

describe("upgrade: registry:2 switched to registry:3 keeps the volume and every image, and so does the way back", () => {
    let first: TestRegistry | undefined;
    let port: number;
    let address: string;
    let api: RegistryApi;
    let cli: ImageClient;
    let work: string;
    /** Provider outputs of the first deployment, as Pulumi state holds them for the next `up`. */
    let state: Map<string, Record<string, unknown>>;
    const stored: StoredImage[] = [];
    let serial = 0;

    const pushNew = async (bytes: number) => {
        const ref = `${address}/${unique}/app-${++serial}:v1`;
        await cli.importImage(ref, bytes);
        stored.push(await cli.push(ref));
    };

    /** `pulumi up` with `image` switched to `major`: the old container goes first, the volume stays. */
    const switchTo = async (major: RegistryMajor): Promise<ContainerInputs> => {
        const rendered = await renderRegistry(testRegistryArgs(unique, port, { hostnames: ["127.0.0.1"], image: testImages[major] }), { tls: "openssl", state });
        const next = rendered.mocks.inputsOf("registry-container") as ContainerInputs;
        assert.deepEqual(next.volumes, first!.container.volumes, "the same data volume");
        assert.deepEqual(next.command, ["serve", containerPaths(major).config]);
        assert.equal(rendered.outputs.passwords.ci, first!.rendered.outputs.passwords.ci, "passwords come from state");
        await dockerCli("rm", "-f", next.name!);
        await runContainer(next);
        return next;
    };

    /** Every image stored so far: HEAD by tag gives the pushed digest, and a pull by digest downloads it. */
    const assertEveryImagePullsByDigest = async () => {
        await cli.removeAll();
        for (const image of stored) {
            assert.equal((await api.manifestDigest(image.repo, image.tag)).digest, image.digest, `${image.ref} by tag`);
            const byDigest = `${address}/${image.repo}@${image.digest}`;
            assert.equal(await cli.pull(byDigest), image.digest, byDigest);
        }
    };

    before(async () => {
        port = await freePort();
        first = await startTestRegistry(unique, port, { hostnames: ["127.0.0.1"], image: testImages[2] });
        state = new Map(first.rendered.mocks.outputsByName);
        address = first.rendered.outputs.address;
        const { passwords, caCertificatePem } = first.rendered.outputs;
        api = new RegistryApi(port, caCertificatePem!, { user: "admin", password: passwords.admin });
        work = await freshTempDir("upgrade-work-");
        cli = new ImageClient(join(work, "docker"));
        await cli.login(address, "ci", passwords.ci);
    });

    after(async () => {
        await cli?.removeAll();
        await first?.remove();
        if (work) await rm(work, { recursive: true, force: true });
    });

    test("images pushed to 2.8.2 pull by digest from 3.1.2 on the same volume", async () => {
        for (const bytes of [4 * KiB, 256 * KiB, 3 * 1024 * KiB]) await pushNew(bytes);
        const next = await switchTo(3);
        assert.match(await dockerCli("exec", next.name!, "registry", "--version"), /v3\.1\.2/);
        await assertEveryImagePullsByDigest();
    });

    test("the way back: images pushed to 3.1.2, and the earlier ones, pull by digest from 2.8.2", async () => {
        for (const bytes of [8 * KiB, 512 * KiB]) await pushNew(bytes);
        const next = await switchTo(2);
        assert.match(await dockerCli("exec", next.name!, "registry", "--version"), /2\.8\.2/);
        await assertEveryImagePullsByDigest();
        assert.equal(stored.length, 5);
    });
});
