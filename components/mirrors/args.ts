/**
 * Pull-through caches: registries in Distribution's proxy mode beside the main one, each
 * mirroring one upstream registry (Docker Hub by default) for the client hosts.
 */
import type * as pulumi from "@pulumi/pulumi";
import { isGiven } from "../shared/settings";

/**
 * Who may pull through a mirror. `users`: the main registry's htpasswd users, as on the registry
 * itself. `anonymous`: anyone who can reach the port; the only way Docker's `registry-mirrors`
 * can use a mirror, since the Docker daemon sends no credentials to a mirror (moby/moby#30880).
 */
export type MirrorAccess = "users" | "anonymous";
export const mirrorAccesses: readonly MirrorAccess[] = ["users", "anonymous"];

/** Where a mirror keeps its cache. Only a volume of its own on the registry's host. */
export type MirrorStorage = "volume";
export const mirrorStorages: readonly MirrorStorage[] = ["volume"];

/** One pull-through cache. */
export interface MirrorArgs {
    /** Unique name (lower-case letters, digits, hyphens); names the container, the volume and the output entry. Required. */
    name: string;
    /**
     * The registry to mirror, as an `https://` (or, without credentials, `http://`) URL with no
     * path: `https://registry-1.docker.io` (Docker Hub, the default), `https://ghcr.io`, `https://quay.io`, …
     */
    upstream?: string;
    /**
     * The registry clients name in their image references, whose pulls the mirror serves:
     * `docker.io` for Docker Hub, `ghcr.io`, … Default: `docker.io` for Docker Hub's URLs, else
     * the upstream's `host[:port]`. Docker's `registry-mirrors` only ever mirrors `docker.io`.
     */
    mirrorOf?: string;
    /** User at the upstream, for private images and higher pull limits. Needs `upstreamPassword`. */
    upstreamUsername?: string;
    /** Password or access token of `upstreamUsername`. Must be a secret. */
    upstreamPassword?: pulumi.Input<string>;
    /** CA certificate (PEM) of an upstream whose certificate is from a private CA; the public roots stay trusted. */
    upstreamCaCertificate?: string;
    /** Host port the mirror is served on, at the registry's names and with its certificate. Required. */
    port: number;
    /** Who may pull: `users` or `anonymous` (see {@link MirrorAccess}). Required: the choice is the user's. */
    access: MirrorAccess;
    /**
     * Distribution 3.x only: how long cached content is kept, as a Go
     * duration (`168h`, `720h`), counted from when the mirror fetched it from the upstream: pulls
     * served from the cache do not extend it. Default: Distribution's own, 7 days. 2.8 always keeps 7 days.
     */
    ttl?: string;
    /** Where the cache lives: `volume` (a Docker volume of its own on each registry host; the only choice). Default `volume`. */
    storage?: MirrorStorage;
}

/** The mirrors part of the component's arguments. */
export interface MirrorsArgs {
    /** Pull-through caches run beside the registry, each in its own container. Default: none. */
    mirrors?: MirrorArgs[];
}

/** Docker Hub's registry URL, the default upstream. */
export const dockerHubUpstream = "https://registry-1.docker.io";
/** The registry name Docker Hub's images carry: what its mirrors are a mirror of. */
export const dockerHubName = "docker.io";
/** The hosts that mean Docker Hub in an upstream URL. */
const dockerHubHosts = ["registry-1.docker.io", "index.docker.io", "docker.io"];

/** A mirror with defaults filled in, and no secrets (only whether a password was given, and whether it was plain). */
export interface MirrorSettings {
    name: string;
    upstream: string;
    mirrorOf: string;
    upstreamUsername: string;
    /** True when `upstreamPassword` is given. */
    hasUpstreamPassword: boolean;
    /** True when `upstreamPassword` is a plain string (not a secret output): refused. */
    plainUpstreamPassword: boolean;
    upstreamCaCertificate: string;
    port: number;
    access: MirrorAccess;
    /** "" for Distribution's default. */
    ttl: string;
    storage: MirrorStorage;
}

export interface MirrorsSettings {
    mirrors: MirrorSettings[];
}

/** The `host[:port]` of an upstream URL, lower-cased; "" when it is not a URL. */
export function upstreamHost(upstream: string): string {
    try {
        return new URL(upstream).host.toLowerCase();
    } catch {
        return "";
    }
}

/** True when the upstream is Docker Hub. */
function isDockerHub(upstream: string): boolean {
    return dockerHubHosts.includes(upstreamHost(upstream));
}

/** What clients call the mirrored registry when `mirrorOf` is not given. */
function defaultMirrorOf(upstream: string): string {
    return isDockerHub(upstream) ? dockerHubName : upstreamHost(upstream);
}

/** A registry name as image references and containerd's folders spell it: lower case, no `:443`. */
function normalizedRegistryName(name: string): string {
    return typeof name === "string" ? name.toLowerCase().replace(/:443$/, "") : name;
}

export function resolveMirrors(args: MirrorsArgs): MirrorsSettings {
    return {
        mirrors: (args.mirrors ?? []).map((m) => {
            const upstream = m.upstream || dockerHubUpstream;
            return {
                name: m.name,
                upstream,
                mirrorOf: normalizedRegistryName(m.mirrorOf || defaultMirrorOf(upstream)),
                upstreamUsername: m.upstreamUsername ?? "",
                hasUpstreamPassword: isGiven(m.upstreamPassword),
                plainUpstreamPassword: typeof m.upstreamPassword === "string" && m.upstreamPassword !== "",
                upstreamCaCertificate: m.upstreamCaCertificate ?? "",
                port: m.port,
                access: m.access,
                ttl: m.ttl ?? "",
                storage: m.storage ?? "volume",
            };
        }),
    };
}
