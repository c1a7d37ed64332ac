/**
 * A Docker volume of a fixed, small size: a tmpfs mounted on the host and bind-mounted through a
 * `local` volume (type=none, o=bind). A `local` volume with type=tmpfs would not do: Docker mounts
 * it only while a container uses it, so its content is lost whenever no container runs on it (a
 * container replacement or `docker rm`). Needs root (mount).
 */
import { mkdtemp, rmdir, statfs } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dockerCli } from "./dockerEngine";
import { runProcess } from "./process";

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
    const dir = await mkdtemp(join(tmpdir(), "registry-tmpfs-"));
    const mounted = await runProcess("mount", ["-t", "tmpfs", "-o", `size=${sizeBytes},mode=0755`, "tmpfs", dir]);
    if (mounted.code !== 0) {
        await rmdir(dir);
        throw new Error(`mount tmpfs on ${dir} (needs root): ${mounted.stderr}`);
    }
    const remove = async () => {
        await dockerCli("volume", "rm", "-f", volume).catch(() => undefined);
        await runProcess("umount", [dir]);
        await rmdir(dir).catch(() => undefined);
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
