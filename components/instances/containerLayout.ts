/**
 * Where the registry's files live inside the container. The registry:2 image reads its config
 * from this path by default and keeps data under /var/lib/registry.
 */
export const containerPaths = {
    config: "/etc/docker/registry/config.yml",
    htpasswd: "/etc/docker/registry/auth/htpasswd",
    certificate: "/etc/docker/registry/tls/server.crt",
    privateKey: "/etc/docker/registry/tls/server.key",
    data: "/var/lib/registry",
} as const;

/**
 * The container's health check: the debug listener's /debug/health, which includes the storage
 * driver check. The registry:2 image has no HEALTHCHECK of its own; its busybox `wget` does it.
 */
export function healthcheckCommand(debugPort: number): string[] {
    return ["CMD", "wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${debugPort}/debug/health`];
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
} as const;

/**
 * Labels for the container and the volume. The Docker host is among them because labels force
 * a replacement: a changed `dockerHost` then recreates both on the new host, which a changed
 * provider config alone does not do.
 */
export function registryLabels(component: string, project: string, stack: string, dockerHost: string): Record<string, string> {
    return {
        [labelKeys.managedBy]: "pulumi",
        [labelKeys.component]: component,
        [labelKeys.stack]: `${project}/${stack}`,
        [labelKeys.config]: containerPaths.config,
        [labelKeys.dockerHost]: dockerHost || "local",
    };
}
