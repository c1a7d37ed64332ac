/**
 * A Docker volume of a fixed, small size: a tmpfs mounted on the host and bind-mounted through a
 * `local` volume (type=none, o=bind). A `local` volume with type=tmpfs would not do: Docker mounts
 * it only while a container uses it, so its content is lost whenever no container runs on it (a
 * container replacement or `docker rm`). Needs root (mount). The tmpfs is mounted on `mnt` in an
 * owned temp dir, so a later run unmounts and removes what a killed one left.
 */
import { mkdir, readdir, readFile, rm, statfs } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ownedTempDir } from "./tempDirs";
import { dockerCli } from "../docker";
import { ownerAlive } from "./owner";
import { runProcess } from "./process";

const dirPrefix = "registry-tmpfs-";

export interface TmpfsVolume {
    /** Docker volume name. */
    volume: string;
    /** The tmpfs on the host: the volume's content, readable as root at any time. */
    dir: string;
    /** Bytes an unprivileged writer can still write. */
    freeBytes(): Promise<number>;
    /** Removes the volume and unmounts the tmpfs. */
    remove(): Promise<void>;
}

export async function createTmpfsVolume(volume: string, sizeBytes: number): Promise<TmpfsVolume> {
    await removeStaleTmpfs();
    const owned = await ownedTempDir(dirPrefix);
    const dir = join(owned, "mnt");
    await mkdir(dir);
    const mounted = await runProcess("mount", ["-t", "tmpfs", "-o", `size=${sizeBytes},mode=0755`, "tmpfs", dir]);
    if (mounted.code !== 0) {
        await rm(owned, { recursive: true, force: true });
        throw new Error(`mount tmpfs on ${dir} (needs root): ${mounted.stderr}`);
    }
    const remove = async () => {
        await dockerCli("volume", "rm", "-f", volume).catch(() => undefined);
        await unmountAndRemove(owned);
    };
    try {
        await dockerCli("volume", "create", "--driver", "local", "--opt", "type=none", "--opt", "o=bind", "--opt", `device=${dir}`, volume);
    } catch (e) {
        await remove();
        throw e;
    }
    return {
        volume,
        dir,
        freeBytes: async () => {
            const s = await statfs(dir);
            return s.bavail * s.bsize;
        },
        remove,
    };
}

/** Unmounts the tmpfs (if still mounted) and removes the owned dir; a dir still mounted is kept rather than emptied. */
async function unmountAndRemove(owned: string): Promise<void> {
    const dir = join(owned, "mnt");
    await runProcess("umount", [dir]);
    const stillMounted = (await readFile("/proc/mounts", "utf8")).split("\n").some((line) => line.split(" ")[1] === dir);
    if (!stillMounted) await rm(owned, { recursive: true, force: true });
}

/** Tmpfs dirs whose owner is gone (a killed run); their Docker volumes go with the run's other names. */
async function removeStaleTmpfs(): Promise<void> {
    for (const name of await readdir(tmpdir())) {
        if (!name.startsWith(dirPrefix)) continue;
        const owned = join(tmpdir(), name);
        const owner = await readFile(join(owned, "owner"), "utf8").catch(() => "");
        if (owner && !ownerAlive(owner)) await unmountAndRemove(owned);
    }
}
