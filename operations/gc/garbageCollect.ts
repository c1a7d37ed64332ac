/**
 * Safe garbage collection of a deployed registry. Distribution's `registry garbage-collect` must
 * not run while the registry takes pushes (a blob uploaded during the mark phase is swept), and
 * the running registry's in-memory blob descriptor cache keeps answering "exists" for swept blobs,
 * so a re-pushed layer is skipped and its pulls fail (distribution #3743, #4569). So: stop the
 * registry, collect with its own binary and config in a throwaway container on the same volume,
 * and start it again, which starts with an empty cache.
 */
import { alreadyRunning, collectionReport, CollectorResult, collectorNameOf, GarbageCollectError, runCollector, waitUntilServing } from "./collectorRun";
import { DockerClient } from "./dockerClient";
import { GarbageCollectRefused, findRegistryContainer } from "./registryContainer";
import { collectSharedStorage } from "./sharedStorageCollect";
import type { GarbageCollectOptions, GarbageCollectReport } from "./types";

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
