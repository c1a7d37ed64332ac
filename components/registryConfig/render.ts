import { stringify } from "yaml";
import { containerPaths } from "../instances/containerLayout";
import type { S3Settings } from "../instances/storage";
import type { AcmeOrder } from "../tls/acme";
import type { RegistryMajor } from "../version/args";
import type { LogLevel, RegistryConfigSettings } from "./args";

/** The `storage.s3` keys of Distribution 2.8 and 3.x. */
export interface S3DriverConfig {
    accesskey?: string;
    secretkey?: string;
    region: string;
    regionendpoint?: string;
    bucket: string;
    rootdirectory?: string;
    secure: boolean;
    v4auth: boolean;
    chunksize: number;
    /** 3.x only: path-style requests (2.8 uses them whenever `regionendpoint` is set). */
    forcepathstyle?: boolean;
}

/** `http.tls` serving a certificate and key from files. */
interface TlsFilesConfig {
    certificate: string;
    key: string;
    minimumtls: MinimumTls;
}

type MinimumTls = "tls1.2" | "tls1.3";
/** TLS 1.2 and up, for either source: the Docker engine and containerd speak both. */
const minimumTls: MinimumTls = "tls1.2";

/**
 * `http.tls` with the built-in ACME client (3.x): `cachefile` is a folder despite its name
 * (autocert's DirCache), and setting it is what turns ACME on; `hosts` are the only names the
 * registry answers TLS for. An empty `directoryurl` would mean Let's Encrypt production.
 */
interface TlsAcmeConfig {
    letsencrypt: { cachefile: string; email?: string; hosts: string[]; directoryurl: string };
    minimumtls: MinimumTls;
}

/** Distribution 2.8's `redis` section (the client of the blob descriptor cache). */
export interface RedisConfig2 {
    addr: string;
    password?: string;
    db: number;
    dialtimeout: string;
    readtimeout: string;
    writetimeout: string;
    pool: { maxidle: number; maxactive: number; idletimeout: string };
}

/** Distribution 3.x's `redis` section: go-redis's universal options (a list of addresses, flat pool keys). */
export interface RedisConfig3 {
    addrs: string[];
    password?: string;
    db: number;
    dialtimeout: string;
    readtimeout: string;
    writetimeout: string;
    poolsize: number;
    maxidleconns: number;
    connmaxidletime: string;
}

/**
 * The part of the CNCF Distribution configuration (`config.yml`) this product sets, for 2.8 and
 * 3.x. Field names are Distribution's own; see its docs/configuration.md (3.x: docs/content/about/configuration.md).
 */
export interface DistributionConfig {
    version: "0.1";
    log: {
        level: LogLevel;
        formatter: "text" | "json" | "logstash";
        fields: Record<string, string>;
        accesslog: { disabled: boolean };
    };
    storage: {
        filesystem?: { rootdirectory: string };
        s3?: S3DriverConfig;
        /** Only with s3: `disable: true` serves blobs through the registry instead of pre-signed URLs. */
        redirect?: { disable: boolean };
        delete: { enabled: boolean };
        cache: { blobdescriptor: "inmemory" | "redis" };
        maintenance: { uploadpurging: { enabled: boolean; age: string; interval: string; dryrun: boolean } };
    };
    /** Absent on an anonymous mirror: anyone may pull. */
    auth?: { htpasswd: { realm: string; path: string } };
    /** Only on a mirror: the upstream it caches, and how long (3.x). */
    proxy?: ProxyConfig;
    http: {
        addr: string;
        secret: string;
        headers: Record<string, string[]>;
        tls: TlsFilesConfig | TlsAcmeConfig;
        http2: { disabled: boolean };
        debug: { addr: string; prometheus: { enabled: boolean; path: string } };
    };
    redis?: RedisConfig2 | RedisConfig3;
    health: { storagedriver: { enabled: boolean; interval: string; threshold: number } };
}

/** Distribution's `proxy` section: pull-through cache mode. `ttl` is 3.x's (2.8 ignores it). */
interface ProxyConfig {
    remoteurl: string;
    username?: string;
    password?: string;
    ttl?: string;
}

