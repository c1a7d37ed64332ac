/**
 * The registry containers' log settings, and the state migration that keeps the Docker
 * daemon's own log defaults out of the next diff.
 *
 * Why: the docker provider reads `logOpts` back from `docker inspect`, and Docker merges the
 * daemon's `log-opts` (daemon.json) into every container that uses the daemon's default
 * driver. A host whose daemon.json sets `compress`, `mode`, `tag`, … then shows keys the
 * program never sent; `logOpts` forces a new container, so every `up` would replace the
 * registry (kreuzwerker/terraform-provider-docker issues 340, 473, 873). `ignoreChanges`
 * cannot help: the engine would also create a replacement with the old limits.
 * docs/provider-behaviour.md has the whole story.
 */
import type { DeploymentSettings } from "./args";

/** The container's logging, as the program sends it (`docker.Container` `logDriver`, `logOpts`). */
export interface ContainerLogging {
    logDriver: "json-file";
    logOpts: Record<string, string>;
}

/** Rotated json-file logs: `logMaxSize` per file, `logMaxFiles` files. */
export function containerLogging(s: Pick<DeploymentSettings, "logMaxSize" | "logMaxFiles">): ContainerLogging {
    return { logDriver: "json-file", logOpts: { "max-size": s.logMaxSize, "max-file": String(s.logMaxFiles) } };
}

/** A resource in Pulumi's checkpoint format, as a state migration receives it (only what is read here). */
interface CheckpointResource {
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    [key: string]: unknown;
}

function stringMap(value: unknown): Record<string, unknown> | undefined {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * The container's prior state with the log options the program did not send removed from
 * its recorded outputs: what Docker added from the daemon's defaults. Keys the program sent
 * stay as Docker reported them, so a changed limit still differs and still replaces the
 * container. Undefined when there is nothing to remove (the state stays as it is).
 */
export function withoutDaemonLogDefaults(prior: CheckpointResource): CheckpointResource | undefined {
    const sent = stringMap(prior.inputs?.logOpts);
    const recorded = stringMap(prior.outputs?.logOpts);
    if (sent === undefined || recorded === undefined) return undefined;
    const added = Object.keys(recorded).filter((key) => !(key in sent));
    if (added.length === 0) return undefined;
    const kept = Object.fromEntries(Object.entries(recorded).filter(([key]) => key in sent));
    return { ...prior, outputs: { ...prior.outputs, logOpts: kept } };
}
