/** 8 parallel uploads, then 8 parallel downloads, of distinct blobs: aggregate throughput by wall time. */
import { BlobFile, downloadBlob, uploadBlob } from "./blobs";
import { costLabel, defaultCost } from "./costs";
import { ThroughputVariant, withClient } from "./throughput";
import type { Results } from "./results";
import { progress, rotated } from "./rounds";
import { MiB } from "./stats";

async function wallSeconds(work: () => Promise<unknown>): Promise<number> {
    const started = process.hrtime.bigint();
    await work();
    return Number(process.hrtime.bigint() - started) / 1e9;
}

export async function measureParallel(variants: ThroughputVariant[], blobs: BlobFile[], runs: number, results: Results): Promise<void> {
    const each = blobs[0].size / MiB;
    const total = blobs.reduce((sum, b) => sum + b.size, 0) / MiB;
    const section = `${blobs.length} parallel streams of ${each} MiB each, aggregate (curl, one connection each)`;
    for (let round = 0; round < runs; round++) {
        progress(`parallel round ${round + 1}/${runs}`);
        for (const v of rotated(variants, round)) {
            const up = await wallSeconds(() => Promise.all(blobs.map((b) => uploadBlob(v.endpoint, v.http, "bench/parallel", b))));
            results.add(section, `par-up.${v.id}`, `${blobs.length}× upload, ${withClient(v)}`, "MiB/s", total / up, `HTTP/${v.http}`);
            const down = await wallSeconds(() => Promise.all(blobs.map((b) => downloadBlob(v.endpoint, v.http, "bench/parallel", b))));
            results.add(section, `par-down.${v.id}`, `${blobs.length}× download, ${withClient(v)}`, "MiB/s", total / down, `HTTP/${v.http}`);
        }
    }
}

export function parallelRatios(results: Results): void {
    const s = "Parallel";
    const dc = `container as deployed, ${costLabel(defaultCost)}`;
    for (const dir of ["par-up", "par-down"] as const) {
        const word = dir === "par-up" ? "8× upload" : "8× download";
        results.ratio(s, `${dir}.nat/bare`, `${word}: ${dc} / bare process`, `${dir}.nat-h1`, `${dir}.bare-h1`);
        results.ratio(s, `${dir}.nat/bareveth`, `${word}: ${dc} / bare process over veth`, `${dir}.nat-h1`, `${dir}.bareveth-h1`);
        results.ratio(s, `${dir}.nat/nginx`, `${word}: ${dc} / nginx-in-front design`, `${dir}.nat-h1`, `${dir}.nginx-front-h1`);
    }
}
