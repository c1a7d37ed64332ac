/**
 * Long-running helper processes of the tests (Ceph, Redis, nginx): started in their own process
 * group, stopped with their whole group, killed at exit if a test forgot, and their temp dirs
 * marked with the owner so a later run can clean up after a killed one.
 */
import { ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ownerAlive, thisOwner } from "./owner";

/**
 * A temp dir marked with this process (pid and start time), so a later run can tell that its
 * owner is gone and clean it up with `reapStaleDirs`.
 */
export async function ownedTempDir(prefix: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    await writeFile(join(dir, "owner"), `${thisOwner}\n`);
    return dir;
}

/**
 * Kills the processes that still use a temp dir of `prefix` whose owner process is gone (a run
 * killed before its `stop`), then removes the dir. Processes are found by the dir (or a file in
 * it) on their command line or as their working directory, so nothing else is touched.
 */
export async function reapStaleDirs(prefix: string): Promise<void> {
    for (const name of await readdir(tmpdir())) {
        if (!name.startsWith(prefix)) continue;
        const dir = join(tmpdir(), name);
        const owner = (await readFile(join(dir, "owner"), "utf8").catch(() => "")).trim();
        if (!owner.includes(" ")) {
            // Being created right now, or its owner died before marking it.
            const age = await stat(dir).then((s) => Date.now() - s.mtimeMs, () => 0);
            if (age < 60_000) continue;
        } else if (ownerAlive(owner)) {
            continue;
        }
        const users = await processesUsing(dir);
        for (const pid of users) {
            try {
                process.kill(pid, "SIGKILL");
            } catch {
                // Already gone.
            }
        }
        for (let i = 0; i < 100 && (await processesUsing(dir)).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
        await rm(dir, { recursive: true, force: true });
    }
}

async function processesUsing(dir: string): Promise<number[]> {
    const found: number[] = [];
    for (const entry of await readdir("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        const status = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
        if (status === "" || status.slice(status.lastIndexOf(")") + 2).startsWith("Z")) continue;
        const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
        const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => "");
        const inDir = (path: string) => path === dir || path.startsWith(`${dir}/`);
        if (inDir(cwd) || cmdline.split(/[\0 ]/).some(inDir)) found.push(Number(entry));
    }
    return found;
}

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

/** A temp dir of this run's own (see `ownedTempDir`), once those of `prefix` that killed runs left are gone. */
export async function freshTempDir(prefix: string): Promise<string> {
    await reapStaleDirs(prefix);
    return ownedTempDir(prefix);
}
