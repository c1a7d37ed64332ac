/**
 * Test images and the docker CLI that pushes and pulls them: the registry's real client. Images
 * are `docker import`s of a folder with random bytes, so each has distinct content and a
 * distinct digest, and nothing is pulled from the internet. The CLI runs with its own `--config`
 * folder, so logins stay out of root's Docker config.
 */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Docker, docker, dockerCli } from "../docker";
import { RunResult } from "../host/process";
import { withTempDir } from "../host/tempDirs";
import { ownerLabelChange } from "./leftovers";

/** An image in the registry, with the manifest digest `docker push` reported for it. */
export interface StoredImage {
    ref: string;
    repo: string;
    tag: string;
    digest: string;
}

/** `host:port/repo/path:tag` → repo and tag. */
function splitRef(ref: string): { repo: string; tag: string } {
    const m = /^[^/]+\/(.+):([^:/]+)$/.exec(ref);
    if (!m) throw new Error(`not a host/repo:tag reference: ${ref}`);
    return { repo: m[1], tag: m[2] };
}

/** Imports an image holding `bytes` random bytes (one layer) under `ref`, labelled with its owner (removed by a later run if this one is killed). */
async function importRandomImage(ref: string, bytes: number): Promise<void> {
    return withTempDir("test-image-", async (dir) => {
        await writeFile(join(dir, "data"), randomBytes(bytes));
        await writeFile(join(dir, "ref"), `${ref}\n`);
        await docker.pipeTar(dir, "import", ...ownerLabelChange, "-", ref);
    });
}

/** The docker CLI with a config folder of its own, as the client that imports, pushes and pulls test images and removes them again. */
export class ImageClient {
    private readonly created = new Set<string>();
    /** Image IDs: an image whose tag moved to a newer one is left untagged, so removing by reference would miss it. */
    private readonly imageIds = new Set<string>();
    private readonly docker: Docker;

    /** `configDir`: its own `--config` folder (its logins). */
    constructor(configDir: string) {
        this.docker = new Docker(configDir);
    }

    /** `docker --config <its folder> <args>`; never throws for a non-zero exit. */
    run(args: string[], stdin?: string): Promise<RunResult> {
        return this.docker.run(args, stdin);
    }

    login(address: string, user: string, password: string): Promise<void> {
        return this.docker.login(address, user, password);
    }

    /** Imports a distinct image under `ref` (removed again by {@link removeAll}). */
    async importImage(ref: string, bytes: number): Promise<void> {
        this.created.add(ref);
        await importRandomImage(ref, bytes);
        await this.rememberId(ref);
    }

    /** `docker push`; returns the manifest digest it reported. */
    async push(ref: string): Promise<StoredImage> {
        const result = await this.run(["push", ref]);
        const digest = /: digest: (sha256:[0-9a-f]{64}) size: \d+/.exec(result.stdout)?.[1];
        if (result.code !== 0 || !digest) throw new Error(`docker push ${ref} failed (exit ${result.code}): ${result.stdout}\n${result.stderr}`);
        return { ref, ...splitRef(ref), digest };
    }

    /**
     * `docker pull` of an image that is not present locally; returns the digest it reported.
     * Throws if the image was not actually downloaded.
     */
    async pull(ref: string): Promise<string> {
        this.created.add(ref);
        const result = await this.run(["pull", ref]);
        const digest = /^Digest: (sha256:[0-9a-f]{64})$/m.exec(result.stdout)?.[1];
        if (result.code !== 0 || !digest) throw new Error(`docker pull ${ref} failed (exit ${result.code}): ${result.stdout}\n${result.stderr}`);
        if (!/^Status: Downloaded newer image/m.test(result.stdout)) throw new Error(`docker pull ${ref} did not download: ${result.stdout}`);
        await this.rememberId(ref);
        return digest;
    }

    /** The image's RepoDigests as the engine records them. */
    async repoDigests(ref: string): Promise<string[]> {
        const result = await this.run(["image", "inspect", "-f", "{{json .RepoDigests}}", ref]);
        if (result.code !== 0) throw new Error(`docker image inspect ${ref}: ${result.stderr}`);
        return JSON.parse(result.stdout) as string[];
    }

    /**
     * `docker push` until it completes or its first upload attempt fails. dockerd retries a failed
     * layer upload 5 times over about 50 s before the CLI prints an error, so on the first
     * "Retrying in" the CLI is interrupted, which cancels the push in the daemon.
     */
    pushUntilFirstFailure(ref: string): Promise<{ completed: boolean; retried: boolean; code: number | null; output: string }> {
        return new Promise((resolve, reject) => {
            const child = this.docker.spawn(["push", ref]);
            let output = "";
            let retried = false;
            const timer = setTimeout(() => child.kill("SIGINT"), 60_000);
            const collect = (d: Buffer) => {
                output += d.toString();
                if (!retried && /Retrying in \d+ second/.test(output)) {
                    retried = true;
                    child.kill("SIGINT");
                }
            };
            child.stdout!.on("data", collect);
            child.stderr!.on("data", collect);
            child.on("error", reject);
            child.on("close", (code) => {
                clearTimeout(timer);
                resolve({ completed: code === 0 && /: digest: sha256:/.test(output), retried, code, output });
            });
        });
    }

    /** Removes the local copy (so the next pull really downloads); fine if there is none. */
    async removeLocal(ref: string): Promise<void> {
        await this.run(["rmi", "-f", ref]);
    }

    /** Removes every image this client imported or pulled, tagged or not any more. */
    async removeAll(): Promise<void> {
        for (const ref of this.created) await this.removeLocal(ref);
        for (const id of this.imageIds) await this.run(["rmi", "-f", id]);
    }

    private async rememberId(ref: string): Promise<void> {
        this.imageIds.add(await dockerCli("image", "inspect", "-f", "{{.Id}}", ref));
    }
}

/**
 * Nothing lost: each image, removed locally, pulls again with the digest recorded at push time
 * (docker verifies every blob against it), and the registry serves that digest for the tag.
 */
export async function assertImagesPull(
    cli: ImageClient,
    manifestDigest: (repo: string, tag: string) => Promise<{ status: number; digest: string | undefined }>,
    images: readonly StoredImage[],
): Promise<void> {
    const problems: string[] = [];
    await Promise.all(
        images.map(async (image) => {
            try {
                const head = await manifestDigest(image.repo, image.tag);
                if (head.digest !== image.digest) problems.push(`${image.ref}: HEAD says ${head.status} ${head.digest}, pushed ${image.digest}`);
                await cli.removeLocal(image.ref);
                const pulled = await cli.pull(image.ref);
                if (pulled !== image.digest) problems.push(`${image.ref}: pulled ${pulled}, pushed ${image.digest}`);
                const recorded = await cli.repoDigests(image.ref);
                const [address] = image.ref.split("/");
                if (!recorded.includes(`${address}/${image.repo}@${image.digest}`)) problems.push(`${image.ref}: RepoDigests ${recorded.join(", ")}`);
            } catch (e) {
                problems.push((e as Error).message);
            }
        }),
    );
    if (problems.length > 0) throw new Error(`images lost or changed:\n${problems.join("\n")}`);
}
