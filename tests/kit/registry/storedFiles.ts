/**
 * What a filesystem registry stored, read from its data volume on the host: every stored file
 * with its hash (to show nothing changed), and the upload state apart from it.
 */
import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { dockerCli } from "../docker";

/** Where a volume's content is on the host. */
export async function volumeMountpoint(volume: string): Promise<string> {
    return dockerCli("volume", "inspect", "-f", "{{.Mountpoint}}", volume);
}

/** Upload state (in-progress and abandoned uploads) lives here; it is not stored content. */
const uploadState = /^docker\/registry\/v2\/repositories\/(.+\/)?_uploads\//;

/** Every regular file under `root`, as a path relative to `root`. */
async function regularFiles(root: string): Promise<string[]> {
    const entries = await readdir(root, { recursive: true, withFileTypes: true });
    return entries.filter((entry) => entry.isFile()).map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

/**
 * Every regular file under `root` (relative path → sha256), except upload state. Directories are
 * left out: a refused upload may leave an empty repository folder, which stores nothing.
 */
export async function snapshotStoredFiles(root: string): Promise<Map<string, string>> {
    const snapshot = new Map<string, string>();
    for (const path of await regularFiles(root)) {
        if (uploadState.test(path)) continue;
        snapshot.set(path, createHash("sha256").update(await readFile(join(root, path))).digest("hex"));
    }
    return new Map([...snapshot.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** Files under a repository's `_uploads` (path relative to `root` → size in bytes). */
export async function uploadStateFiles(root: string): Promise<Map<string, number>> {
    const files = new Map<string, number>();
    for (const path of await regularFiles(root)) {
        if (!uploadState.test(path)) continue;
        files.set(path, (await stat(join(root, path))).size);
    }
    return files;
}