/** A mirror's config: the upstream, its credentials (a secret) and TTL, and whether anyone may pull. */
interface MirrorInput {
    upstream: string;
    username?: string;
    password?: string;
    /** "" for Distribution's default. */
    ttl: string;
    /** No `auth` section: anyone who reaches the port may pull. */
    anonymous: boolean;
}

/** Where the config points the registry's storage: a local directory, or a bucket with its keys (secrets). */
export type StorageInput =
    | { driver: "filesystem" }
    | { driver: "s3"; s3: S3Settings; accessKey?: string; secretKey?: string };

/** The Redis blob descriptor cache, password included (a secret). */
export interface RedisInput {
    address: string;
    password?: string;
    db: number;
}

/** What the registry config is made of: its own settings, the major, the port, the upload secret, storage and cache. */
export interface RegistryConfigInput extends RegistryConfigSettings {
    /** The Distribution major that reads the config: it decides keys and paths. */
    major: RegistryMajor;
    /** Port the registry listens on inside the container (the same number is published). */
    port: number;
    /** Shared secret that signs upload state; the same on every instance. */
    httpSecret: string;
    /** Storage driver and its settings. */
    storage: StorageInput;
    /** Redis cache shared by every instance; without it each instance caches in memory. */
    redis?: RedisInput;
    /** With ACME: the certificate the registry orders itself; else it serves the uploaded files. */
    acme?: AcmeOrder;
    /** Only for a mirror: proxy mode. */
    mirror?: MirrorInput;
}

/** CORS headers for a web UI at `origin`; credentials are only allowed for a named origin. */
function corsHeaders(origin: string): Record<string, string[]> {
    const headers: Record<string, string[]> = {
        "Access-Control-Allow-Origin": [origin],
        "Access-Control-Allow-Methods": ["HEAD", "GET", "OPTIONS", "DELETE"],
        "Access-Control-Allow-Headers": ["Authorization", "Accept", "Cache-Control"],
        "Access-Control-Max-Age": ["1728000"],
        "Access-Control-Expose-Headers": ["Docker-Content-Digest"],
    };
    if (origin !== "*") {
        headers["Access-Control-Allow-Credentials"] = ["true"];
    }
    return headers;
}

/** Builds the typed registry configuration. Pure: the same input gives the same object. */
export function buildRegistryConfig(input: RegistryConfigInput): DistributionConfig {
    const paths = containerPaths(input.major);
    const headers: Record<string, string[]> = { "X-Content-Type-Options": ["nosniff"] };
    for (const origin of input.corsOrigins) {
        Object.assign(headers, corsHeaders(origin));
    }
    return {
        version: "0.1",
        log: {
            level: input.logLevel,
            formatter: "text",
            fields: { service: "registry" },
            accesslog: { disabled: !input.accessLog },
        },
        storage: {
            ...storageDriverConfig(input.storage, input.major),
            // Also on a mirror: its proxy expires cached content through the stores that check this
            // flag (off, nothing would ever expire); its API refuses deletes in proxy mode anyway.
            delete: { enabled: true },
            cache: { blobdescriptor: input.redis ? "redis" : "inmemory" },
            // A push that fails (a full disk, a dropped client) leaves its partial data in _uploads
            // until purged; no client resumes an upload a day old, so a day is plenty.
            maintenance: { uploadpurging: { enabled: true, age: "24h", interval: "1h", dryrun: false } },
        },
        ...(input.mirror?.anonymous ? {} : { auth: { htpasswd: { realm: input.authRealm, path: paths.htpasswd } } }),
        ...(input.mirror ? { proxy: proxyConfig(input.mirror) } : {}),
        http: {
            addr: `:${input.port}`,
            secret: input.httpSecret,
            headers,
            tls: tlsConfig(input),
            // Go's HTTP/2 server is 0.5-0.6x of HTTP/1.1 on downloads for clients that pick it (curl,
            // containerd); the Docker daemon speaks HTTP/1.1 anyway (npm run bench measures both).
            http2: { disabled: true },
            // The debug listener also serves pprof and expvar, unauthenticated: loopback unless asked.
            debug: {
                addr: `${input.debugOnNetwork ? "" : "127.0.0.1"}:${input.debugPort}`,
                prometheus: { enabled: true, path: "/metrics" },
            },
        },
        ...(input.redis ? { redis: input.major === 2 ? redisConfig2(input.redis) : redisConfig3(input.redis) } : {}),
        health: { storagedriver: { enabled: true, interval: "10s", threshold: 3 } },
    };
}

