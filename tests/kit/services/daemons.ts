/**
 * Long-running helper processes of the tests (Ceph, Redis, nginx, sshd): started in their own
 * process group, stopped with their whole group, and killed at exit if a test forgot. Their temp
 * dirs (host/tempDirs.ts) name the owner, so a later run can clean up after a killed one.
 */
import { ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";

const running = new Set<ChildProcess>();
let exitHook = false;

/**
 * A long-running process in its own process group, stdout and stderr appended to `outputFile`,
 * `stdin` (if given) written to it. Its group is killed when this process exits without stopping it.
 */
export function startDaemon(program: string, args: string[], outputFile: string, options: { cwd?: string; stdin?: string } = {}): ChildProcess {
    if (!exitHook) {
        exitHook = true;
        process.on("exit", () => running.forEach((c) => signalGroup(c, "SIGKILL")));
    }
    const fd = openSync(outputFile, "a");
    try {
        const child = spawn(program, args, { detached: true, cwd: options.cwd, stdio: [options.stdin === undefined ? "ignore" : "pipe", fd, fd] });
        child.on("error", () => undefined);
        child.stdin?.on("error", () => undefined);
        child.stdin?.end(options.stdin);
        running.add(child);
        child.once("exit", () => running.delete(child));
        return child;
    } finally {
        closeSync(fd);
    }
}

/** Sends `signal` to the daemon's process group, SIGKILL after `graceMs`, and waits for its exit. */
export async function stopDaemon(child: ChildProcess, graceMs: number, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<boolean>((resolve) => child.once("exit", () => resolve(true)));
    if (graceMs > 0) {
        signalGroup(child, signal);
        if (await Promise.race([exited, new Promise<boolean>((r) => setTimeout(() => r(false), graceMs))])) return;
    }
    signalGroup(child, "SIGKILL");
    await exited;
}

export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
        process.kill(-child.pid, signal);
    } catch {
        // Already gone.
    }
}
