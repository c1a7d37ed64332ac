/**
 * Garbage collection of instances that share an S3 bucket. No instance may take a push while
 * the collector marks and sweeps, or a blob uploaded meanwhile is swept; and every cache must
 * forget the removed blobs. So: switch every running instance to read-only (one at a time, so a
 * load balancer always has one serving pulls), collect from one host through that instance's
 * network, flush the Redis cache, and switch them back, which also empties each in-memory cache.
 */
import { posix } from "node:path";
import { collectionReport, CollectorResult, collectorNameOf, GarbageCollectError, runCollector, waitUntilServing } from "./collectorRun";
import { DockerClient } from "./dockerClient";
import type { GarbageCollectOptions, GarbageCollectReport, InstanceRef } from "./types";
import { isReadOnly, readOnlyConfig, writableConfig } from "./readOnlyMode";
import { flushCommands, flushSucceeded, redisCacheOf } from "./redisFlush";
import { findRegistryContainer, GarbageCollectRefused, RegistryContainer } from "./registryContainer";
import { tarWithFile } from "./tarFile";
import { labelKeys } from "../../components/instances/containerLayout";

interface Instance {
    docker: DockerClient;
    registry: RegistryContainer;
    /** `<docker host>/<container>`, for messages. */
    label: string;
}

/** Replaces the config file in the container (running or stopped), over `docker cp` from stdin. */
async function writeConfig(instance: Instance, config: string): Promise<void> {
    const path = instance.registry.configPath;
    await instance.docker.check(["cp", "-", `${instance.registry.id}:${posix.dirname(path)}`], tarWithFile(posix.basename(path), config));
}

/** Restarts with the given config and waits until the health check passes. */
async function restartWith(instance: Instance, config: string, healthyTimeoutMs: number): Promise<void> {
    await writeConfig(instance, config);
    await instance.docker.check(["restart", "--time", "10", instance.registry.id]);
    await waitUntilServing(instance.docker, instance.registry, healthyTimeoutMs);
}

/** Flushes the Redis database from inside the registry's network (the cache may be reachable only there). */
async function flushRedis(instance: Instance, config: string): Promise<string | undefined> {
    const target = redisCacheOf(config);
    if (!target) return undefined;
    const run = await instance.docker.run(
        ["run", "--rm", "-i", "--network", `container:${instance.registry.id}`, "--entrypoint", "nc", instance.registry.imageId, "-w", "5", target.host, String(target.port)],
        flushCommands(target),
    );
    const replies = run.stdout.toString();
    if (!flushSucceeded(target, replies)) {
        throw new GarbageCollectError(`the Redis cache at ${target.host}:${target.port} was not flushed (replies: ${JSON.stringify(replies.slice(0, 200))}; ${run.stderr || `exit code ${run.code}`})`);
    }
    return `${target.host}:${target.port}`;
}

export async function collectSharedStorage(refs: InstanceRef[], first: RegistryContainer, options: GarbageCollectOptions): Promise<GarbageCollectReport> {
    const log = options.log ?? (() => undefined);
    if (options.purgeUploads) {
        throw new GarbageCollectRefused("--purge-uploads empties the upload folders of filesystem storage; with S3 the registry's own upload purging removes uploads older than 24 hours");
    }
    const where = (host: string | undefined) => host ?? process.env.DOCKER_HOST ?? "local";
    const instances: Instance[] = [{ docker: new DockerClient(refs[0].dockerHost), registry: first, label: `${where(refs[0].dockerHost)}/${first.name}` }];
    for (const ref of refs.slice(1)) {
        const docker = new DockerClient(ref.dockerHost);
        const registry = await findRegistryContainer(docker, ref.container, options.expect ?? {});
        instances.push({ docker, registry, label: `${where(ref.dockerHost)}/${registry.name}` });
    }

    // Refuse anything that would leave a writer out: instances of another stack or storage.
    const deployed = writableConfig(first.config);
    for (const i of instances) {
        if (i.registry.stack !== first.stack) throw new GarbageCollectRefused(`${i.label} belongs to stack "${i.registry.stack}", ${instances[0].label} to "${first.stack}"`);
        if (i.registry.driver !== "s3") throw new GarbageCollectRefused(`${i.label} keeps its images in a volume, not in the shared bucket`);
        if (writableConfig(i.registry.config) !== deployed) {
            throw new GarbageCollectRefused(`${i.label} runs another config than ${instances[0].label}; run pulumi up so that every instance runs the same one`);
        }
    }
    const collectorHost = instances.find((i) => i.registry.running);
    if (!collectorHost) throw new GarbageCollectRefused("no instance is running, and the collector reaches the bucket through a running instance's network; start one (docker start)");
    if (options.signal?.aborted) throw new GarbageCollectRefused("aborted before the start");

    // One collection at a time, on every host: a second run would switch instances back to
    // read-write under the first one's sweep.
    const locks = await takeLocks(instances);
    try {
        for (const i of instances.filter((i) => isReadOnly(i.registry.config))) log(`${i.label} was left read-only by an interrupted collection; it returns to service at the end`);
        for (const i of instances.filter((i) => !i.registry.running)) log(`${i.label} is not running; it stays stopped (read-only while the collection runs, should it start)`);
        const collectorRegistry = { ...collectorHost.registry, config: deployed };
        if (options.dryRun) {
            log(`collecting (dry run) through ${collectorHost.label}; no instance is switched`);
            const r = await runCollector(collectorHost.docker, collectorRegistry, "registry", options);
            return report(first, options, r, 0, instances, false, false);
        }
        return await collectReadOnly(instances, collectorHost, collectorRegistry, deployed, first, options);
    } finally {
        await releaseLocks(locks);
    }
}

