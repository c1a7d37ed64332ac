/** The `s3` and `redis` stack config objects. */
import * as pulumi from "@pulumi/pulumi";
import type { RedisCacheArgs, S3StorageArgs } from "../components/instances/storage";
import { configObject } from "./configObject";

/**
 * The `s3` stack config (an object: Pulumi.yaml cannot type one) as arguments; the keys become
 * secrets. Set them with `pulumi config set --secret --path s3.secretKey …`.
 */
export function s3FromConfig(value: unknown): S3StorageArgs | undefined {
    if (value === undefined || value === null) return undefined;
    const types = {
        endpoint: "string", region: "string", bucket: "string", rootDirectory: "string", accessKey: "string", secretKey: "string",
        secure: "boolean", v4auth: "boolean", chunkSize: "number", redirect: "boolean",
    } as const;
    const entry = configObject("s3", value, types, ["accessKey", "secretKey"]);
    const { accessKey, secretKey, ...rest } = entry as unknown as S3StorageArgs;
    return {
        ...rest,
        ...(accessKey ? { accessKey: pulumi.secret(accessKey) } : {}),
        ...(secretKey ? { secretKey: pulumi.secret(secretKey) } : {}),
    };
}

/** The `redis` stack config as arguments; the password becomes a secret. */
export function redisFromConfig(value: unknown): RedisCacheArgs | undefined {
    if (value === undefined || value === null) return undefined;
    const types = { address: "string", password: "string", db: "number" } as const;
    const entry = configObject("redis", value, types, ["password"]);
    const { password, ...rest } = entry as unknown as RedisCacheArgs;
    return password ? { ...rest, password: pulumi.secret(password) } : rest;
}
