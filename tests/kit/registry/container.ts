/**
 * Runs a registry container on the real Docker engine from the exact `docker.Container` inputs
 * the component declared: created through the Engine API (as the docker provider does, so the
 * exec-form health check, port bindings, restart policy, labels and log options are the same),
 * uploads copied in as a tar at `/`, then started.
 */
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type * as docker from "@pulumi/docker";
import type * as pulumi from "@pulumi/pulumi";
import { Docker, docker as localDocker, engine } from "../docker";
import { withTempDir } from "../host/tempDirs";

export type ContainerInputs = pulumi.Unwrap<docker.ContainerArgs>;

/** Docker duration strings ("15s", "1m") in nanoseconds, as the Engine API wants them. */
function nanoseconds(duration: string | undefined): number | undefined {
    if (duration === undefined) return undefined;
    const m = /^(\d+)(ms|s|m|h)$/.exec(duration);
    if (!m) throw new Error(`unsupported duration ${duration}`);
    const unit = { ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 }[m[2] as "ms" | "s" | "m" | "h"];
    return Number(m[1]) * unit;
}

/** The Engine API body for the container the provider would create from these inputs. */
function createBody(c: ContainerInputs) {
    const ports = c.ports ?? [];
    return {
        Image: c.image,
        ...(c.entrypoints ? { Entrypoint: c.entrypoints } : {}),
        ...(c.command ? { Cmd: c.command } : {}),
        Env: c.envs ?? [],
        Labels: Object.fromEntries((c.labels ?? []).map((l) => [l.label, l.value])),
        ExposedPorts: Object.fromEntries(ports.map((p) => [`${p.internal}/${p.protocol ?? "tcp"}`, {}])),
        Healthcheck: c.healthcheck && {
            Test: c.healthcheck.tests,
            Interval: nanoseconds(c.healthcheck.interval),
            Timeout: nanoseconds(c.healthcheck.timeout),
            Retries: c.healthcheck.retries,
            StartPeriod: nanoseconds(c.healthcheck.startPeriod),
        },
        HostConfig: {
            PortBindings: Object.fromEntries(
                ports.map((p) => [`${p.internal}/${p.protocol ?? "tcp"}`, [{ HostIp: p.ip ?? "", HostPort: String(p.external ?? "") }]]),
            ),
            RestartPolicy: { Name: c.restart ?? "no" },
            Binds: (c.volumes ?? []).map((v) => `${v.volumeName}:${v.containerPath}`),
            LogConfig: { Type: c.logDriver ?? "json-file", Config: c.logOpts ?? {} },
        },
    };
}

/** Copies uploads into a created container the provider's way: one tar extracted at `/`. */
async function upload(cli: Docker, container: string, uploads: NonNullable<ContainerInputs["uploads"]>): Promise<void> {
    return withTempDir("registry-uploads-", async (staging) => {
        for (const u of uploads) {
            const path = join(staging, u.file);
            await mkdir(dirname(path), { recursive: true });
            await writeFile(path, u.content ?? "");
            await chmod(path, parseInt(u.permissions ?? "0644", 8));
        }
        await cli.pipeTar(staging, "cp", "-", `${container}:/`);
    });
}

export interface RunOptions {
    /** `host` runs the container in the host's network (no published ports), for the benchmark's comparison. */
    network?: "published" | "host";
    /** Another daemon's socket (a throwaway dockerd); the machine's own when undefined. */
    socket?: string;
    /** False: return once started, for a container that is not meant to become healthy. Default true. */
    waitUntilHealthy?: boolean;
}

/** Creates, fills and starts the container; returns once Docker reports it healthy (unless `waitUntilHealthy` is false). */
export async function runContainer(c: ContainerInputs, options: RunOptions = {}): Promise<void> {
    if (!c.name) throw new Error("container inputs need a name");
    const body = createBody(c);
    const hostNetwork = { ExposedPorts: {}, HostConfig: { ...body.HostConfig, NetworkMode: "host", PortBindings: {} } };
    const cli = options.socket === undefined ? localDocker : new Docker(undefined, `unix://${options.socket}`);
    const created = await engine("POST", `/containers/create?name=${encodeURIComponent(c.name)}`, options.network === "host" ? { ...body, ...hostNetwork } : body, options.socket);
    if (created.status !== 201) throw new Error(`container create failed (${created.status}): ${created.body}`);
    await upload(cli, c.name, c.uploads ?? []);
    await cli.cli("start", c.name);
    if (options.waitUntilHealthy !== false) await waitForHealth(c.name, 60_000, cli);
}

export async function waitForHealth(name: string, withinMs: number, cli: Docker = localDocker): Promise<void> {
    const deadline = Date.now() + withinMs;
    let status = "";
    while (Date.now() < deadline) {
        status = await cli.cli("inspect", "-f", "{{.State.Health.Status}}", name);
        if (status === "healthy") return;
        await new Promise((r) => setTimeout(r, 500));
    }
    const logs = await cli.cli("logs", "--tail", "30", name).catch((e: Error) => e.message);
    throw new Error(`container ${name} not healthy after ${withinMs} ms (status ${status}); logs:\n${logs}`);
}

/**
 * Removes a container and volume if they exist (stale ones from an earlier run, or ours); S3
 * instances have no volume. `-v`: the anonymous volume the image's VOLUME gave a container
 * without a data volume goes with it.
 */
export async function removeContainerAndVolume(container: string, volume: string | undefined): Promise<void> {
    await localDocker.cli("rm", "-f", "-v", container).catch(() => undefined);
    if (volume !== undefined) await localDocker.cli("volume", "rm", "-f", volume).catch(() => undefined);
}