const lockNameOf = (registry: RegistryContainer) => `${collectorNameOf(registry)}-lock`;

/** A created (never started) container per host, named after the registry: Docker refuses a second one of that name. */
async function takeLocks(instances: Instance[]): Promise<Instance[]> {
    const taken: Instance[] = [];
    for (const i of instances) {
        const collector = await i.docker.run(["container", "inspect", collectorNameOf(i.registry)]);
        const lock = collector.code === 0 ? collector : await i.docker.run(["create", "--name", lockNameOf(i.registry), "--network", "none", "--label", `${labelKeys.managedBy}=pulumi`, i.registry.imageId]);
        if (collector.code === 0 || lock.code !== 0) {
            await releaseLocks(taken);
            if (collector.code === 0 || /already in use/i.test(lock.stderr)) {
                throw new GarbageCollectRefused(`another collection is running on ${i.label} (container ${collectorNameOf(i.registry)} or ${lockNameOf(i.registry)}); wait for it, or, if none runs, remove the leftover with docker rm -f ${lockNameOf(i.registry)} ${collectorNameOf(i.registry)}`);
            }
            throw new Error(`cannot take the collection lock on ${i.label}: ${lock.stderr}`);
        }
        taken.push(i);
    }
    return taken;
}

async function releaseLocks(locks: Instance[]): Promise<void> {
    // -v: the lock is made from the registry image, whose VOLUME gives it an anonymous volume.
    for (const i of locks) await i.docker.run(["rm", "-f", "-v", lockNameOf(i.registry)]);
}

/** Every instance read-only, the collection, the cache flush, every instance back read-write. */
async function collectReadOnly(
    instances: Instance[],
    collectorHost: Instance,
    collectorRegistry: RegistryContainer,
    deployed: string,
    first: RegistryContainer,
    options: GarbageCollectOptions,
): Promise<GarbageCollectReport> {
    const log = options.log ?? (() => undefined);
    const healthyTimeoutMs = options.healthyTimeoutMs ?? 120_000;
    const aborted = () => {
        if (options.signal?.aborted) throw new GarbageCollectError("garbage collection aborted before the collector started; nothing was removed");
    };
    const startedAt = Date.now();
    const switched: Instance[] = [];
    let result: CollectorResult | undefined;
    let failure: unknown;
    let collectorStarted = false;
    try {
        for (const i of instances) {
            aborted();
            switched.push(i);
            if (i.registry.running) {
                log(`switching ${i.label} to read-only (pulls go on, pushes are refused)`);
                await restartWith(i, readOnlyConfig(deployed), healthyTimeoutMs);
            } else {
                await writeConfig(i, readOnlyConfig(deployed));
            }
        }
        aborted();
        log(`collecting through ${collectorHost.label}${options.deleteUntagged ? ", untagged manifests included" : ""}`);
        collectorStarted = true;
        result = await runCollector(collectorHost.docker, collectorRegistry, "registry", options);
    } catch (e) {
        failure = e;
    }

    // Once the collector ran, even partly, blobs may be gone that the cache still lists: flush
    // before any instance takes pushes again, or a re-pushed layer is skipped and its pulls fail.
    let cacheFlushed = false;
    if (collectorStarted) {
        try {
            const flushed = await flushRedis(collectorHost, deployed);
            if (flushed) log(`flushed the Redis blob descriptor cache at ${flushed}`);
            cacheFlushed = flushed !== undefined;
        } catch (e) {
            const before = failure ? ` The collection had failed too: ${(failure as Error).message}` : "";
            throw new GarbageCollectError(`${(e as Error).message}. Every instance stays read-only (pulls work): flush that Redis database (redis-cli -n <db> FLUSHDB), then run the collection again, which returns them to service.${before}`);
        }
    }

    const notBack: string[] = [];
    for (const i of instances) {
        if (!switched.includes(i) && !isReadOnly(i.registry.config)) continue;
        try {
            if (i.registry.running) {
                log(`switching ${i.label} back to read-write (fresh cache)`);
                await restartWith(i, deployed, healthyTimeoutMs);
            } else {
                await writeConfig(i, deployed);
            }
        } catch (e) {
            notBack.push(`${i.label}: ${(e as Error).message}`);
        }
    }
    if (notBack.length > 0) {
        const before = failure ? ` The collection had failed too: ${(failure as Error).message}` : "";
        throw new GarbageCollectError(`not every instance came back read-write; run the collection again to retry:\n  ${notBack.join("\n  ")}.${before}`);
    }
    if (failure) throw failure;
    return report(first, options, result!, Date.now() - startedAt, instances, true, cacheFlushed);
}

function report(
    first: RegistryContainer,
    options: GarbageCollectOptions,
    r: CollectorResult,
    outOfServiceMs: number,
    instances: Instance[],
    switched: boolean,
    cacheFlushed: boolean,
): GarbageCollectReport {
    return {
        ...collectionReport(first, options, r, outOfServiceMs),
        instances: instances.map((i) => ({ instance: i.label, readOnly: switched && i.registry.running, running: i.registry.running })),
        cacheFlushed,
    };
}