/** Proxy mode: the upstream, the credentials only when given, the TTL only when set. */
function proxyConfig(m: MirrorInput): ProxyConfig {
    return {
        remoteurl: m.upstream,
        ...(m.username ? { username: m.username, password: m.password ?? "" } : {}),
        ...(m.ttl ? { ttl: m.ttl } : {}),
    };
}

/** Where the certificate comes from: the uploaded files, or the ACME CA with its cache on its own volume. */
function tlsConfig(input: RegistryConfigInput): TlsFilesConfig | TlsAcmeConfig {
    const paths = containerPaths(input.major);
    if (!input.acme) return { certificate: paths.certificate, key: paths.privateKey, minimumtls: minimumTls };
    const { hosts, email, directoryUrl, cacheFolder } = input.acme;
    return {
        letsencrypt: { cachefile: `${paths.acmeCache}/${cacheFolder}`, ...(email ? { email } : {}), hosts: [...hosts], directoryurl: directoryUrl },
        minimumtls: minimumTls,
    };
}

/** The storage driver's section (and, for S3, whether blobs are redirected to the store). */
function storageDriverConfig(storage: StorageInput, major: RegistryMajor): Pick<DistributionConfig["storage"], "filesystem" | "s3" | "redirect"> {
    if (storage.driver === "filesystem") return { filesystem: { rootdirectory: containerPaths(major).data } };
    const s3 = storage.s3;
    return {
        s3: {
            // Without keys the driver falls back to the host's own AWS credentials (an instance role).
            ...(storage.accessKey ? { accesskey: storage.accessKey, secretkey: storage.secretKey } : {}),
            region: s3.region,
            // Any regionendpoint makes Distribution 2.8 use path-style requests (it has no forcepathstyle).
            ...(s3.endpoint ? { regionendpoint: s3.endpoint } : {}),
            bucket: s3.bucket,
            ...(s3.rootDirectory ? { rootdirectory: s3.rootDirectory } : {}),
            secure: s3.secure,
            v4auth: s3.v4auth,
            chunksize: s3.chunkSize,
            // 3.x makes path style a setting of its own (default off); keep 2.8's behaviour, which
            // S3-compatible stores at an IP address or without wildcard DNS need.
            ...(major === 3 && s3.endpoint ? { forcepathstyle: true } : {}),
        },
        // By default the registry answers blob GETs with a redirect to a pre-signed S3 URL, which
        // only works for clients that can reach the object store themselves.
        redirect: { disable: !s3.redirect },
    };
}

/** The Redis client, the same on both majors: short timeouts so a slow cache cannot stall pulls for long. */
const redisClient = { timeout: "1s", maxIdle: 16, maxActive: 64, idleTimeout: "300s" };

/** The part of the Redis section both majors spell alike. */
function redisCommon(redis: RedisInput) {
    const t = redisClient.timeout;
    return { ...(redis.password ? { password: redis.password } : {}), db: redis.db, dialtimeout: t, readtimeout: t, writetimeout: t };
}

/** 2.8's Redis section: one `addr`, a nested pool. */
function redisConfig2(redis: RedisInput): RedisConfig2 {
    return {
        addr: redis.address,
        ...redisCommon(redis),
        pool: { maxidle: redisClient.maxIdle, maxactive: redisClient.maxActive, idletimeout: redisClient.idleTimeout },
    };
}

/** 3.x's Redis section, in go-redis's terms: a list of addresses, flat pool keys. */
function redisConfig3(redis: RedisInput): RedisConfig3 {
    return {
        addrs: [redis.address],
        ...redisCommon(redis),
        poolsize: redisClient.maxActive,
        maxidleconns: redisClient.maxIdle,
        connmaxidletime: redisClient.idleTimeout,
    };
}

/** Renders the config as YAML. Deterministic: key order is the object's, no timestamps. */
export function renderRegistryConfig(config: DistributionConfig): string {
    return stringify(config, { lineWidth: 0 });
}
