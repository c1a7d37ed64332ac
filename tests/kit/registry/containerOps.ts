/**
 * What the reliability tests do to a running registry container from the host: read its state,
 * wait for a change of it, kill its main process, swap a file in it, and read its log.
 */
import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { docker, dockerCli } from "../docker";
import { withTempDir } from "../host/tempDirs";

export interface ContainerState {
    id: string;
    running: boolean;
    pid: number;
    restartCount: number;
    startedAt: string;
    health: string;
}

export async function containerState(name: string): Promise<ContainerState> {
    const format = "{{json .Id}} {{json .State.Running}} {{json .State.Pid}} {{json .RestartCount}} {{json .State.StartedAt}} {{json .State.Health.Status}}";
    const [id, running, pid, restartCount, startedAt, health] = (await dockerCli("inspect", "-f", format, name))
        .split(" ")
        .map((v) => JSON.parse(v) as unknown);
    return {
        id: String(id),
        running: running === true,
        pid: Number(pid),
        restartCount: Number(restartCount),
        startedAt: String(startedAt),
        health: String(health),
    };
}

/** Polls until `check` returns a value; throws with the last state after `withinMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, withinMs = 30_000): Promise<T> {
    const deadline = Date.now() + withinMs;
    while (Date.now() < deadline) {
        const value = await check();
        if (value !== undefined) return value;
        await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`timed out after ${withinMs} ms waiting for ${what}`);
}

/** SIGKILLs the container's main process (the registry) from the host, as the OOM killer would. */
export async function killMainProcess(name: string): Promise<ContainerState> {
    const before = await containerState(name);
    if (!before.running || before.pid <= 0) throw new Error(`${name} is not running`);
    process.kill(before.pid, "SIGKILL");
    return before;
}

/** Replaces one file in the container (mode kept as given, owner root), as `docker cp` does. */
export async function replaceFileInContainer(name: string, path: string, content: string, mode = 0o600): Promise<void> {
    return withTempDir("container-file-", async (dir) => {
        const local = join(dir, "file");
        await writeFile(local, content);
        await chmod(local, mode);
        await dockerCli("cp", local, `${name}:${path}`);
    });
}

/** Everything the container logged, stdout and stderr (the registry logs to stderr). */
export async function containerLogs(name: string): Promise<string> {
    const result = await docker.run(["logs", name]);
    if (result.code !== 0) throw new Error(`docker logs ${name}: ${result.stderr}`);
    return `${result.stdout}${result.stderr}`;
}
