/** What one client host should have: the CA files, containerd hosts.toml, logins and daemon.json entries. Pure. */
import type { ClientRuntime } from "./args";
import { dockerHubName } from "../mirrors/args";

/**
 * Where the trust lives on a client host. (daemon.json and the manifests in
 * /var/lib/private-registry are the script's own business: see clientTrust.sh.)
 */
export const trustPaths = {
    dockerCertsDir: "/etc/docker/certs.d",
    containerdCertsDir: "/etc/containerd/certs.d",
} as const;

/** A mirror a client host uses: where it is served and which registry's pulls it serves. */
export interface ClientMirror {
    /** The mirror's addresses (`host:port`), like the registry's: trusted, and logged in to when it serves the registry's users. */
    addresses: string[];
    /** The registry it mirrors, as image references name it (`docker.io`, `ghcr.io`). */
    mirrorOf: string;
    /** That registry's own URL, where containerd falls back to when the mirror fails (`https://registry-1.docker.io`). */
    server: string;
    /** True when it serves the registry's users (a login is needed), false when anyone may pull. */
    needsLogin: boolean;
}

/** What a mirror does for containerd: it serves pulls, never pushes. */
const mirrorCapabilities = ["pull", "resolve"] as const;


/** What one client host should trust and do, in plain values. */
export interface TrustSettings {
    /** Unique per stack, component and client; names the host-side manifest. See {@link trustOwner}. */
    owner: string;
    /** Registry addresses as Docker writes them (`host:port`, `[v6]:port`). */
    addresses: string[];
    /** The CA to install; undefined when the registry's certificate is from a public CA. */
    caCertificatePem: string | undefined;
    runtimes: ClientRuntime[];
    /** Registry user to `docker login` with, or "" for none. */
    dockerLogin: string;
    /** Legacy: list the addresses in daemon.json's insecure-registries. */
    insecureRegistry: boolean;
    /** The mirrors this host pulls through; empty leaves its mirror settings alone. */
    mirrors: ClientMirror[];
    /**
     * How long `docker login` may keep failing before the run fails, in seconds: an ACME
     * registry orders its certificate on the first connection, and the CA may take longer than
     * Docker's 10 s TLS handshake timeout. 0 fails on the first error.
     */
    loginWaitSeconds: number;
}

/** A file the script writes: absolute path on the host, octal mode, content. */
export interface PlannedFile {
    path: string;
    mode: string;
    content: string;
}

/** Everything the script makes true on the host; the script removes what it owned beyond this. */
export interface TrustPlan {
    owner: string;
    /** Directories to create if missing, parents before children. */
    dirs: string[];
    files: PlannedFile[];
    /** Addresses for daemon.json's insecure-registries (legacy mode). */
    insecureRegistries: string[];
    /** URLs for daemon.json's registry-mirrors: the Docker Hub mirror, for Docker. */
    registryMirrors: string[];
    /** Addresses to `docker login` to, as {@link loginUser}. */
    logins: string[];
    loginUser: string;
    /** See {@link TrustSettings.loginWaitSeconds}. */
    loginWaitSeconds: number;
    /** Set when containerd is configured: the script checks that containerd reads this folder. */
    containerdCertsDir: string;
}

const ownerUnsafe = /[^A-Za-z0-9._-]/g;

/** The manifest name of one client's trust: `<project>.<stack>.<component>.<client>`, file-name safe. */
export function trustOwner(project: string, stack: string, component: string, client: string): string {
    return [project, stack, component, client].map((part) => part.replace(ownerUnsafe, "_")).join(".");
}

/**
 * containerd's `hosts.toml` for one registry address: the server and its CA, or no CA for a
 * publicly trusted certificate (containerd then checks it against the system's roots). The
 * explicit `[host]` table (not only the top-level `ca`) avoids containerd#10027, where a
 * top-level-only file was ignored for some lookups.
 */
export function renderHostsToml(address: string, caPath: string | undefined, capabilities: readonly string[] = ["pull", "resolve", "push"]): string {
    return hostsToml(`https://${address}`, [{ url: `https://${address}`, capabilities, caPath }]);
}

/**
 * containerd's `hosts.toml` for a mirrored registry (`certs.d/<mirrorOf>/hosts.toml`): pulls go
 * to the mirror first, then to the registry itself (`server`) if the mirror fails.
 */
export function renderMirrorHostsToml(server: string, mirrorAddress: string, caPath: string | undefined): string {
    return hostsToml(server, [{ url: `https://${mirrorAddress}`, capabilities: mirrorCapabilities, caPath }]);
}

