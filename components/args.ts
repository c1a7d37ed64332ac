import * as pulumi from "@pulumi/pulumi";
import { ClientHostArgs, ClientSettings, resolveClients } from "./clientTrust/args";
import { InstanceSettings, RegistryInstanceArgs, resolveInstances } from "./instances/args";
import { RedisCacheArgs, RedisSettings, resolveRedis, resolveS3, S3Settings, S3StorageArgs, StorageDriver } from "./instances/storage";

/** Key algorithm for the generated CA and server keys. */
export type TlsKeyAlgorithm = "ECDSA" | "RSA";
/** Distribution's log levels. */
export type LogLevel = "error" | "warn" | "info" | "debug";

/**
 * Arguments of {@link PrivateRegistry}. The names are the stack config keys of this project,
 * so a validation error names the key the user set. Only `hostnames` is required.
 */
export interface PrivateRegistryArgs {
    /**
     * DNS names and IP addresses clients use to reach the registry. All of them go into the
     * server certificate's SANs; the first is the address images are tagged with.
     */
    hostnames: string[];
    /** Port the registry listens on and is published on. Default `5000`. */
    port?: number;
    /** Host address the port is published on (`0.0.0.0` for all IPv4 interfaces). Default `0.0.0.0`. */
    bindAddress?: string;
    /**
     * Port of the debug listener (`/debug/health`, Prometheus `/metrics`) inside the container.
     * It is never published on the host. Default `5001`.
     */
    debugPort?: number;
    /**
     * Let other containers on the registry's Docker network reach the debug listener (to scrape
     * `/metrics`). It also serves Go's pprof and expvar without authentication, so by default it
     * listens on the container's loopback only. Never published on the host. Default `false`.
     */
    debugOnNetwork?: boolean;
    /** Registry user names; each gets a generated password. Default `["admin"]`. */
    users?: string[];
    /** Length of generated passwords, at least 16. Default `32`. */
    passwordLength?: number;
    /** Use upper-case letters in passwords. Default `true`. */
    passwordUpper?: boolean;
    /** Use lower-case letters in passwords. Default `true`. */
    passwordLower?: boolean;
    /** Use digits in passwords. Default `true`. */
    passwordNumeric?: boolean;
    /**
     * Use special characters in passwords. Default `false`: they add little entropy per
     * character and break naive shell quoting in CI scripts.
     */
    passwordSpecial?: boolean;
    /**
     * Any string; changing it generates new passwords for every user (a deliberate rotation).
     * Default `""`.
     */
    passwordRotation?: string;
    /**
     * bcrypt cost of the htpasswd entries, 4 to 17. The registry checks the hash on every
     * request (a push of 50 layers makes about 200), so each step doubles the CPU of every
     * authenticated request. Default `4`, bcrypt's minimum: the passwords are random (about
     * 190 bits), so a slower hash adds load and no protection (`npm run bench` measures it).
     */
    bcryptCost?: number;
    /** Realm of the registry's Basic authentication. Default `"Registry Realm"`. */
    authRealm?: string;
    /** Validity of the generated server certificate, in hours. Default `8760` (one year). */
    tlsValidityHours?: number;
    /**
     * How many hours before expiry `pulumi up` replaces the generated server certificate.
     * Default `720` (30 days).
     */
    tlsEarlyRenewalHours?: number;
    /** Validity of the generated CA certificate, in hours. Default `87600` (ten years). */
    caValidityHours?: number;
    /** Key algorithm of the generated keys: `ECDSA` (P-256) or `RSA` (3072 bits). Default `ECDSA`. */
    tlsKeyAlgorithm?: TlsKeyAlgorithm;
    /**
     * A certificate you provide instead of the generated CA (PEM, the server certificate
     * followed by its intermediates). Requires {@link tlsPrivateKey}. Mark it secret.
     */
    tlsCertificate?: pulumi.Input<string>;
    /** The private key (PEM) of {@link tlsCertificate}. Must be a secret. */
    tlsPrivateKey?: pulumi.Input<string>;
    /**
     * The CA certificate (PEM) that issued {@link tlsCertificate}, exported for clients that
     * must trust it. Leave unset for a certificate from a public CA.
     */
    tlsCaCertificate?: pulumi.Input<string>;
    /** Registry image. Default `registry:2`. */
    image?: string;
    /** Docker container name. Default: the component's name. */
    containerName?: string;
    /** Docker volume holding the registry's data. Default: `<component name>-data`. */
    dataVolumeName?: string;
    /**
     * Keep the data volume when the stack is destroyed or the volume replaced, so that
     * images survive. Default `true`.
     */
    retainDataOnDestroy?: boolean;
    /**
     * Docker daemon to deploy to, e.g. `ssh://user@host` or `tcp://host:2376`.
     * Default: the local daemon (`DOCKER_HOST` or the default socket).
     */
    dockerHost?: string;
    /**
     * Origins of web UIs allowed to call the registry API from a browser (CORS), e.g.
     * `https://registry-ui.example.com`. Default: none (no CORS headers).
     */
    corsOrigins?: string[];
    /** Registry log level. Default `info`. */
    logLevel?: LogLevel;
    /** Write an access log line per request. Default `true`. */
    accessLog?: boolean;
    /** Size at which Docker rotates the container's log file (`json-file` `max-size`). Default `10m`. */
    logMaxSize?: string;
    /** How many rotated log files Docker keeps (`json-file` `max-file`). Default `3`. */
    logMaxFiles?: number;
    /**
     * Machines that pull from the registry: each is reached over SSH and made to trust the
     * registry's CA (Docker and/or containerd), optionally logged in. Default: none.
     */
    clients?: ClientHostArgs[];
    /** SSH private key for every client without a key of its own. Must be a secret. */
    sshPrivateKey?: pulumi.Input<string>;
    /**
     * Where images are kept: `filesystem`, a Docker volume on the registry's host, or `s3`, the
     * bucket in {@link s3}, which several {@link instances} can share. Default `filesystem`.
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
    /**
     * Registry instances on several Docker hosts, all with the same config, secret, users and
     * certificate, sharing the S3 bucket; put a load balancer or DNS round robin at
     * `hostnames[0]` in front of them. Needs `storage: s3` when more than one. Default: one
     * instance on `dockerHost`.
     */
    instances?: RegistryInstanceArgs[];
}

