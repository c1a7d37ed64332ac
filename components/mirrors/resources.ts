/** Each mirror's container and cache volume on every registry host, with its own proxy-mode config. */
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { containerPaths, labelKeys } from "../instances/containerLayout";
import { declareRegistryContainer, InstanceHost, registryUploads } from "../instances/resources";
import { mirrorConfigOutput } from "../registryConfig/resources";
import { registryEnvironment } from "../registryConfig/environment";
import type { RegistryConfigSettings } from "../registryConfig/args";
import type { MirrorArgs, MirrorSettings } from "./args";

/** What every mirror shares with the registry: its settings, secret, users and certificate. */
export interface MirrorShared {
    registryConfig: RegistryConfigSettings;
    httpSecret: pulumi.Output<string>;
    htpasswd: pulumi.Output<string>;
    certificate: { certificatePem: pulumi.Output<string>; privateKeyPem: pulumi.Output<string> };
}

/** What one mirror declared on every host. */
export interface DeclaredMirror {
    settings: MirrorSettings;
    /** The proxy-mode config (secret). */
    config: pulumi.Output<string>;
    containers: docker.Container[];
    volumes: docker.Volume[];
}

/** `<containerName>-mirror-<name>`: beside the registry's container, on every host. */
function mirrorContainerName(containerName: string, mirror: string): string {
    return `${containerName}-mirror-${mirror}`;
}

/** `<dataVolumeName>-mirror-<name>`: beside the registry's data volume, on every host. */
export function mirrorVolumeName(dataVolumeName: string, mirror: string): string {
    return `${dataVolumeName}-mirror-${mirror}`;
}

/**
 * Declares every mirror on every registry host: a cache volume (removed with the mirror: it
 * holds only copies of upstream content) and a registry container in proxy mode, serving the
 * registry's certificate on the mirror's port.
 */
export function declareMirrors(
    mirrors: MirrorSettings[],
    args: readonly MirrorArgs[] | undefined,
    shared: MirrorShared,
    hosts: InstanceHost[],
): DeclaredMirror[] {
    return mirrors.map((m, i) => {
        // Inside its container a mirror listens on the registry's port, which validation keeps apart
        // from the debug listener's; the host publishes it on the mirror's own port.
        const config = mirrorConfigOutput(shared.registryConfig, hosts[0].major, shared.httpSecret, {
            port: hosts[0].port,
            upstream: m.upstream,
            upstreamUsername: m.upstreamUsername,
            // Secret even if handed in plain (validation refuses that; this is the second lock).
            upstreamPassword: m.hasUpstreamPassword && args?.[i].upstreamPassword !== undefined ? pulumi.secret(args[i].upstreamPassword) : undefined,
            ttl: m.ttl,
            anonymous: m.access === "anonymous",
        });
        const containers: docker.Container[] = [];
        const volumes: docker.Volume[] = [];
        for (const host of hosts) {
            const paths = containerPaths(host.major);
            const labels = { ...host.labels, [labelKeys.mirror]: m.name };
            // Labels are ignored like the data volume's: Docker hands back an existing volume of the
            // name with its old labels. A replacement (a new host) goes delete-first: the name is fixed.
            const volume = new docker.Volume(
                host.resourceName(`mirror-${m.name}-cache`),
                { name: mirrorVolumeName(host.deployment.dataVolumeName, m.name), labels: Object.entries(labels).map(([label, value]) => ({ label, value })) },
                { ...host.opts, ...host.aliases(`mirror-${m.name}-cache`), ignoreChanges: ["labels"], deleteBeforeReplace: true },
            );
            const upstreamCa = m.upstreamCaCertificate ? paths.upstreamCaFolder : undefined;
            containers.push(
                declareRegistryContainer(host, {
                    role: `mirror-${m.name}-container`,
                    containerName: mirrorContainerName(host.deployment.containerName, m.name),
                    port: host.port,
                    hostPort: m.port,
                    environment: registryEnvironment(shared.registryConfig, host.major, upstreamCa),
                    mounts: [{ volumeName: volume.name, containerPath: paths.data }],
                    uploads: registryUploads(paths, {
                        config,
                        htpasswd: m.access === "users" ? shared.htpasswd : undefined,
                        certificate: shared.certificate,
                        upstreamCaCertificatePem: m.upstreamCaCertificate ? pulumi.output(m.upstreamCaCertificate) : undefined,
                    }),
                    extraLabels: { [labelKeys.mirror]: m.name },
                }, host.aliases(`mirror-${m.name}-container`)),
            );
            volumes.push(volume);
        }
        return { settings: m, config, containers, volumes };
    });
}
