/**
 * A network namespace of the bench's own, joined to the host by a veth pair (MTU 1500, like
 * docker0 and a real NIC): a server in it is reached the way a remote client reaches a bare
 * process, with no loopback 64 KiB MTU and no NAT. Traffic goes only into this namespace; the
 * addresses come from TEST-NET-2 (198.51.100.0/24), checked unused and routed to the veth first.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { madeByGoneRun } from "../../tests/kit/host/owner";
import { onCleanup } from "./cleanup";

const exec = promisify(execFile);
const ip = (...args: string[]) => exec("ip", args).then((r) => r.stdout);

export interface Namespace {
    name: string;
    /** The server's address inside the namespace. */
    address: string;
}

/** Namespaces are named `registry-bench-<pid>-...`, like the containers. */
export async function createNamespace(runId: string): Promise<Namespace> {
    const name = `registry-${runId}`;
    const hostEnd = `rbh${process.pid}`;
    const nsEnd = `rbn${process.pid}`;
    if ((await ip("-o", "addr")).includes("198.51.100.")) throw new Error("198.51.100.0/24 is in use on this host; not creating the namespace");
    const base = 4 * (process.pid % 64);
    const hostAddress = `198.51.100.${base + 1}`;
    const address = `198.51.100.${base + 2}`;
    await ip("netns", "add", name);
    onCleanup(`delete network namespace ${name}`, () => ip("netns", "del", name));
    await ip("link", "add", hostEnd, "type", "veth", "peer", "name", nsEnd, "netns", name);
    onCleanup(`delete veth ${hostEnd}`, () => ip("link", "del", hostEnd).catch(() => undefined)); // gone with the namespace already, normally
    await ip("addr", "add", `${hostAddress}/30`, "dev", hostEnd);
    await ip("link", "set", hostEnd, "up");
    await ip("-n", name, "addr", "add", `${address}/30`, "dev", nsEnd);
    await ip("-n", name, "link", "set", nsEnd, "up");
    await ip("-n", name, "link", "set", "lo", "up");
    const route = await ip("route", "get", address);
    if (!route.includes(`dev ${hostEnd}`)) throw new Error(`${address} is not routed to ${hostEnd}: ${route}`);
    return { name, address };
}

/** Deletes namespaces an earlier bench left when it was killed (its pid is gone). */
export async function removeStaleNamespaces(): Promise<void> {
    const names = (await ip("netns", "list").catch(() => "")).split("\n").map((l) => l.split(" ")[0]);
    for (const name of names) {
        if (name.startsWith("registry-bench-") && madeByGoneRun(name)) {
            console.log(`removing network namespace ${name}, left by an earlier bench`);
            await ip("netns", "del", name);
        }
    }
}
