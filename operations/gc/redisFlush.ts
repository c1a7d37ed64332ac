/**
 * Flushing the registry's Redis blob descriptor cache after a collection: the cache would
 * otherwise keep answering "exists" for removed blobs, so a re-pushed layer is skipped and its
 * pulls fail (distribution #3743). Pure: the commands and the check of the replies.
 */
import { parse } from "yaml";

export interface RedisTarget {
    host: string;
    port: number;
    password?: string;
    db: number;
}

/**
 * The `redis` section of a config whose blob descriptor cache is Redis, else undefined. 2.8 names
 * the server `addr`, 3.x `addrs` (a list; this product writes one).
 */
export function redisCacheOf(config: string): RedisTarget | undefined {
    type RedisSection = { addr?: string; addrs?: string[]; password?: string; db?: number };
    const c = parse(config) as { storage?: { cache?: { blobdescriptor?: string } }; redis?: RedisSection } | null;
    const address = c?.redis?.addr ?? c?.redis?.addrs?.[0];
    if (c?.storage?.cache?.blobdescriptor !== "redis" || !c.redis || !address) return undefined;
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
    if (!m) throw new Error(`redis address "${address}" is not host:port`);
    return { host: m[1], port: Number(m[2]), password: c.redis.password || undefined, db: c.redis.db ?? 0 };
}

/** One command in Redis's binary-safe protocol (RESP), so a password with spaces or quotes is sent as it is. */
function resp(...args: string[]): string {
    return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;
}

/** AUTH (with a password), SELECT, FLUSHDB, QUIT: what goes to the server on stdin, never on a command line. */
export function flushCommands(target: RedisTarget): string {
    return [...(target.password ? [resp("AUTH", target.password)] : []), resp("SELECT", String(target.db)), resp("FLUSHDB"), resp("QUIT")].join("");
}

/** True when every command was answered `+OK`. */
export function flushSucceeded(target: RedisTarget, replies: string): boolean {
    const lines = replies.split("\r\n").filter((l) => l !== "");
    const expected = (target.password ? 1 : 0) + 3;
    return lines.length === expected && lines.every((l) => l === "+OK");
}
