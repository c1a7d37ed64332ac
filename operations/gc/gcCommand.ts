/** The `npm run gc` command line: its arguments and the report it prints. Pure, for tests. */
import { parseArgs } from "node:util";
import type { GarbageCollectReport } from "./types";

const usage = "usage: npm run gc -- --container NAME [--docker-host URL ...] [--stack NAME] [--dry-run] [--delete-untagged] [--purge-uploads] [--json]";

export interface GcCommand {
    container: string;
    /** Every instance's Docker host (repeat --docker-host); empty for the docker CLI's default. */
    dockerHosts: string[];
    stack?: string;
    dryRun: boolean;
    deleteUntagged: boolean;
    purgeUploads: boolean;
    json: boolean;
}

/** Thrown for arguments the command does not take; the message names the argument, the value and what is allowed. */
export class UsageError extends Error {
    constructor(message: string) {
        super(`${message}\n${usage}`);
        this.name = "UsageError";
    }
}

const dockerHostForms = /^(unix|tcp|ssh|npipe|fd):\/\/./;

export function parseGcCommand(argv: string[]): GcCommand {
    let parsed;
    try {
        parsed = parseArgs({
            args: argv,
            strict: true,
            allowPositionals: false,
            options: {
                container: { type: "string" },
                "docker-host": { type: "string", multiple: true },
                stack: { type: "string" },
                "dry-run": { type: "boolean", default: false },
                "delete-untagged": { type: "boolean", default: false },
                "purge-uploads": { type: "boolean", default: false },
                json: { type: "boolean", default: false },
            },
        });
    } catch (e) {
        throw new UsageError((e as Error).message);
    }
    const v = parsed.values;
    if (!v.container) throw new UsageError("--container is required: the registry container's name (pulumi stack output containerName)");
    const dockerHosts = v["docker-host"] ?? [];
    for (const host of dockerHosts) {
        if (!dockerHostForms.test(host)) {
            throw new UsageError(`--docker-host "${host}" is not allowed; give unix:///path/docker.sock, tcp://host:port or ssh://user@host`);
        }
        if (dockerHosts.indexOf(host) !== dockerHosts.lastIndexOf(host)) throw new UsageError(`--docker-host "${host}" is given twice; give each instance's host once`);
    }
    return {
        container: v.container,
        dockerHosts,
        stack: v.stack,
        dryRun: v["dry-run"] ?? false,
        deleteUntagged: v["delete-untagged"] ?? false,
        purgeUploads: v["purge-uploads"] ?? false,
        json: v.json ?? false,
    };
}

/** Bytes as a short human figure (binary units, as `du -h`). */
export function humanBytes(bytes: number): string {
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export function formatReport(r: GarbageCollectReport): string {
    const would = r.dryRun ? "would remove" : "removed";
    const size = r.bytesFreed === undefined ? "" : `, ${r.dryRun ? "would free" : "freed"} ${humanBytes(r.bytesFreed)}`;
    const lines = [
        `${r.dryRun ? "Dry run of the garbage collection" : "Garbage collection"} of registry "${r.container}" (stack ${r.stack})${r.dryRun ? ": nothing was stopped or removed" : ""}`,
        `  ${would} ${r.blobsRemoved.length} blob(s)${size}${r.bytesBefore === undefined ? "" : ` (the data used ${humanBytes(r.bytesBefore)})`}`,
        ...r.blobsRemoved.map((d) => `    ${d}`),
    ];
    if (r.deleteUntagged) {
        lines.push(`  ${would} ${r.manifestsRemoved.length} untagged manifest(s)`, ...r.manifestsRemoved.map((m) => `    ${m.repository}@${m.digest}`));
    }
    if (r.uploadsRemoved > 0) lines.push(`  ${would} ${r.uploadsRemoved} upload(s) in _uploads`);
    lines.push(`  kept ${r.blobsKept} referenced blob(s)`);
    if (r.instances) {
        // Shared S3 storage: the instances were read-only (pulls served, pushes refused), not stopped.
        if (!r.dryRun) lines.push(`  pushes refused for ${(r.outOfServiceMs / 1000).toFixed(1)} s while every instance was read-only; back read-write with fresh caches`);
        for (const i of r.instances) lines.push(`    ${i.instance}: ${i.running ? (r.dryRun ? "left in service" : "read-only during the collection") : "not running, left stopped"}`);
        if (r.cacheFlushed) lines.push("  the Redis blob descriptor cache was flushed");
    } else if (!r.dryRun) {
        lines.push(r.outOfServiceMs > 0 ? `  out of service for ${(r.outOfServiceMs / 1000).toFixed(1)} s; back with a fresh cache` : "  the registry was not running and stays stopped");
    }
    return lines.join("\n");
}
