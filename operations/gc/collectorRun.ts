/**
 * Steps both collection flows share: running the throwaway collector container, and waiting
 * until a registry container serves again.
 */
import { collectorScript, parseCollectorOutput } from "./collector";
import { DockerClient } from "./dockerClient";
import { RegistryContainer } from "./registryContainer";
import type { GarbageCollectReport } from "./types";

/** The collector failed, or a registry did not come back; the message says which and what to do. */
export class GarbageCollectError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "GarbageCollectError";
    }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The throwaway collector container's name: fixed per registry, so Docker itself refuses a second collection. */
export const collectorNameOf = (registry: RegistryContainer) => `${registry.name}-gc`;

export function alreadyRunning(registry: RegistryContainer): string {
    const name = collectorNameOf(registry);
    return `a garbage collection of "${registry.name}" is already running (container ${name}); wait for it, or remove a stale one with docker rm -f ${name}`;
}

/** Waits until the container's own health check passes when run by hand (Docker's first probe comes only after its interval). */
export async function waitUntilServing(docker: DockerClient, registry: RegistryContainer, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < deadline) {
        const state = await docker.run(["container", "inspect", "-f", "{{.State.Running}}", registry.id]);
        if (state.stdout.toString().trim() === "true") {
            if (!registry.healthcheck) return;
            const probe = await docker.run(["exec", registry.id, ...registry.healthcheck]);
            if (probe.code === 0) return;
            last = probe.stderr;
        }
        await sleep(300);
    }
    const logs = await docker.run(["logs", "--tail", "20", registry.id]);
    throw new Error(`not healthy after ${timeoutMs} ms (${last || "not running"}); last log lines:\n${logs.stderr}`);
}

export interface CollectorFlags {
    dryRun?: boolean;
    deleteUntagged?: boolean;
    purgeUploads?: boolean;
    signal?: AbortSignal;
}

/**
 * Runs the collector container with the registry's image and config (on stdin); returns its
 * parsed output. `network`: `none` beside the registry's volumes (filesystem), or the running
 * registry's own network, so it reaches the object store the way the registry does (S3).
 */
export async function runCollector(docker: DockerClient, registry: RegistryContainer, network: "none" | "registry", flags: CollectorFlags) {
    const registryFlags = [...(flags.dryRun ? ["--dry-run"] : []), ...(flags.deleteUntagged ? ["--delete-untagged"] : [])];
    if (flags.signal?.aborted) throw new GarbageCollectError("garbage collection aborted before the collector started; nothing was removed");
    const collectorName = collectorNameOf(registry);
    const kill = () => void docker.run(["kill", collectorName]);
    flags.signal?.addEventListener("abort", kill);
    const place = network === "none" ? ["--network", "none", "--volumes-from", registry.id] : ["--network", `container:${registry.id}`];
    try {
        const run = await docker.run(
            [
                "run", "--rm", "-i", "--name", collectorName,
                ...place,
                "--entrypoint", "/bin/sh",
                registry.imageId,
                "-c", collectorScript, "private-registry-gc", registry.dataRoot, flags.purgeUploads ? "yes" : "no", ...registryFlags,
            ],
            registry.config,
        );
        const stdout = run.stdout.toString();
        const parsed = parseCollectorOutput(stdout, run.stderr);
        if (flags.signal?.aborted) throw new GarbageCollectError("garbage collection aborted; blobs already removed were unreferenced");
        if (run.code !== 0 && !parsed.emptyStorage) {
            if (/already in use/i.test(run.stderr)) throw new GarbageCollectError(alreadyRunning(registry));
            throw new GarbageCollectError(`registry garbage-collect failed (exit code ${run.code}):\n${run.stderr || stdout}`);
        }
        return { ...parsed, stdout };
    } finally {
        flags.signal?.removeEventListener("abort", kill);
    }
}

export type CollectorResult = Awaited<ReturnType<typeof runCollector>>;

/** The report fields every collection has, from the registry and the collector's output. */
export function collectionReport(
    registry: RegistryContainer,
    options: { dryRun?: boolean; deleteUntagged?: boolean },
    r: CollectorResult,
    outOfServiceMs: number,
): GarbageCollectReport {
    return {
        container: registry.name,
        stack: registry.stack,
        dryRun: options.dryRun ?? false,
        deleteUntagged: options.deleteUntagged ?? false,
        blobsKept: r.blobsMarked,
        blobsRemoved: r.blobsEligible,
        manifestsRemoved: r.manifestsEligible,
        uploadsRemoved: r.uploads?.count ?? 0,
        outOfServiceMs,
        collectorOutput: r.stdout,
    };
}
