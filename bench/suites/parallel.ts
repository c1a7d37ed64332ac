/** 8 parallel uploads, then 8 parallel downloads, of distinct blobs: aggregate throughput by wall time. */
import { BlobFile, downloadBlob, uploadBlob } from "../clients/blobs";
import { costLabel, defaultCost } from "../targets/costs";
import type { HttpVersion } from "../clients/curl";
import type { Endpoint } from "../targets/deploy";
import { ThroughputVariant, withClient } from "./throughput";
import type { Results } from "../report/results";
import { progress } from "../report/progress";
import { rotated } from "./rounds";
import { MiB } from "../report/stats";

async function wallSeconds(work: () => Promise<unknown>): Promise<number> {
    const started = process.hrtime.bigint();
    await work();
    return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Aggregate MiB/s of one parallel upload and the parallel download that follows it. */
export interface ParallelRates {
    up: number;
    down: number;
}

/**
 * Uploads every blob at once (one curl each), then downloads them all at once; `via(i)` is the
 * endpoint blob i goes through, both ways. Rates are total MiB by wall time.
 */
export async function parallelTransfers(via: (i: number) => Endpoint, http: HttpVersion, repo: string, blobs: BlobFile[]): Promise<ParallelRates> {
    const total = blobs.reduce((sum, b) => sum + b.size, 0) / MiB;
    const up = await wallSeconds(() => Promise.all(blobs.map((b, i) => uploadBlob(via(i), http, repo, b))));
    const down = await wallSeconds(() => Promise.all(blobs.map((b, i) => downloadBlob(via(i), http, repo, b))));
    return { up: total / up, down: total / down };
}

export async function measureParallel(variants: ThroughputVariant[], blobs: BlobFile[], runs: number, results: Results): Promise<void> {
    const section = `${blobs.length} parallel streams of ${blobs[0].size / MiB} MiB each, aggregate (curl, one connection each)`;
    for (let round = 0; round < runs; round++) {
        progress(`parallel round ${round + 1}/${runs}`);
        for (const v of rotated(variants, round)) {
            const rates = await parallelTransfers(() => v.endpoint, v.http, "bench/parallel", blobs);
            results.add(section, `par-up.${v.id}`, `${blobs.length}× upload, ${withClient(v)}`, "MiB/s", rates.up, `HTTP/${v.http}`);
            results.add(section, `par-down.${v.id}`, `${blobs.length}× download, ${withClient(v)}`, "MiB/s", rates.down, `HTTP/${v.http}`);
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
