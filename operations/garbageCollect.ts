/**
 * Safe garbage collection of a deployed registry. Distribution's `registry garbage-collect` must
 * not run while the registry takes pushes (a blob uploaded during the mark phase is swept), and
 * the running registry's in-memory blob descriptor cache keeps answering "exists" for swept blobs,
 * so a re-pushed layer is skipped and its pulls fail (distribution #3743, #4569). So: stop the
 * registry, collect with its own binary and config in a throwaway container on the same volume,
 * and start it again, which starts with an empty cache.
 */
import { ManifestRef, collectorScript, parseCollectorOutput } from "./collector";
import { DockerClient } from "./dockerClient";
import { Expectations, GarbageCollectRefused, RegistryContainer, findRegistryContainer } from "./registryContainer";

export { GarbageCollectRefused } from "./registryContainer";

export interface GarbageCollectOptions {
    /** Name or ID of the registry container: the stack output `containerName`. */
    container: string;
    /**
     * Docker host, as for `docker --host`: `unix:///var/run/docker.sock`, `tcp://host:2376`
     * (with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH), `ssh://user@host`. Default: the docker
     * CLI's own (DOCKER_HOST or the current context).
     */
    dockerHost?: string;
    /** Only report what would be removed; nothing is stopped or removed. Default `false`. */
    dryRun?: boolean;
    /**
     * Also remove manifests that no tag points to, with the blobs only they use. Images pushed
     * by digest only, and the per-platform manifests of a multi-platform image, have no tag of
     * their own: Distribution 2.8 removes those too. Default `false`.
     */
    deleteUntagged?: boolean;
    /**
     * Also remove every upload in progress or abandoned (`_uploads`). A push that ran out of disk
     * leaves its partial data there, and the registry's own purging removes it only after 24
     * hours, so this is how a full disk is freed at once. Uploads cannot be in progress while the
     * registry is stopped; a client resumes none of them, it starts over. Default `false`.
     */
    purgeUploads?: boolean;
    /** Refuse unless the container belongs to this Pulumi project and, if given, this stack. */
    expect?: Expectations;
    /** Seconds Docker gives the registry to stop before killing it. Default `30`. */
    stopTimeoutSeconds?: number;
    /** How long to wait for the registry's health check to pass after the restart. Default `120000` ms. */
    healthyTimeoutMs?: number;
    /** Receives progress messages. */
    log?: (message: string) => void;
    /** Aborting stops the collector; the registry is started again all the same. */
    signal?: AbortSignal;
}

export interface GarbageCollectReport {
    /** Container name. */
    container: string;
    /** `project/stack` that deployed the container. */
    stack: string;
    dryRun: boolean;
    deleteUntagged: boolean;
    /** Blobs still referenced, and kept. */
    blobsKept: number;
    /** Digests of the blobs removed (in a dry run: that would be removed). */
    blobsRemoved: string[];
    /** Untagged manifests removed (in a dry run: that would be removed); only with `deleteUntagged`. */
    manifestsRemoved: ManifestRef[];
    /** Upload folders removed (in a dry run: that would be removed); only with `purgeUploads`. */
    uploadsRemoved: number;
    /** Disk space freed (in a dry run: the size of the blobs that would go), in bytes; absent when the image has no `du`. */
    bytesFreed?: number;
    /** Disk space the data used before, in bytes; absent when the image has no `du`. */
    bytesBefore?: number;
    /** How long the registry was out of service, in milliseconds; 0 for a dry run or a stopped registry. */
    outOfServiceMs: number;
    /** The collector's own output (stdout), for the record. */
    collectorOutput: string;
}

/** The collector failed, or the registry did not come back; the message says which and what to do. */
export class GarbageCollectError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "GarbageCollectError";
    }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The throwaway collector container's name: fixed per registry, so Docker itself refuses a second collection. */
const collectorNameOf = (registry: RegistryContainer) => `${registry.name}-gc`;

function alreadyRunning(registry: RegistryContainer): string {
    const name = collectorNameOf(registry);
    return `a garbage collection of "${registry.name}" is already running (container ${name}); wait for it, or remove a stale one with docker rm -f ${name}`;
}

