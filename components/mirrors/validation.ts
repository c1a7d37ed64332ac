import { isDnsName, isHostAddress, registryAddress } from "../shared/hostnames";
import { portRange, Problems } from "../shared/problems";
import type { RegistryMajor } from "../version/args";
import { MirrorsSettings, mirrorAccesses, mirrorStorages, upstreamHost } from "./args";

const mirrorName = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
// Go's time.ParseDuration units a TTL needs: 168h, 90m, 1h30m.
const goDuration = /^(\d+(h|m|s))+$/;
const pemCertificate = /^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/;

/** What the mirror checks need from the other domains. */
export interface MirrorContext {
    /** The main registry's port. */
    registryPort: number;
    /** The Distribution major every container runs. */
    major: RegistryMajor | undefined;
    /** True when the registry's certificate comes from ACME (none for a mirror's port). */
    acme: boolean;
    /** Every name of the registry (hostnames, then instances'), for the addresses clients pull from. */
    names: readonly string[];
}

/** The `host[:port]` form of a registry name as image references spell it (`docker.io`, `ghcr.io`, `registry.lab:5000`). */
function isRegistryName(value: string): boolean {
    const m = /^(.+?)(?::(\d{1,5}))?$/.exec(value);
    if (!m) return false;
    const port = m[2] === undefined ? 443 : Number(m[2]);
    return port >= 1 && port <= 65535 && (isDnsName(m[1]) || isHostAddress(m[1]));
}

/** Problems of the upstream URL: a bare http(s) URL (Distribution's `proxy.remoteurl`), nothing after the host. */
function upstreamProblem(upstream: string, credentials: boolean): string | undefined {
    let url: URL;
    try {
        url = new URL(upstream);
    } catch {
        return "expected a URL such as https://registry-1.docker.io or https://ghcr.io";
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") return "expected an https:// URL";
    if (url.username || url.password) return "expected no user or password in the URL; set upstreamUsername and the secret upstreamPassword";
    if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash || !upstream.startsWith(`${url.protocol}//${url.host}`)) {
        return `expected the registry's root URL with nothing after the host (${url.protocol}//${url.host})`;
    }
    if (url.protocol === "http:" && credentials) return "expected an https:// URL: over http:// the upstream credentials would cross the network in clear text";
    return undefined;
}

/**
 * Checks the mirrors; one message per problem, naming the mirror (index and name), the setting,
 * the bad value and what is allowed.
 */