/** Default of every optional argument; `Pulumi.yaml` declares the same values (a test checks). */
export const defaults = {
    port: 5000,
    bindAddress: "0.0.0.0",
    debugPort: 5001,
    debugOnNetwork: false,
    users: ["admin"],
    passwordLength: 32,
    passwordUpper: true,
    passwordLower: true,
    passwordNumeric: true,
    passwordSpecial: false,
    passwordRotation: "",
    bcryptCost: 4,
    authRealm: "Registry Realm",
    tlsValidityHours: 8760,
    tlsEarlyRenewalHours: 720,
    caValidityHours: 87600,
    tlsKeyAlgorithm: "ECDSA" as TlsKeyAlgorithm,
    image: "registry:2",
    retainDataOnDestroy: true,
    dockerHost: "",
    corsOrigins: [] as string[],
    logLevel: "info" as LogLevel,
    accessLog: true,
    logMaxSize: "10m",
    logMaxFiles: 3,
    storage: "filesystem" as StorageDriver,
} as const;

/** The plain (non-secret) settings with every default filled in. */
export interface RegistrySettings {
    name: string;
    hostnames: string[];
    port: number;
    bindAddress: string;
    debugPort: number;
    debugOnNetwork: boolean;
    users: string[];
    passwordLength: number;
    passwordUpper: boolean;
    passwordLower: boolean;
    passwordNumeric: boolean;
    passwordSpecial: boolean;
    passwordRotation: string;
    bcryptCost: number;
    authRealm: string;
    tlsValidityHours: number;
    tlsEarlyRenewalHours: number;
    caValidityHours: number;
    tlsKeyAlgorithm: TlsKeyAlgorithm;
    /** True when the user provides the certificate (no CA is generated). */
    providedCertificate: boolean;
    /** True when a key was given with the provided certificate. */
    providedPrivateKey: boolean;
    /** True when the CA of the provided certificate was given. */
    providedCaCertificate: boolean;
    image: string;
    containerName: string;
    dataVolumeName: string;
    retainDataOnDestroy: boolean;
    dockerHost: string;
    corsOrigins: string[];
    logLevel: LogLevel;
    accessLog: boolean;
    logMaxSize: string;
    logMaxFiles: number;
    clients: ClientSettings[];
    /** True when `sshPrivateKey` is given. */
    sharedSshKey: boolean;
    /** `filesystem` or `s3`. */
    storage: StorageDriver;
    /** Set when `s3` is given (whatever `storage` says, so validation can name the conflict). */
    s3?: S3Settings;
    /** Set when `redis` is given. */
    redis?: RedisSettings;
    /** The listed instances; empty for the single instance on `dockerHost`. */
    instances: InstanceSettings[];
}

