/**
 * Names that resolve to ::1 only (lines in /etc/hosts), and the Docker engine's trust of a
 * registry address (certs.d): how tests make the docker CLI check TLS against a local registry,
 * which it would skip on 127.0.0.0/8. Everything added is removed again by `remove`; each line
 * carries its owner, so lines (and the certs.d folders of their names) that a killed run left
 * are removed by the next one.
 */
import { mkdir, readdir, readFile, rm, rmdir, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { madeByGoneRun, ownerAlive, thisOwner } from "./owner";

const hostsFile = "/etc/hosts";
const certsDir = "/etc/docker/certs.d";
/** Where Docker's and containerd's trust of a registry address (`name:port`) lives. */
const trustDirs = [certsDir, "/etc/containerd/certs.d"];
const ownerComment = "# private-registry-tests owner ";

export interface LoopbackNames {
    /** Trusts `ca` for `address` (`name:port`) in the engine's certs.d; no daemon restart needed. */
    trust(address: string, ca: string): Promise<void>;
    remove(): Promise<void>;
}

export async function addLoopbackNames(names: readonly string[]): Promise<LoopbackNames> {
    await removeStaleNames();
    const lines = names.map((name) => `::1 ${name} ${ownerComment}${thisOwner}`);
    const hosts = await readFile(hostsFile, "utf8");
    const missing = lines.filter((line) => !hosts.split("\n").includes(line));
    if (missing.length > 0) await writeFile(hostsFile, `${hosts.replace(/\n?$/, "\n")}${missing.join("\n")}\n`);
    const trusted: string[] = [];
    let createdCertsDir = false;
    return {
        async trust(address, ca) {
            if (!existsSync(certsDir)) createdCertsDir = true;
            await mkdir(join(certsDir, address), { recursive: true });
            await writeFile(join(certsDir, address, "ca.crt"), ca);
            trusted.push(address);
        },
        async remove() {
            for (const address of trusted) await rm(join(certsDir, address), { recursive: true, force: true });
            // Only when empty: another test may trust an address of its own there meanwhile.
            if (createdCertsDir) await rmdir(certsDir).catch(() => undefined);
            await removeHostsLines((line) => lines.includes(line));
        },
    };
}

/** The names on one of our lines, and whether its run is gone (owner comment, or a name of a gone run on an unmarked line). */
function staleLine(line: string): string[] | undefined {
    const at = line.indexOf(ownerComment);
    const names = (at >= 0 ? line.slice(0, at) : line).trim().split(/\s+/).slice(1);
    if (!line.startsWith("::1 ") || names.length === 0) return undefined;
    if (at >= 0) return ownerAlive(line.slice(at + ownerComment.length)) ? undefined : names;
    // An earlier version of this kit wrote "::1 <name>" without the owner.
    return names.length === 1 && madeByGoneRun(names[0]) ? names : undefined;
}

/** Removes the lines killed runs left, with every certs.d folder of their names. */
async function removeStaleNames(): Promise<void> {
    const hosts = await readFile(hostsFile, "utf8");
    const stale = hosts.split("\n").flatMap((line) => staleLine(line) ?? []);
    if (stale.length === 0) return;
    for (const dir of trustDirs) {
        let removed = false;
        for (const entry of await readdir(dir).catch(() => [] as string[])) {
            if (!stale.includes(entry.replace(/:\d+$/, ""))) continue;
            await rm(join(dir, entry), { recursive: true, force: true });
            removed = true;
        }
        // Emptied by that: made for those names (an empty certs.d trusts nothing anyway).
        if (removed) await rmdir(dir).catch(() => undefined);
    }
    await removeHostsLines((line) => staleLine(line) !== undefined);
}

async function removeHostsLines(drop: (line: string) => boolean): Promise<void> {
    const now = await readFile(hostsFile, "utf8");
    await writeFile(hostsFile, now.split("\n").filter((line) => !drop(line)).join("\n"));
}
