/** A throwaway host root folder: what the client scripts and a throwaway dockerd take for `/`. */
import { mkdir, mkdtemp } from "node:fs/promises";
import { join } from "node:path";

/** A new host root under `parent`, as a real host has it: /etc and /var/lib exist. */
export async function hostRoot(parent: string): Promise<string> {
    const root = await mkdtemp(join(parent, "root-"));
    await mkdir(join(root, "etc"), { recursive: true });
    await mkdir(join(root, "var/lib"), { recursive: true });
    return root;
}