/** An optional input counts as given unless it is undefined or the empty string. */
export function isGiven(value: pulumi.Input<string> | undefined): value is pulumi.Input<string> {
    return value !== undefined && value !== "";
}

/** Fills in defaults; pure, so validation can be tested without Pulumi. */
export function resolveSettings(name: string, args: PrivateRegistryArgs): RegistrySettings {
    return {
        name,
        hostnames: [...args.hostnames],
        port: args.port ?? defaults.port,
        bindAddress: args.bindAddress ?? defaults.bindAddress,
        debugPort: args.debugPort ?? defaults.debugPort,
        debugOnNetwork: args.debugOnNetwork ?? defaults.debugOnNetwork,
        users: [...(args.users ?? defaults.users)],
        passwordLength: args.passwordLength ?? defaults.passwordLength,
        passwordUpper: args.passwordUpper ?? defaults.passwordUpper,
        passwordLower: args.passwordLower ?? defaults.passwordLower,
        passwordNumeric: args.passwordNumeric ?? defaults.passwordNumeric,
        passwordSpecial: args.passwordSpecial ?? defaults.passwordSpecial,
        passwordRotation: args.passwordRotation ?? defaults.passwordRotation,
        bcryptCost: args.bcryptCost ?? defaults.bcryptCost,
        authRealm: args.authRealm ?? defaults.authRealm,
        tlsValidityHours: args.tlsValidityHours ?? defaults.tlsValidityHours,
        tlsEarlyRenewalHours: args.tlsEarlyRenewalHours ?? defaults.tlsEarlyRenewalHours,
        caValidityHours: args.caValidityHours ?? defaults.caValidityHours,
        tlsKeyAlgorithm: args.tlsKeyAlgorithm ?? defaults.tlsKeyAlgorithm,
        providedCertificate: isGiven(args.tlsCertificate),
        providedPrivateKey: isGiven(args.tlsPrivateKey),
        providedCaCertificate: isGiven(args.tlsCaCertificate),
        image: args.image ?? defaults.image,
        containerName: args.containerName ?? name,
        dataVolumeName: args.dataVolumeName ?? `${name}-data`,
        retainDataOnDestroy: args.retainDataOnDestroy ?? defaults.retainDataOnDestroy,
        dockerHost: args.dockerHost ?? defaults.dockerHost,
        corsOrigins: [...(args.corsOrigins ?? defaults.corsOrigins)],
        logLevel: args.logLevel ?? defaults.logLevel,
        accessLog: args.accessLog ?? defaults.accessLog,
        logMaxSize: args.logMaxSize ?? defaults.logMaxSize,
        logMaxFiles: args.logMaxFiles ?? defaults.logMaxFiles,
        clients: resolveClients(args.clients),
        sharedSshKey: isGiven(args.sshPrivateKey),
        storage: args.storage ?? defaults.storage,
        s3: resolveS3(args.s3),
        redis: resolveRedis(args.redis),
        instances: resolveInstances(args.instances),
    };
}
