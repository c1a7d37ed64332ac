/** Long-running helper processes (bare registry, nginx, docker-proxy): started, awaited, stopped by pid. */
import { ChildProcess, spawn } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import { connect } from "node:net";
import { dirname } from "node:path";
import { onCleanup } from "./cleanup";

export interface Service {
    name: string;
    pid: number;
    stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
    return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve();
        else child.once("exit", () => resolve());
    });
}

/**
 * Starts `program` with stdout and stderr into `logFile`; the process is stopped at cleanup.
 * `statusPipe` gives it a pipe as fd 3 (docker-proxy reports readiness there, as to dockerd).
 */
export function startService(name: string, program: string, args: string[], logFile: string, statusPipe = false): Service {
    const log = openSync(logFile, "a");
    // Its working directory is the log's (the run's directory): a later run finds it there if this one is killed.
    const child = spawn(program, args, { cwd: dirname(logFile), stdio: statusPipe ? ["ignore", log, log, "pipe"] : ["ignore", log, log] });
    closeSync(log);
    if (child.pid === undefined) throw new Error(`${name}: could not start ${program}`);
    const pid = child.pid;
    const stop = async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill("SIGTERM");
        const timeout = new Promise<void>((r) => setTimeout(r, 5000).unref());
        await Promise.race([exited(child), timeout]);
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    };
    onCleanup(`stop ${name} (pid ${pid})`, stop);
    child.once("exit", (code, signal) => {
        if (code !== 0 && signal === null) console.error(`${name} (pid ${pid}) exited with ${code}; see ${logFile}`);
    });
    return { name, pid, stop };
}

function accepts(port: number, host: string): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = connect(port, host);
        socket.once("connect", () => {
            socket.destroy();
            resolve(true);
        });
        socket.once("error", () => resolve(false));
    });
}

/** Waits until host:port accepts connections. */
export async function waitForPort(port: number, what: string, withinMs = 20_000, host = "127.0.0.1"): Promise<void> {
    const deadline = Date.now() + withinMs;
    while (Date.now() < deadline) {
        if (await accepts(port, host)) return;
        await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${what}: nothing listens on ${host}:${port} after ${withinMs} ms`);
}