/** Waits until the container's own health check passes when run by hand (Docker's first probe comes only after its interval). */
async function waitUntilServing(docker: DockerClient, registry: RegistryContainer, timeoutMs: number): Promise<void> {
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

/** Runs the collector container; returns its parsed output. */
async function collect(docker: DockerClient, registry: RegistryContainer, options: GarbageCollectOptions) {
    const flags = [...(options.dryRun ? ["--dry-run"] : []), ...(options.deleteUntagged ? ["--delete-untagged"] : [])];
    const collectorName = collectorNameOf(registry);
    const kill = () => void docker.run(["kill", collectorName]);
    options.signal?.addEventListener("abort", kill);
    try {
        const run = await docker.run(
            [
                "run", "--rm", "-i", "--name", collectorName,
                "--network", "none",
                "--volumes-from", registry.id,
                "--entrypoint", "/bin/sh",
                registry.imageId,
                "-c", collectorScript, "private-registry-gc", registry.dataRoot, options.purgeUploads ? "yes" : "no", ...flags,
            ],
            registry.config,
        );
        const stdout = run.stdout.toString();
        const parsed = parseCollectorOutput(stdout, run.stderr);
        if (options.signal?.aborted) throw new GarbageCollectError("garbage collection aborted; blobs already removed were unreferenced");
        if (run.code !== 0 && !parsed.emptyStorage) {
            if (/already in use/i.test(run.stderr)) throw new GarbageCollectError(alreadyRunning(registry));
            throw new GarbageCollectError(`registry garbage-collect failed (exit code ${run.code}):\n${run.stderr || stdout}`);
        }
        return { ...parsed, stdout };
    } finally {
        options.signal?.removeEventListener("abort", kill);
    }
}

/**
 * Collects the registry's unreferenced blobs (and, with `deleteUntagged`, untagged manifests)
 * safely: refuses unless the container is a registry this program deployed, stops it, runs the
 * collector with the deployed config on its volume, and starts it again with a fresh cache,
 * waiting until its health check passes. A registry that was stopped stays stopped. A dry run
 * leaves the registry in service. Throws {@link GarbageCollectRefused} before touching anything,
 * or {@link GarbageCollectError}.
 */
export async function garbageCollect(options: GarbageCollectOptions): Promise<GarbageCollectReport> {
    const log = options.log ?? (() => undefined);
    const docker = new DockerClient(options.dockerHost);
    const registry = await findRegistryContainer(docker, options.container, options.expect ?? {});
    if ((await docker.run(["container", "inspect", collectorNameOf(registry)])).code === 0) throw new GarbageCollectRefused(alreadyRunning(registry));
    if (options.signal?.aborted) throw new GarbageCollectRefused("aborted before the start");

    const takeOut = registry.running && !options.dryRun;
    let stoppedAt = 0;
    if (takeOut) {
        log(`stopping ${registry.name} (stack ${registry.stack}) for the collection`);
        stoppedAt = Date.now();
        await docker.check(["stop", "--time", String(options.stopTimeoutSeconds ?? 30), registry.id]);
    } else if (!registry.running) {
        log(`${registry.name} is not running; it stays stopped`);
    }

    let result: Awaited<ReturnType<typeof collect>> | undefined;
    let failure: unknown;
    try {
        log(`collecting${options.dryRun ? " (dry run)" : ""}${options.deleteUntagged ? ", untagged manifests included" : ""}${options.purgeUploads ? ", uploads purged" : ""}`);
        result = await collect(docker, registry, options);
    } catch (e) {
        failure = e;
    }

    let outOfServiceMs = 0;
    if (takeOut) {
        log(`starting ${registry.name} again (fresh blob cache)`);
        try {
            await docker.check(["start", registry.id]);
            await waitUntilServing(docker, registry, options.healthyTimeoutMs ?? 120_000);
            outOfServiceMs = Date.now() - stoppedAt;
        } catch (e) {
            const before = failure ? ` The collection had failed too: ${(failure as Error).message}` : "";
            throw new GarbageCollectError(`the registry "${registry.name}" did not come back: ${(e as Error).message}. Start it with: docker start ${registry.name}.${before}`);
        }
    }
    if (failure) throw failure;
    const r = result!;
    const kib = (k: number | undefined) => (k === undefined ? undefined : k * 1024);
    // du's figures: before minus after; a dry run removes nothing, so the size of what it would remove.
    const freedKib = options.dryRun
        ? r.kibEligible === undefined ? undefined : r.kibEligible + (r.uploads?.kib ?? 0)
        : r.kibBefore === undefined || r.kibAfter === undefined ? undefined : r.kibBefore - r.kibAfter;
    return {
        container: registry.name,
        stack: registry.stack,
        dryRun: options.dryRun ?? false,
        deleteUntagged: options.deleteUntagged ?? false,
        blobsKept: r.blobsMarked,
        blobsRemoved: r.blobsEligible,
        manifestsRemoved: r.manifestsEligible,
        uploadsRemoved: r.uploads?.count ?? 0,
        bytesBefore: kib(r.kibBefore),
        bytesFreed: kib(freedKib),
        outOfServiceMs,
        collectorOutput: r.stdout,
    };
}
