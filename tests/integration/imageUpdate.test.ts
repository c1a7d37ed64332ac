/**
 * A re-tagged image (real Distribution registry as the image's source, real Docker engine): the
 * name the program gives the image resource makes the docker provider pull the new image behind
 * a moved tag, where the tag alone would keep the old one for ever.
 *
 * The provider's image Create is `findImage`: `ImageInspect(name)`, and a pull only when that
 * finds nothing (kreuzwerker/terraform-provider-docker internal/provider/resource_docker_image_funcs.go,
 * findImage); a changed name is a new resource (ForceNew). The steps below do exactly that with
 * the docker CLI, on the names the program renders.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { renderRegistry } from "../kit/render/render";
import { docker, requireDockerAndImage } from "../kit/docker";
import { startUpstream, Upstream } from "../kit/registry/upstream";
import { testImage } from "../kit/registry/testRegistry";
import { uniqueName } from "../kit/host/owner";

/** What the provider's Create does with an image name: the local image that answers to it, else a pull; the image ID either way. */
async function providerFindImage(name: string): Promise<{ id: string; pulled: boolean }> {
    const local = await docker.run(["image", "inspect", "--format", "{{.Id}}", name]);
    if (local.code === 0) return { id: local.stdout.trim(), pulled: false };
    await docker.cli("pull", "--quiet", name);
    return { id: await docker.cli("image", "inspect", "--format", "{{.Id}}", name), pulled: true };
}

describe("a re-tagged registry image is pulled and replaces the containers (real registry and Docker engine)", () => {
    const repo = `team/${uniqueName("regimg")}`;
    let upstream: Upstream | undefined;
    let image: string;
    const pulledIds = new Set<string>();

    /** The image resource's name the program renders while the registry says the tag is at `digest`. */
    const renderedName = async (digest: string) => {
        const r = await renderRegistry({ hostnames: ["registry.example.com"], image, registryVersion: 2 }, { tls: "fake", registryDigests: { [image]: digest } });
        assert.deepEqual(r.mocks.digestLookups, [image], "looked up by the tag the config names");
        return String(r.mocks.inputsOf("registry-image").name);
    };

    before(async () => {
        await requireDockerAndImage(testImage);
        upstream = await startUpstream({ credentials: false });
        image = `${upstream.address}/${repo}:2`;
    });

    after(async () => {
        await docker.run(["rmi", "-f", image, ...pulledIds]);
        await upstream?.remove();
    });

    test("the first deployment pulls the tag's image by digest; the moved tag is a new name, pulled though the old tag is on the host", async () => {
        const first = await upstream!.pushImage(repo, "2");
        const firstName = await renderedName(first);
        assert.equal(firstName, `${image}@${first}`);
        const deployed = await providerFindImage(firstName);
        pulledIds.add(deployed.id);
        assert.equal(deployed.pulled, true);
        // The host also has the tag itself at that image, as a host deployed before (or `docker pull`) has.
        await docker.cli("pull", "--quiet", image);
        assert.equal(await docker.cli("image", "inspect", "--format", "{{.Id}}", image), deployed.id);

        const moved = await upstream!.pushImage(repo, "2");
        assert.notEqual(moved, first);
        // pushImage cleans up after itself, the tag included; the host keeps its old one.
        await docker.cli("tag", deployed.id, image);
        const movedName = await renderedName(moved);
        assert.notEqual(movedName, firstName, "a new name: the provider replaces the image resource (name is ForceNew)");
        const replaced = await providerFindImage(movedName);
        pulledIds.add(replaced.id);
        assert.equal(replaced.pulled, true, "nothing local answers to the new digest, so it is pulled");
        assert.notEqual(replaced.id, deployed.id, "a new image ID: every container on it is replaced");
        assert.ok(JSON.parse(await docker.cli("image", "inspect", "--format", "{{json .RepoDigests}}", replaced.id)).includes(`${upstream!.address}/${repo}@${moved}`));

        // Control: by the tag alone, the provider finds the old image on the host and pulls nothing.
        const byTag = await providerFindImage(image);
        assert.deepEqual(byTag, { id: deployed.id, pulled: false });

        // The next run with the tag unmoved renders the same name: nothing is pulled or replaced.
        assert.equal(await renderedName(moved), movedName);
        assert.deepEqual(await providerFindImage(movedName), { id: replaced.id, pulled: false });
    });
});
