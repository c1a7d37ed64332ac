/**
 * Where the registry keeps images: a Docker volume on its one host (`filesystem`), or an
 * S3-compatible bucket that several instances share (`s3`), optionally with a Redis cache of
 * blob descriptors: the arguments, their defaults and their resolution.
 */
import type * as pulumi from "@pulumi/pulumi";
import { isGiven, withDefaults } from "../shared/settings";

/** Storage drivers this product configures. */
export type StorageDriver = "filesystem" | "s3";
export const storageDrivers: readonly StorageDriver[] = ["filesystem", "s3"];

/** Distribution 2.8's minimum S3 multipart chunk: S3 refuses smaller parts (but the last). */
export const minimumS3ChunkSize = 5 * 1024 * 1024;

/** An S3-compatible bucket (AWS S3, Ceph RGW, MinIO, …); the Distribution 2.8 `storage.s3` driver. */
export interface S3StorageArgs {
    /**
     * URL of an S3-compatible service, e.g. `https://rgw.example.com:7480`. Any endpoint means
     * path-style requests (`<endpoint>/<bucket>/<key>`). Default: AWS S3 of `region`.
     */
    endpoint?: string;
    /** Region of the bucket. S3-compatible services accept any. Default `us-east-1`. */
    region?: string;
    /** The bucket; it must exist. Required. */
    bucket: string;
    /** Prefix of every key the registry writes, e.g. `/registry`. Default: the bucket's root. */
    rootDirectory?: string;
    /**
     * Access key ID. Mark it secret. Leave both keys unset to use the Docker host's own
     * credentials (an EC2 instance role).
     */
    accessKey?: pulumi.Input<string>;
    /** Secret access key of `accessKey`. Must be a secret. */
    secretKey?: pulumi.Input<string>;
    /** Talk to the endpoint over HTTPS. Must agree with the endpoint's scheme. Default `true`. */
    secure?: boolean;
    /** Sign requests with AWS Signature Version 4 (else version 2). Default `true`. */
    v4auth?: boolean;
    /** Size of the parts of a multipart upload, in bytes; at least 5 MiB. Default 10 MiB. */
    chunkSize?: number;
    /**
     * Send clients straight to the object store for blob downloads (pre-signed URLs), so the
     * registry only serves manifests. Only when every client can reach `endpoint` itself.
     * Default `false`: blobs are served through the registry.
     */
    redirect?: boolean;
}

/** A Redis server that caches blob descriptors for every instance (`storage.cache.blobdescriptor: redis`). */
export interface RedisCacheArgs {
    /** `host:port` of the Redis server, reachable from every registry host. Required. */
    address: string;
    /** Redis password (`requirepass` or an ACL user's). Must be a secret. Default: none. */
    password?: pulumi.Input<string>;
    /** Redis database number. Default `0`. */
    db?: number;
}

export const s3Defaults = {
    endpoint: "",
    region: "us-east-1",
    rootDirectory: "",
    secure: true,
    v4auth: true,
    chunkSize: 10 * 1024 * 1024,
    redirect: false,
};

export const redisDefaults = {
    db: 0,
};

/** The storage part of the component's arguments. */
export interface StorageArgs {
    /**
     * Where images are kept: `filesystem`, a Docker volume on the registry's host, or `s3`, the
     * bucket in {@link s3}, which several instances can share. Default `filesystem`.
     */
    storage?: StorageDriver;
    /** The S3-compatible bucket, when `storage` is `s3`. */
    s3?: S3StorageArgs;
    /**
     * A Redis server caching blob descriptors for every instance, so that a delete on one is seen
     * at once on the others. Flush it when the bucket is emptied or recreated. Default: each
     * instance caches in its own memory.
     */
    redis?: RedisCacheArgs;
}

export const storageDefaults = {
    storage: "filesystem" as StorageDriver,
};

/** S3 settings with defaults filled in and no secrets. */
export type S3Settings = typeof s3Defaults & {
    bucket: string;
    /** True when `accessKey` is given. */
    hasAccessKey: boolean;
    /** True when `secretKey` is given. */
    hasSecretKey: boolean;
};

/** Redis settings without the password. */
export type RedisSettings = typeof redisDefaults & {
    /** `host:port`. */
    address: string;
    /** True when a password is given. */
    hasPassword: boolean;
};

/** The storage settings: the driver, and the bucket and cache when given (whatever the driver, so validation can name a conflict). */
export interface StorageSettings {
    driver: StorageDriver;
    s3?: S3Settings;
    redis?: RedisSettings;
}

export function resolveStorage(args: StorageArgs): StorageSettings {
    return { driver: withDefaults(storageDefaults, args).storage, s3: resolveS3(args.s3), redis: resolveRedis(args.redis) };
}

/** S3 arguments with defaults filled in, secrets left out; undefined when not given. */
function resolveS3(s3: S3StorageArgs | undefined): S3Settings | undefined {
    if (s3 === undefined) return undefined;
    return { ...withDefaults(s3Defaults, s3), bucket: s3.bucket, hasAccessKey: isGiven(s3.accessKey), hasSecretKey: isGiven(s3.secretKey) };
}

/** Redis arguments with the default db, the password left out; undefined when not given. */
function resolveRedis(redis: RedisCacheArgs | undefined): RedisSettings | undefined {
    if (redis === undefined) return undefined;
    return { ...withDefaults(redisDefaults, redis), address: redis.address, hasPassword: isGiven(redis.password) };
}
