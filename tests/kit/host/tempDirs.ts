/**
 * Temp dirs marked with the run that made them (pid and start time in a file `owner`), so a
 * later run can tell that their owner is gone (a run killed before its cleanup), stop what still
 * runs in them and remove them. Tests' work dirs and the daemons' dirs are made this way.
 */
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

/** Live processes whose working directory or command line is in `dir`. */
export async function processesUsing(dir: string): Promise<number[]> {
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

/** A temp dir of this run's own (see `ownedTempDir`), once those of `prefix` that killed runs left are gone. */
export async function freshTempDir(prefix: string): Promise<string> {
    await reapStaleDirs(prefix);
    return ownedTempDir(prefix);
}

/** Runs `work` in a fresh temp dir of `prefix` (see {@link freshTempDir}) and removes the dir afterwards, whatever happens. */
export async function withTempDir<T>(prefix: string, work: (dir: string) => Promise<T>): Promise<T> {
    const dir = await freshTempDir(prefix);
    try {
        return await work(dir);
    } finally {
        await rm(dir, { recursive: true, force: true });
    }
}
