/**
 * What killed runs left in the Docker engine and its containerd: containers and volumes named
 * with a `uniqueName` (host/owner.ts) whose process is gone (a container with a restart policy even comes
 * back when dockerd restarts, and keeps its loopback port), test images whose owner label names
 * a gone process, and containerd namespaces of gone runs. Removed once per process, before the
 * first test registry starts; what live runs own is never touched.
 */
import { existsSync } from "node:fs";
import { dockerCli } from "../docker";
import { madeByGoneRun, ownerAlive, thisOwner } from "../host/owner";
import { runProcess } from "../host/process";

/** The label test images carry: the owner ("<pid> <start time>") that imported them. */
const ownerLabel = "private-registry-tests.owner";
/** `docker import -c` instructions that give an image the owner label. */
export const ownerLabelChange = ["-c", `LABEL ${ownerLabel}="${thisOwner}"`];
/** The owner label as an image config's `Labels`, for images built another way (a docker-archive). */
export const ownerLabels: Record<string, string> = { [ownerLabel]: thisOwner };

/** dockerd's own containerd when it started one, else the system's. */
export const containerdSocket = ["/var/run/docker/containerd/containerd.sock", "/run/containerd/containerd.sock"].find(existsSync) ?? "/run/containerd/containerd.sock";

let once: Promise<string[]> | undefined;

/** Runs ctr against the engine's containerd. */
const ctr = (...args: string[]) => runProcess("ctr", ["--address", containerdSocket, ...args]);

/**
 * Removes a containerd namespace with everything in it: images, then snapshots (children before
 * parents, so a few rounds), then content; containerd refuses to remove a namespace that holds any.
 */
export async function removeCtrNamespace(namespace: string): Promise<void> {
    const list = async (...args: string[]) => (await ctr("--namespace", namespace, ...args)).stdout.split("\n").filter(Boolean);
    for (const ref of await list("images", "ls", "-q")) await ctr("--namespace", namespace, "images", "rm", ref);
    for (let round = 0; round < 5; round++) {
        const snapshots = (await list("snapshots", "ls")).slice(1).map((line) => line.split(/\s+/)[0]);
        if (snapshots.length === 0) break;
        for (const key of snapshots) await ctr("--namespace", namespace, "snapshots", "rm", key);
    }
    for (const digest of await list("content", "ls", "-q")) await ctr("--namespace", namespace, "content", "rm", digest);
    await ctr("namespaces", "rm", namespace);
}

/** Removes them (once per process); what it removed, e.g. "container registry-rel-123-abcdef". */
export function removeDockerLeftovers(): Promise<string[]> {
    once ??= (async () => {
        const removed: string[] = [];
        const lines = async (...args: string[]) => (await dockerCli(...args)).split("\n").filter(Boolean);
        for (const name of await lines("ps", "-a", "--format", "{{.Names}}")) {
            if (!madeByGoneRun(name)) continue;
            await dockerCli("rm", "-f", "-v", name).catch(() => undefined);
            removed.push(`container ${name}`);
        }
        for (const name of await lines("volume", "ls", "--format", "{{.Name}}")) {
            if (!madeByGoneRun(name)) continue;
            await dockerCli("volume", "rm", "-f", name).catch(() => undefined);
            removed.push(`volume ${name}`);
        }
        for (const id of new Set(await lines("images", "-q", "--no-trunc", "--filter", `label=${ownerLabel}`))) {
            const owner = await dockerCli("image", "inspect", "-f", `{{index .Config.Labels "${ownerLabel}"}}`, id).catch(() => "");
            if (!owner || ownerAlive(owner)) continue;
            await dockerCli("rmi", "-f", id).catch(() => undefined);
            removed.push(`image ${id.replace(/^sha256:/, "").slice(0, 12)}`);
        }
        const namespaces = await ctr("namespaces", "ls", "-q");
        for (const namespace of namespaces.code === 0 ? namespaces.stdout.split("\n").filter(Boolean) : []) {
            if (!madeByGoneRun(namespace)) continue;
            await removeCtrNamespace(namespace);
            removed.push(`containerd namespace ${namespace}`);
        }
        return removed;
    })();
    return once;
}

/** Volumes no container uses that Docker named itself (an image's VOLUME without a named volume): nobody's by name. */
export async function danglingAnonymousVolumes(): Promise<Set<string>> {
    const names = (await dockerCli("volume", "ls", "-q", "--filter", "dangling=true")).split("\n");
    return new Set(names.filter((name) => /^[0-9a-f]{64}$/.test(name)));
}
