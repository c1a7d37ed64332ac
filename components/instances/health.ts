/**
 * What a failed `pulumi up` says when a registry container never became healthy.
 *
 * The docker provider waits for the health check (`wait: true`) and then fails with only
 * "container failed to be in healthy state". The container is recorded with an
 * initialization error; `replaceOnChanges: ["*"]` makes the next `up` replace it and wait
 * again, so a registry that never became healthy fails every `up` until it does.
 */
import { healthUrl } from "./containerLayout";

/** The provider's error when the health wait times out (kreuzwerker/terraform-provider-docker, errContainerFailedToBeInHealthyState). */
const unhealthyErrorText = "container failed to be in healthy state";

/** How long `up` waits for a registry container's health check, in seconds. */
export const healthWaitSeconds = 120;

/** The container the advice is about. */
export interface UnhealthyContainer {
    containerName: string;
    /** "" for the local daemon. */
    dockerHost: string;
    debugPort: number;
}

/** True when one of an operation's errors is the provider's failed health wait. */
export function isUnhealthyFailure(errors: readonly string[]): boolean {
    return errors.some((e) => e.includes(unhealthyErrorText));
}

/** What to look at and how to recover, for an operator reading the failed `up`. */
export function unhealthyAdvice(c: UnhealthyContainer): string {
    const docker = c.dockerHost ? `docker -H ${c.dockerHost}` : "docker";
    // tcp:// daemons want the TLS flags the operator uses for them; ssh:// and the default daemon need none.
    const tlsNote = c.dockerHost.startsWith("tcp://") ? " (with your --tlsverify flags for that daemon)" : "";
    return [
        `Registry container ${c.containerName} did not become healthy within ${healthWaitSeconds} s ` +
            `(${c.dockerHost ? `Docker host ${c.dockerHost}` : "the default Docker daemon: DOCKER_HOST or the local socket"}). ` +
            `It is left in place to inspect${tlsNote}:`,
        `  ${docker} logs ${c.containerName}    # the registry's own error: config, storage, certificate, port`,
        `  ${docker} inspect --format '{{json .State.Health}}' ${c.containerName}    # the health check's last answers`,
        `  ${docker} exec ${c.containerName} wget -q -O - ${healthUrl(c.debugPort)}    # the health endpoint itself (storage included)`,
        "Fix the cause (stack config, or the storage and network the registry needs), then run `pulumi up` again: " +
            "it replaces this container and waits again, and fails again until the registry is healthy.",
    ].join("\n");
}
