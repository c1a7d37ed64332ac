/** What a folder tree holds, path by path: how tests show that a script left a host root as it was. */
import { createHash } from "node:crypto";
import { lstat, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * Every path under `root` (relative, with a leading `/`) with its type, owner, mode and, for
 * files, a content hash; with `mtimes`, also each file's mtime, so that equal snapshots mean
 * nothing was even rewritten. Sockets and other special files show their type only.
 */
export async function snapshotTree(root: string, options: { mtimes?: boolean } = {}): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    const walk = async (dir: string) => {
        for (const entry of (await readdir(dir)).sort()) {
            const path = join(dir, entry);
            const st = await lstat(path);
            const meta = `${st.uid}:${st.gid} ${(st.mode & 0o7777).toString(8)}`;
            if (st.isDirectory()) {
                out[path.slice(root.length)] = `dir ${meta}`;
                await walk(path);
            } else if (!st.isFile()) {
                out[path.slice(root.length)] = `${st.isSocket() ? "socket" : "other"} ${meta}`;
            } else {
                const hash = createHash("sha256").update(await readFile(path)).digest("hex").slice(0, 16);
                out[path.slice(root.length)] = `file ${meta} ${hash}${options.mtimes ? ` ${st.mtimeMs}` : ""}`;
            }
        }
    };
    await walk(root);
    return out;
}
