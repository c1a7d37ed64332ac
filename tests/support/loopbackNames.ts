/**
 * Names that resolve to ::1 only (lines in /etc/hosts), and the Docker engine's trust of a
 * registry address (certs.d): how tests make the docker CLI check TLS against a local registry,
 * which it would skip on 127.0.0.0/8. Everything added is removed again by `remove`.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

const certsDir = "/etc/docker/certs.d";

export interface LoopbackNames {
    /** Trusts `ca` for `address` (`name:port`) in the engine's certs.d; no daemon restart needed. */
    trust(address: string, ca: string): Promise<void>;
    remove(): Promise<void>;
}

export async function addLoopbackNames(names: readonly string[]): Promise<LoopbackNames> {
    const lines = names.map((name) => `::1 ${name}`);
    const hosts = await readFile("/etc/hosts", "utf8");
    const missing = lines.filter((line) => !hosts.split("\n").includes(line));
    if (missing.length > 0) await writeFile("/etc/hosts", `${hosts.replace(/\n?$/, "\n")}${missing.join("\n")}\n`);
    const trusted: string[] = [];
    return {
        async trust(address, ca) {
            await mkdir(join(certsDir, address), { recursive: true });
            await writeFile(join(certsDir, address, "ca.crt"), ca);
            trusted.push(address);
        },
        async remove() {
            for (const address of trusted) await rm(join(certsDir, address), { recursive: true, force: true });
            const now = await readFile("/etc/hosts", "utf8");
            await writeFile("/etc/hosts", now.split("\n").filter((line) => !lines.includes(line)).join("\n"));
        },
    };
}
