/**
 * The garbage collection API's types: its options and its report. In a file of their own so
 * that both collection flows (garbageCollect.ts, sharedStorageCollect.ts) and the steps they
 * share (collectorRun.ts) use them without importing one another.
 */
import type { ManifestRef } from "./collector";
import type { Expectations } from "./registryContainer";

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
