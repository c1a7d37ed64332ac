import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ClientRuntime } from "./args";

/**
 * Where the trust lives on a client host. (daemon.json and the manifests in
 * /var/lib/private-registry are the script's own business: see clientTrust.sh.)
 */
export const trustPaths = {
    dockerCertsDir: "/etc/docker/certs.d",
    containerdCertsDir: "/etc/containerd/certs.d",
} as const;

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
    /** Addresses to `docker login` to, as {@link loginUser}. */
    logins: string[];
    loginUser: string;
    /** Set when containerd is configured: the script checks that containerd reads this folder. */
    containerdCertsDir: string;
}

const ownerUnsafe = /[^A-Za-z0-9._-]/g;

/** The manifest name of one client's trust: `<project>.<stack>.<component>.<client>`, file-name safe. */
export function trustOwner(project: string, stack: string, component: string, client: string): string {
    return [project, stack, component, client].map((part) => part.replace(ownerUnsafe, "_")).join(".");
}

/**
 * containerd's `hosts.toml` for one registry address: the server and its CA. The explicit
 * `[host]` table (not only the top-level `ca`) avoids containerd#10027, where a top-level-only
 * file was ignored for some lookups.
 */
export function renderHostsToml(address: string, caPath: string): string {
    return [
        "# Written by the private-registry Pulumi stack; `pulumi destroy` removes it.",
        `server = "https://${address}"`,
        "",
        `[host."https://${address}"]`,
        '  capabilities = ["pull", "resolve", "push"]',
        `  ca = "${caPath}"`,
        "",
    ].join("\n");
}

/** The directories, files, logins and daemon.json entries one client host should have. */
export function planTrust(s: TrustSettings): TrustPlan {
    const dirs: string[] = [];
    const files: PlannedFile[] = [];
    const ca = s.caCertificatePem;
    const addDir = (path: string) => {
        if (!dirs.includes(path)) dirs.push(path);
    };
    if (ca !== undefined) {
        const pem = ca.endsWith("\n") ? ca : `${ca}\n`;
        if (s.runtimes.includes("docker")) {
            ["/etc/docker", trustPaths.dockerCertsDir].forEach(addDir);
            for (const address of s.addresses) {
                // Docker reads every *.crt in certs.d/<host:port>/ as a CA for that registry, per request.
                addDir(`${trustPaths.dockerCertsDir}/${address}`);
                files.push({ path: `${trustPaths.dockerCertsDir}/${address}/ca.crt`, mode: "0644", content: pem });
            }
        }
        if (s.runtimes.includes("containerd")) {
            ["/etc/containerd", trustPaths.containerdCertsDir].forEach(addDir);
            for (const address of s.addresses) {
                const dir = `${trustPaths.containerdCertsDir}/${address}`;
                addDir(dir);
                files.push({ path: `${dir}/ca.crt`, mode: "0644", content: pem });
                files.push({ path: `${dir}/hosts.toml`, mode: "0644", content: renderHostsToml(address, `${dir}/ca.crt`) });
            }
        }
    }
    return {
        owner: s.owner,
        dirs,
        files,
        insecureRegistries: s.insecureRegistry ? [...s.addresses] : [],
        logins: s.dockerLogin ? [...s.addresses] : [],
        loginUser: s.dockerLogin,
        containerdCertsDir: s.runtimes.includes("containerd") && ca !== undefined ? trustPaths.containerdCertsDir : "",
    };
}

/** The plan that wants nothing: running it removes everything the owner wrote. */
export function emptyPlan(owner: string): TrustPlan {
    return { owner, dirs: [], files: [], insecureRegistries: [], logins: [], loginUser: "", containerdCertsDir: "" };
}

/** POSIX shell single-quoting. */
export function shellQuote(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

let body: string | undefined;
function scriptBody(): string {
    body ??= readFileSync(join(__dirname, "clientTrust.sh"), "utf8");
    return body;
}

export interface RenderOptions {
    /**
     * Prefix for every host path, so tests can run the script against a folder instead of `/`.
     * Default "" (the real host).
     */
    root?: string;
}

/** The whole bash script for one host: the plan as shell variables, then the fixed body (`clientTrust.sh`). */
function renderScript(action: "apply" | "remove", p: TrustPlan, options: RenderOptions): string {
    const list = (values: string[]) => `(${values.map(shellQuote).join(" ")})`;
    // Each distinct content once (the CA goes to several paths), so the script stays small.
    const contents = [...new Set(p.files.map((f) => f.content))];
    const fileSpecs = p.files.map((f) => `${f.path}|${f.mode}|${contents.indexOf(f.content)}`);
    return [
        "set -euo pipefail",
        `# private-registry: ${action === "apply" ? "trust the registry" : "remove the registry's trust"} on this host. Generated by Pulumi; do not edit.`,
        `ACTION=${action}`,
        `OWNER=${shellQuote(p.owner)}`,
        `ROOT=${shellQuote(options.root ?? "")}`,
        `DIRS=${list(p.dirs)}`,
        `FILES=${list(fileSpecs)}`,
        `CONTENTS=${list(contents.map((c) => Buffer.from(c).toString("base64")))}`,
        `INSECURE=${list(p.insecureRegistries)}`,
        `LOGINS=${list(p.logins)}`,
        `LOGIN_USER=${shellQuote(p.loginUser)}`,
        `CONTAINERD_CERTS_DIR=${shellQuote(p.containerdCertsDir)}`,
        scriptBody(),
    ].join("\n");
}

/** The script that makes the host match the plan (create, and every re-run). */
export function renderApplyScript(plan: TrustPlan, options: RenderOptions = {}): string {
    return renderScript("apply", plan, options);
}

/** The script that removes everything the owner wrote on the host (delete): it wants nothing. */
export function renderRemoveScript(owner: string, options: RenderOptions = {}): string {
    return renderScript("remove", emptyPlan(owner), options);
}

/**
 * The command line the SSH server runs: the script as one `bash -c` argument, so it works
 * from any POSIX login shell and leaves stdin free for the registry password.
 */
export function remoteCommand(script: string): string {
    return `bash -c ${shellQuote(script)} private-registry-trust`;
}
