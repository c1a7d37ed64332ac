/**
 * An image of many small layers, as a docker-archive (`docker save` format) that `docker load`
 * takes without any pull: each layer one file of random bytes, so no two layers (and no two
 * images) share a digest, and nothing is already present in a registry or the daemon. It carries
 * the test kit's owner label, so a killed run's images are removed by the next.
 */
import { createHash, randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { ownerLabels } from "../../tests/kit/registry/leftovers";
import { tar } from "./tar";

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

export async function writeLayeredImageArchive(path: string, reference: string, layers: number, layerBytes: number): Promise<void> {
    const layerTars = Array.from({ length: layers }, (_, i) => tar([{ name: `bench/layer-${i}.bin`, data: randomBytes(layerBytes) }]));
    const diffIds = layerTars.map((t) => `sha256:${sha256(t)}`);
    const config = Buffer.from(
        JSON.stringify({
            architecture: "amd64",
            os: "linux",
            created: "2024-01-01T00:00:00Z",
            // The run's owner: the kit removes the image if this run is killed before its cleanup.
            config: { Labels: ownerLabels },
            rootfs: { type: "layers", diff_ids: diffIds },
            history: layerTars.map((_, i) => ({ created: "2024-01-01T00:00:00Z", created_by: `bench layer ${i}` })),
        }),
    );
    const configName = `${sha256(config)}.json`;
    const layerNames = layerTars.map((t) => `${sha256(t)}/layer.tar`);
    const manifest = Buffer.from(JSON.stringify([{ Config: configName, RepoTags: [reference], Layers: layerNames }]));
    await writeFile(
        path,
        tar([
            { name: configName, data: config },
            ...layerTars.map((data, i) => ({ name: layerNames[i], data })),
            { name: "manifest.json", data: manifest },
        ]),
    );
}
