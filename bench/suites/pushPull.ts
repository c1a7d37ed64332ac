/**
 * `docker push` and `docker pull` of an image of many small layers with the real docker CLI and
 * daemon, against the deployed registry (default bcrypt cost), the comparison costs
 * (bench/targets/costs.ts) and a registry without authentication (baseline).
 * Every round and registry gets a freshly made image, so no layer is ever already there.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { dockerCli } from "../../tests/kit/docker";
import { onCleanup } from "../targets/cleanup";
import { allCosts, comparisonCosts, costId, costLabel, defaultCost } from "../targets/costs";
import type { Endpoint } from "../targets/deploy";
import { daemonAccess, DockerClient, dockerClientFor, timedDocker } from "../clients/dockerPushPull";
import { writeLayeredImageArchive } from "../clients/layeredImage";
import type { Results } from "../report/results";
import { progress } from "../report/progress";
import { rotated } from "./rounds";

export interface PushPullTarget {
    id: string;
    label: string;
    endpoint: Endpoint;
}

const layerBytes = 16 * 1024;

export async function measurePushPull(targets: PushPullTarget[], layers: number, runs: number, workDir: string, results: Results): Promise<void> {
    const section = `docker push / pull of a ${layers}-layer image (${layerBytes / 1024} KiB random per layer), docker CLI and daemon`;
    const clients = new Map<string, DockerClient>();
    for (const t of targets) clients.set(t.id, await dockerClientFor(t.endpoint, workDir));
    // Images are removed after each pull; this catches one left by a failure.
    onCleanup("remove the bench's images", async () => {
        for (const c of clients.values()) {
            const left = await dockerCli("images", "-q", `${c.registry}/bench/layers`);
            if (left) await dockerCli("rmi", "-f", ...new Set(left.split("\n")));
        }
    });
    for (let round = 0; round < runs; round++) {
        progress(`push/pull round ${round + 1}/${runs}`);
        for (const t of rotated(targets, round)) {
            const client = clients.get(t.id)!;
            const reference = `${client.registry}/bench/layers:r${round}`;
            const archive = join(workDir, `image-${t.id}-${round}.tar`);
            await writeLayeredImageArchive(archive, reference, layers, layerBytes);
            await dockerCli("load", "-i", archive);
            await rm(archive);
            const beforePush = new Date().toISOString();
            const push = await timedDocker(client, "push", reference);
            await dockerCli("rmi", reference);
            const beforePull = new Date().toISOString();
            const pull = await timedDocker(client, "pull", reference);
            await dockerCli("rmi", reference);
            // Let the last access-log lines reach Docker's log before reading them.
            await new Promise((r) => setTimeout(r, 200));
            const container = t.endpoint.container!;
            const pushed = await daemonAccess(container, beforePush, beforePull);
            const pulled = await daemonAccess(container, beforePull, new Date().toISOString());
            results.add(section, `push.${t.id}`, `push, ${t.label}`, "s", push, `HTTP/${pushed.protocols.join(",")}`);
            results.add(section, `pull.${t.id}`, `pull, ${t.label}`, "s", pull, `HTTP/${pulled.protocols.join(",")}`);
            results.add(section, `push-requests.${t.id}`, `requests by the daemon per push, ${t.label}`, "requests", pushed.requests);
            results.add(section, `pull-requests.${t.id}`, `requests by the daemon per pull, ${t.label}`, "requests", pulled.requests);
        }
    }
}

export function pushPullRatios(results: Results): void {
    const s = "docker push / pull";
    const d = costId(defaultCost);
    for (const op of ["push", "pull"] as const) {
        for (const cost of allCosts) {
            // Target: authentication at the default cost adds at most 10%.
            const target = cost === defaultCost ? ({ op: "<=", value: 1.1 } as const) : undefined;
            results.ratio(s, `${op}.${costId(cost)}/none`, `${op}, ${costLabel(cost)} / no auth`, `${op}.${costId(cost)}`, `${op}.none`, target);
        }
        for (const cost of comparisonCosts) {
            results.ratio(s, `${op}.${costId(cost)}/${d}`, `${op}, ${costLabel(cost)} / ${costLabel(defaultCost)}`, `${op}.${costId(cost)}`, `${op}.${d}`);
        }
    }
}
