/** What the component says about its mirrors: to its client hosts, and in the `mirrors` output. */
import * as pulumi from "@pulumi/pulumi";
import { ClientMirror, dockerRegistryMirror, renderMirrorHostsToml, trustPaths } from "../clientTrust/plan";
import { registryAddress } from "../shared/hostnames";
import { dockerHubName, dockerHubUpstream, MirrorAccess, MirrorSettings, upstreamHost } from "./args";
import { DeclaredMirror, mirrorVolumeName } from "./resources";

/** One mirror, in the `mirrors` output: where it is, and what a client host outside the stack needs to use it. */
export interface RegistryMirrorSummary {
    /** The registry it caches, as a URL. */
    upstream: string;
    /** The registry it serves pulls of, as image references name it (`docker.io`). */
    mirrorOf: string;
    /** `<first hostname>:<port>`. */
    address: string;
    /** `https://<address>`. */
    url: string;
    /** Every address of the mirror: `<hostname>:<port>` for each hostname, then each instance's. */
    addresses: string[];
    /** `users` (the registry's users log in) or `anonymous`. */
    access: MirrorAccess;
    /** Its container on each registry host. */
    containerName: string;
    /** Its cache volume on each registry host (removed with the mirror). */
    volumeName: string;
    /** For a Docker Hub mirror: the `registry-mirrors` entry of Docker's `daemon.json`; undefined otherwise (Docker mirrors only Docker Hub). */
    dockerRegistryMirror: string | undefined;
    /** containerd: the `hosts.toml` that sends pulls of `mirrorOf` to the mirror, with the CA path used by the stack's client hosts. */
    containerdHostsToml: { path: string; content: string };
}

/** Each mirror as the client hosts use it, by name: at every registry name, on its own port. */
export function clientMirrors(mirrors: readonly MirrorSettings[], hostnames: readonly string[]): Record<string, ClientMirror> {
    return Object.fromEntries(
        mirrors.map((m) => [
            m.name,
            {
                addresses: hostnames.map((host) => registryAddress(host, m.port)),
                mirrorOf: m.mirrorOf,
                server: mirroredServer(m),
                needsLogin: m.access === "users",
            },
        ]),
    );
}

/**
 * The mirrored registry's own URL, for containerd to fall back to: Docker Hub's registry for
 * `docker.io`, the upstream itself (with its scheme) when it is that registry, else `https://<mirrorOf>`.
 */
function mirroredServer(m: MirrorSettings): string {
    if (m.mirrorOf === dockerHubName) return dockerHubUpstream;
    return upstreamHost(m.upstream) === m.mirrorOf ? m.upstream : `https://${m.mirrorOf}`;
}

/** The `mirrors` output: per mirror, where it is and the settings a host outside the stack needs. */
export function mirrorSummaries(
    declared: readonly DeclaredMirror[],
    forClients: Record<string, ClientMirror>,
    caCertificatePem: pulumi.Output<string | undefined>,
    dataVolumeName: string,
): pulumi.Output<Record<string, RegistryMirrorSummary>> {
    return pulumi.all([caCertificatePem, ...declared.map((m) => m.containers[0].name)]).apply(([caPem, ...names]) =>
        Object.fromEntries(
            declared.map((m, i) => {
                const client = forClients[m.settings.name];
                const address = client.addresses[0];
                // The path the stack's own client hosts get the CA at; without a CA, none.
                const caPath = caPem === undefined ? undefined : `${trustPaths.containerdCertsDir}/${address}/ca.crt`;
                const summary: RegistryMirrorSummary = {
                    upstream: m.settings.upstream,
                    mirrorOf: m.settings.mirrorOf,
                    address,
                    url: `https://${address}`,
                    addresses: client.addresses,
                    access: m.settings.access,
                    containerName: names[i] as string,
                    volumeName: mirrorVolumeName(dataVolumeName, m.settings.name),
                    dockerRegistryMirror: dockerRegistryMirror(client),
                    containerdHostsToml: {
                        path: `${trustPaths.containerdCertsDir}/${m.settings.mirrorOf}/hosts.toml`,
                        content: renderMirrorHostsToml(client.server, address, caPath),
                    },
                };
                return [m.settings.name, summary];
            }),
        ),
    );
}
