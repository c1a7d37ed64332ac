/**
 * Safe garbage collection of a deployed registry. Distribution's `registry garbage-collect` must
 * not run while the registry takes pushes (a blob uploaded during the mark phase is swept), and
 * the running registry's in-memory blob descriptor cache keeps answering "exists" for swept blobs,
 * so a re-pushed layer is skipped and its pulls fail (distribution #3743, #4569). So: stop the
 * registry, collect with its own binary and config in a throwaway container on the same volume,
 * and start it again, which starts with an empty cache.
 */
import { ManifestRef } from "./collector";
import { alreadyRunning, collectionReport, CollectorResult, collectorNameOf, GarbageCollectError, runCollector, waitUntilServing } from "./collectorRun";
import { DockerClient } from "./dockerClient";
import { Expectations, GarbageCollectRefused, findRegistryContainer } from "./registryContainer";
import { collectSharedStorage } from "./sharedStorageCollect";

export { GarbageCollectRefused } from "./registryContainer";
export { GarbageCollectError } from "./collectorRun";

/** Where one registry instance runs. */
export interface InstanceRef {
    /** As `dockerHost`; unset for the docker CLI's default. */
    dockerHost?: string;
    /** Container name on that host. */
    container: string;
}

export interface GarbageCollectOptions {
    /** Name or ID of the registry container: the stack output `containerName`. */
    container: string;
    /**
     * Docker host, as for `docker --host`: `unix:///var/run/docker.sock`, `tcp://host:2376`
     * (with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH), `ssh://user@host`. Default: the docker
     * CLI's own (DOCKER_HOST or the current context).
     */
    dockerHost?: string;
    /**
     * Every instance, when several share an S3 bucket (the stack output `instances`): its Docker
     * host and container name. Overrides `container` and `dockerHost`. All are made read-only
     * while the first running one's host runs the collector.
     */
    instances?: InstanceRef[];
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
    /**
     * How long the registry was out of service, in milliseconds: stopped (filesystem), or
     * read-only, refusing pushes (S3, from the first instance switched to the last one back);
     * 0 for a dry run or a stopped registry.
     */
    outOfServiceMs: number;
    /** The collector's own output (stdout), for the record. */
    collectorOutput: string;
    /** S3 storage: every instance, as `<docker host>/<container>`, and what happened to it. */
    instances?: { instance: string; readOnly: boolean; running: boolean }[];
    /** S3 storage with a Redis cache: whether the cache was flushed after the collection. */
    cacheFlushed?: boolean;
}

/**
 * Collects the registry's unreferenced blobs (and, with `deleteUntagged`, untagged manifests)
 * safely: refuses unless the container is a registry this program deployed, stops it, runs the
 * collector with the deployed config on its volume, and starts it again with a fresh cache,
 * waiting until its health check passes. A registry that was stopped stays stopped. A dry run
 * leaves the registry in service. With S3 storage, every instance is made read-only instead
 * (see `collectSharedStorage`). Throws {@link GarbageCollectRefused} before touching anything,
 * or {@link GarbageCollectError}.
 */
export async function garbageCollect(options: GarbageCollectOptions): Promise<GarbageCollectReport> {
    const log = options.log ?? (() => undefined);
    const refs = options.instances?.length ? options.instances : [{ dockerHost: options.dockerHost, container: options.container }];
    const docker = new DockerClient(refs[0].dockerHost);
    const registry = await findRegistryContainer(docker, refs[0].container, options.expect ?? {});
    if (registry.driver === "s3") return collectSharedStorage(refs, registry, options);
    if (refs.length > 1) {
        throw new GarbageCollectRefused(`container "${registry.name}" keeps its images in a volume of its own host, so ${refs.length} instances cannot share them; collect each registry on its own`);
    }
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

    let result: CollectorResult | undefined;
    let failure: unknown;
    try {
        log(`collecting${options.dryRun ? " (dry run)" : ""}${options.deleteUntagged ? ", untagged manifests included" : ""}${options.purgeUploads ? ", uploads purged" : ""}`);
        result = await runCollector(docker, registry, "none", options);
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
    return { ...collectionReport(registry, options, r, outOfServiceMs), bytesBefore: kib(r.kibBefore), bytesFreed: kib(freedKib) };
}