export function findMirrorProblems(s: MirrorsSettings, context: MirrorContext): string[] {
    const problems = new Problems();
    const names = s.mirrors.map((m) => String(m.name).toLowerCase());
    const ports = s.mirrors.map((m) => m.port);
    const mirrored = s.mirrors.map((m) => m.mirrorOf.toLowerCase());
    const ownAddresses = [context.registryPort, ...ports].flatMap((port) => context.names.map((name) => registryAddress(name.toLowerCase(), port)));

    s.mirrors.forEach((m, i) => {
        const at = `mirrors[${i}]${typeof m.name === "string" && m.name ? ` (${m.name})` : ""}`;
        const bad = (key: string, value: unknown, allowed: string) => problems.bad(`${at}.${key}`, value, allowed);

        if (typeof m.name !== "string" || !mirrorName.test(m.name)) {
            bad("name", m.name ?? "", "expected 1-40 lower-case letters, digits and hyphens (it names the container and volume)");
        } else if (names.indexOf(m.name.toLowerCase()) !== i) {
            bad("name", m.name, `each mirror name may be used once (also mirrors[${names.indexOf(m.name.toLowerCase())}])`);
        }

        const credentials = m.upstreamUsername !== "" || m.hasUpstreamPassword;
        const upstream = typeof m.upstream === "string" ? upstreamProblem(m.upstream, credentials) : "expected a URL";
        if (upstream) bad("upstream", m.upstream, upstream);
        if (upstream === undefined && !isRegistryName(m.mirrorOf)) {
            bad("mirrorOf", m.mirrorOf, "expected a registry name as image references spell it: docker.io, ghcr.io, registry.example.com:5000");
        } else if (upstream === undefined && mirrored.indexOf(m.mirrorOf.toLowerCase()) !== i) {
            bad("mirrorOf", m.mirrorOf, `each registry may be mirrored once (also mirrors[${mirrored.indexOf(m.mirrorOf.toLowerCase())}]); clients look one mirror up per registry`);
        } else if (upstream === undefined && ownAddresses.includes(m.mirrorOf)) {
            bad("mirrorOf", m.mirrorOf, "expected another registry than this stack's own registry or mirrors (their names and ports)");
        }

        if (m.hasUpstreamPassword && m.upstreamUsername === "") bad("upstreamUsername", "", "expected the upstream user the upstreamPassword belongs to");
        if (m.upstreamUsername !== "" && !m.hasUpstreamPassword) {
            problems.add(`${at}.upstreamPassword: missing; upstreamUsername ${JSON.stringify(m.upstreamUsername)} needs its password or token, set as a secret`);
        }
        if (m.plainUpstreamPassword) {
            problems.add(`${at}.upstreamPassword: a plain value is not allowed; expected a secret (pulumi config set --secret --path 'mirrors[${i}].upstreamPassword', or pulumi.secret(...))`);
        }
        if (m.upstreamCaCertificate !== "" && !pemCertificate.test(m.upstreamCaCertificate.trim())) {
            bad("upstreamCaCertificate", `${m.upstreamCaCertificate.slice(0, 40)}…`, "expected PEM certificates (-----BEGIN CERTIFICATE-----)");
        }

        problems.wholeNumber(`${at}.port`, m.port, portRange);
        if (m.port === context.registryPort) {
            bad("port", m.port, "expected a port of its own: the registry is served on it (port)");
        } else if (ports.indexOf(m.port) !== i) {
            bad("port", m.port, `expected a port of its own: mirrors[${ports.indexOf(m.port)}] is served on it`);
        }

        if (!mirrorAccesses.includes(m.access)) {
            bad("access", m.access ?? "", "expected users (the registry's htpasswd users) or anonymous (anyone who reaches the port; what Docker's registry-mirrors needs)");
        } else if (m.access === "anonymous" && credentials) {
            bad("access", m.access, "expected users: this mirror pulls with upstream credentials, and anonymous access would hand that account's private images to anyone who reaches the port");
        }

        if (m.ttl !== "") {
            if (!goDuration.test(m.ttl) || !/[1-9]/.test(m.ttl)) bad("ttl", m.ttl, "expected a duration above zero such as 168h, 720h or 90m");
            else if (context.major === 2) bad("ttl", m.ttl, "registry:2 ignores proxy.ttl and always keeps cached content 7 days; remove ttl, or run registry:3");
        }
        if (!mirrorStorages.includes(m.storage)) {
            bad("storage", m.storage, "expected volume: a mirror keeps its cache on a volume of its own; in the registry's S3 bucket the proxy's expiry would delete the registry's own blobs");
        }
    });
    if (s.mirrors.length > 0 && context.acme) {
        problems.add(
            `mirrors: not allowed with tlsSource acme; a mirror is served on a port of its own with the registry's certificate files, and an ACME certificate exists only inside the registry; use tlsSource generated or provided`,
        );
    }
    return problems.lines;
}

/** Settings that deploy but may not work as expected. */
export function findMirrorWarnings(s: MirrorsSettings, major: RegistryMajor | undefined): string[] {
    if (major !== 2) return [];
    return s.mirrors.flatMap((m, i) =>
        m.upstreamUsername === ""
            ? []
            : [
                  `mirrors[${i}] (${m.name}).upstreamUsername: registry:2 sends upstream credentials only to registries with token authentication (Docker Hub, ghcr.io, quay.io); an upstream with Basic authentication (${upstreamHost(m.upstream)} if it is a plain htpasswd registry) gets none. registry:3 sends them to both`,
              ],
    );
}
