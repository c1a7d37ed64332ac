import type { RegistryMajor } from "../version/args";

/** Paths of the registry's files inside its container. */
export interface ContainerPaths {
    config: string;
    htpasswd: string;
    certificate: string;
    privateKey: string;
    data: string;
    /** With ACME: the folder of the account key and the issued certificates (a volume of its own). */
    acmeCache: string;
    /** With a private ACME CA: the folder of its CA certificates, which the registry trusts beside the system's. */
    acmeCaFolder: string;
    /** On a mirror whose upstream has a private CA: the folder of that CA, trusted beside the system's. */
    upstreamCaFolder: string;
}

/** The folder of each major's config: where its official image keeps (and by default serves) it. */
const configFolders: Record<RegistryMajor, string> = { 2: "/etc/docker/registry", 3: "/etc/distribution" };

/**
 * Where the registry's files live inside the container: beside the image's own config (registry:2
 * keeps it in /etc/docker/registry, registry:3 in /etc/distribution); data under /var/lib/registry,
 * the ACME cache beside it (not inside: it is a volume of its own, also with S3 storage).
 */
export function containerPaths(major: RegistryMajor): ContainerPaths {
    const folder = configFolders[major];
    return {
        config: `${folder}/config.yml`,
        htpasswd: `${folder}/auth/htpasswd`,
        certificate: `${folder}/tls/server.crt`,
        privateKey: `${folder}/tls/server.key`,
        data: "/var/lib/registry",
        acmeCache: "/var/lib/registry-acme",
        acmeCaFolder: `${folder}/acme-ca`,
        upstreamCaFolder: `${folder}/upstream-ca`,
    };
}

/**
 * The container's command: serve the config the component uploaded. Never the image's default
 * command, which serves the image's own config (plain HTTP, no auth). The official images'
 * entrypoint prefixes `registry`; the stand-ins' too.
 */
export function registryCommand(major: RegistryMajor): string[] {
    return ["serve", containerPaths(major).config];
}

/**
 * The container's health check: the debug listener's /debug/health, which includes the storage
 * driver check. The registry:2 image has no HEALTHCHECK of its own; its busybox `wget` does it.
 */
export function healthcheckCommand(debugPort: number): string[] {
    return ["CMD", "wget", "-q", "-O", "/dev/null", healthUrl(debugPort)];
}

/** The debug listener's health endpoint, as seen inside the container. */
export function healthUrl(debugPort: number): string {
    return `http://127.0.0.1:${debugPort}/debug/health`;
}

/** Timing of the health check, in Docker's duration syntax. */
export const healthcheckTiming = {
    interval: "10s",
    timeout: "5s",
    retries: 3,
    startPeriod: "10s",
} as const;

/** Label keys that mark a container or volume as this product's, for operators and tools (config-path says where the config is). */
export const labelKeys = {
    managedBy: "private-registry.managed-by",
    component: "private-registry.component",
    stack: "private-registry.stack",
    config: "private-registry.config-path",
    dockerHost: "private-registry.docker-host",
    /** Only on listed instances: the instance's name. */
    instance: "private-registry.instance",
    /** Only on a mirror's container and volume: the mirror's name (`npm run gc` leaves mirrors alone). */
    mirror: "private-registry.mirror",
} as const;

/**
 * Labels for the container and the volume. The Docker host is among them because labels force
 * a replacement: a changed `dockerHost` then recreates both on the new host, which a changed
 * provider config alone does not do.
 */
export function registryLabels(component: string, project: string, stack: string, dockerHost: string, major: RegistryMajor): Record<string, string> {
    return {
        [labelKeys.managedBy]: "pulumi",
        [labelKeys.component]: component,
        [labelKeys.stack]: `${project}/${stack}`,
        [labelKeys.config]: containerPaths(major).config,
        [labelKeys.dockerHost]: dockerHost || "local",
    };
}