function hostsToml(server: string, hosts: { url: string; capabilities: readonly string[]; caPath: string | undefined }[]): string {
    return [
        "# Written by the private-registry Pulumi stack; `pulumi destroy` removes it.",
        `server = "${server}"`,
        ...hosts.flatMap((h) => [
            "",
            `[host."${h.url}"]`,
            `  capabilities = [${h.capabilities.map((c) => `"${c}"`).join(", ")}]`,
            ...(h.caPath === undefined ? [] : [`  ca = "${h.caPath}"`]),
        ]),
        "",
    ].join("\n");
}

/** The `daemon.json` entry Docker needs for a Docker Hub mirror (`registry-mirrors`), or undefined for other registries. */
export function dockerRegistryMirror(mirror: Pick<ClientMirror, "addresses" | "mirrorOf">): string | undefined {
    return mirror.mirrorOf === dockerHubName ? `https://${mirror.addresses[0]}` : undefined;
}

/** The directories, files, logins and daemon.json entries one client host should have. */
export function planTrust(s: TrustSettings): TrustPlan {
    const dirs: string[] = [];
    const files: PlannedFile[] = [];
    const ca = s.caCertificatePem;
    const addDir = (path: string) => {
        if (!dirs.includes(path)) dirs.push(path);
    };
    const pem = ca === undefined || ca.endsWith("\n") ? ca : `${ca}\n`;
    // Mirrors are served with the registry's certificate: their addresses are trusted alike.
    const trusted = [...s.addresses, ...s.mirrors.flatMap((m) => m.addresses)];
    // A publicly trusted certificate needs no CA file: Docker checks it against the system's roots.
    if (pem !== undefined && s.runtimes.includes("docker")) {
        ["/etc/docker", trustPaths.dockerCertsDir].forEach(addDir);
        for (const address of trusted) {
            // Docker reads every *.crt in certs.d/<host:port>/ as a CA for that registry, per request.
            addDir(`${trustPaths.dockerCertsDir}/${address}`);
            files.push({ path: `${trustPaths.dockerCertsDir}/${address}/ca.crt`, mode: "0644", content: pem });
        }
    }
    // containerd gets its hosts.toml either way: it names the registry's server and capabilities.
    if (s.runtimes.includes("containerd")) {
        ["/etc/containerd", trustPaths.containerdCertsDir].forEach(addDir);
        const caPathOf = (address: string) => (pem === undefined ? undefined : `${trustPaths.containerdCertsDir}/${address}/ca.crt`);
        for (const address of trusted) {
            const dir = `${trustPaths.containerdCertsDir}/${address}`;
            addDir(dir);
            if (pem !== undefined) files.push({ path: `${dir}/ca.crt`, mode: "0644", content: pem });
            // A mirror refuses pushes (proxy mode): containerd is told so.
            const capabilities = s.addresses.includes(address) ? undefined : mirrorCapabilities;
            files.push({ path: `${dir}/hosts.toml`, mode: "0644", content: renderHostsToml(address, caPathOf(address), capabilities) });
        }
        // The mirrored registry's folder sends its pulls to the mirror first.
        for (const m of s.mirrors) {
            const dir = `${trustPaths.containerdCertsDir}/${m.mirrorOf}`;
            addDir(dir);
            files.push({ path: `${dir}/hosts.toml`, mode: "0644", content: renderMirrorHostsToml(m.server, m.addresses[0], caPathOf(m.addresses[0])) });
        }
    }
    const docker = s.runtimes.includes("docker");
    return {
        owner: s.owner,
        dirs,
        files,
        insecureRegistries: s.insecureRegistry ? [...s.addresses] : [],
        registryMirrors: docker ? s.mirrors.flatMap((m) => dockerRegistryMirror(m) ?? []) : [],
        logins: s.dockerLogin ? [...s.addresses, ...s.mirrors.filter((m) => m.needsLogin).flatMap((m) => m.addresses)] : [],
        loginUser: s.dockerLogin,
        loginWaitSeconds: s.dockerLogin ? s.loginWaitSeconds : 0,
        containerdCertsDir: s.runtimes.includes("containerd") ? trustPaths.containerdCertsDir : "",
    };
}

/** The plan that wants nothing: running it removes everything the owner wrote. */
export function emptyPlan(owner: string): TrustPlan {
    return { owner, dirs: [], files: [], insecureRegistries: [], registryMirrors: [], logins: [], loginUser: "", loginWaitSeconds: 0, containerdCertsDir: "" };
}
