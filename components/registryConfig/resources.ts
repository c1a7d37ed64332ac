import * as pulumi from "@pulumi/pulumi";
import type { RedisCacheArgs, S3StorageArgs, StorageSettings } from "../instances/storage";
import type { AcmeOrder } from "../tls/acme";
import type { RegistryMajor } from "../version/args";
import type { RegistryConfigSettings } from "./args";
import { buildRegistryConfig, renderRegistryConfig } from "./render";

/** The secret inputs of the config: the upload secret, and the S3 keys and Redis password when given. */
export interface RegistryConfigSecrets {
    httpSecret: pulumi.Output<string>;
    s3?: Pick<S3StorageArgs, "accessKey" | "secretKey">;
    redis?: Pick<RedisCacheArgs, "password">;
}

/**
 * The registry config every instance runs, as a secret: it holds `http.secret` and, with S3
 * and Redis, their keys and password.
 */
export function registryConfigOutput(
    s: RegistryConfigSettings,
    major: RegistryMajor,
    port: number,
    storage: StorageSettings,
    secrets: RegistryConfigSecrets,
    acme?: AcmeOrder,
): pulumi.Output<string> {
    const values = pulumi.all([secrets.httpSecret, secrets.s3?.accessKey ?? "", secrets.s3?.secretKey ?? "", secrets.redis?.password ?? ""]);
    return pulumi.secret(
        values.apply(([httpSecret, accessKey, secretKey, redisPassword]) =>
            renderRegistryConfig(
                buildRegistryConfig({
                    ...s,
                    major,
                    port,
                    httpSecret,
                    storage: storage.driver === "s3" && storage.s3 ? { driver: "s3", s3: storage.s3, accessKey, secretKey } : { driver: "filesystem" },
                    redis: storage.redis && { address: storage.redis.address, password: redisPassword, db: storage.redis.db },
                    acme,
                }),
            ),
        ),
    );
}

/** What a mirror's config adds to the registry's settings: its port, the upstream and its secret password. */
export interface MirrorConfigSpec {
    /** The port it listens on inside its container. */
    port: number;
    upstream: string;
    upstreamUsername: string;
    upstreamPassword?: pulumi.Input<string>;
    ttl: string;
    anonymous: boolean;
}

/**
 * One mirror's config, as a secret (`http.secret`, the upstream password): the registry's own
 * settings (log, CORS, debug listener) in proxy mode, on a volume of its own, never Redis or S3.
 */
export function mirrorConfigOutput(s: RegistryConfigSettings, major: RegistryMajor, httpSecret: pulumi.Output<string>, mirror: MirrorConfigSpec): pulumi.Output<string> {
    return pulumi.secret(
        pulumi.all([httpSecret, mirror.upstreamPassword ?? ""]).apply(([secret, password]) =>
            renderRegistryConfig(
                buildRegistryConfig({
                    ...s,
                    major,
                    port: mirror.port,
                    httpSecret: secret,
                    storage: { driver: "filesystem" },
                    mirror: {
                        upstream: mirror.upstream,
                        ...(mirror.upstreamUsername ? { username: mirror.upstreamUsername, password } : {}),
                        ttl: mirror.ttl,
                        anonymous: mirror.anonymous,
                    },
                }),
            ),
        ),
    );
}
