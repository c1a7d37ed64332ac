import { notAllowed } from "../shared/problems";
import { minimumS3ChunkSize, StorageSettings, storageDrivers } from "./storage";

// S3's bucket naming rules (lower case, 3-63, no IP form); Ceph and MinIO follow them.
const bucketName = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const regionName = /^[a-z0-9-]{1,32}$/;
const rootDirectory = /^(\/[A-Za-z0-9._-]+)+$/;
const hostPort = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/;

/** Problems of the storage choice, the S3 settings and the Redis cache; `instances` is how many registries share them. */
export function findStorageProblems(settings: StorageSettings, instances: number): string[] {
    const { driver: storage, s3, redis } = settings;
    const problems: string[] = [];
    const bad = (key: string, value: unknown, allowed: string) => problems.push(notAllowed(key, value, allowed));

    if (!storageDrivers.includes(storage)) {
        bad("storage", storage, `expected one of ${storageDrivers.join(", ")}`);
        return problems;
    }
    if (storage === "filesystem") {
        if (instances > 1) {
            bad("storage", storage, `${instances} instances cannot share a Docker volume: each host would keep its own images. Set storage to s3 (with the s3 settings) to share one bucket`);
        }
        if (s3 !== undefined) problems.push("s3: is set but storage is filesystem; set storage: s3 to use the bucket, or remove s3");
    }
    if (storage === "s3") {
        if (s3 === undefined) {
            problems.push("s3: is required when storage is s3; set at least s3.bucket (pulumi config set --path s3.bucket NAME)");
        } else {
            if (typeof s3.bucket !== "string" || !bucketName.test(s3.bucket)) {
                bad("s3.bucket", s3.bucket ?? "", "expected an existing bucket's name: 3-63 lower-case letters, digits, dots and hyphens");
            }
            if (typeof s3.region !== "string" || !regionName.test(s3.region)) bad("s3.region", s3.region, "expected a region such as us-east-1");
            if (s3.endpoint !== "") {
                let url: URL | undefined;
                try {
                    url = new URL(s3.endpoint);
                } catch {
                    url = undefined;
                }
                if (!url || !["http:", "https:"].includes(url.protocol) || url.pathname !== "/" || url.search !== "" || url.username !== "" || s3.endpoint.endsWith("/")) {
                    bad("s3.endpoint", s3.endpoint, "expected a URL such as https://s3.example.com or http://10.0.0.5:7480 (scheme, host and port only)");
                } else if ((url.protocol === "https:") !== s3.secure) {
                    bad("s3.secure", s3.secure, `must agree with s3.endpoint's scheme (${url.protocol.slice(0, -1)}): the endpoint's scheme decides how the registry connects`);
                }
            }
            if (s3.rootDirectory !== "" && !rootDirectory.test(s3.rootDirectory)) {
                bad("s3.rootDirectory", s3.rootDirectory, "expected a path such as /registry (leading slash, no trailing slash), or empty for the bucket's root");
            }
            if (s3.hasAccessKey !== s3.hasSecretKey) {
                problems.push(
                    s3.hasAccessKey
                        ? "s3.secretKey: is not set but s3.accessKey is; set both as secrets, or neither to use the Docker host's own credentials"
                        : "s3.accessKey: is not set but s3.secretKey is; set both as secrets, or neither to use the Docker host's own credentials",
                );
            }
            if (!Number.isInteger(s3.chunkSize) || s3.chunkSize < minimumS3ChunkSize || s3.chunkSize > 5 * 1024 * 1024 * 1024) {
                bad("s3.chunkSize", s3.chunkSize, `expected a whole number of bytes from ${minimumS3ChunkSize} (5 MiB, S3's smallest part) to 5368709120 (5 GiB)`);
            }
            if (s3.endpoint === "" && s3.v4auth === false) {
                bad("s3.v4auth", false, "AWS S3 accepts Signature Version 4 only; v4auth: false is for S3-compatible services named in s3.endpoint");
            }
            for (const key of ["secure", "v4auth", "redirect"] as const) {
                if (typeof s3[key] !== "boolean") bad(`s3.${key}`, s3[key], "expected true or false");
            }
        }
    }
    if (redis !== undefined) {
        const m = typeof redis.address === "string" ? hostPort.exec(redis.address) : null;
        if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) {
            bad("redis.address", redis.address ?? "", "expected host:port of the Redis server, e.g. redis.internal:6379 or [fd00::5]:6379");
        }
        if (!Number.isInteger(redis.db) || redis.db < 0 || redis.db > 15) bad("redis.db", redis.db, "expected a database number from 0 to 15");
    }
    return problems;
}
