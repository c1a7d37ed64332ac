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
