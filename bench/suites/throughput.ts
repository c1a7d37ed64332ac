/**
 * Large-blob upload and download throughput over TLS, each variant and each machine limit once
 * per round, so that every ratio compares figures taken minutes apart at most.
 */
import type { Endpoint } from "../targets/deploy";
import { BlobFile, downloadBlob, uploadBlob } from "../clients/blobs";
import { costLabel, defaultCost } from "../targets/costs";
import { curlHttpFlag, HttpVersion } from "../clients/curl";
import type { Limits } from "./limits";
import type { Results } from "../report/results";
import { progress } from "../report/progress";
import { rotated } from "./rounds";
import { MiB } from "../report/stats";

export interface ThroughputVariant {
    id: string;
    label: string;
    endpoint: Endpoint;
    http: HttpVersion;
}

/** The variant's label with the client's HTTP choice. */
export function withClient(v: ThroughputVariant): string {
    return `${v.label}, curl ${curlHttpFlag[v.http][0] ?? "default (offers h2)"}`;
}

const throughputSection = (blob: BlobFile) => `Large blob (${blob.size / MiB} MiB, random) over TLS, one stream (curl)`;
const limitsSection = (blob: BlobFile) => `This machine's limits for the same ${blob.size / MiB} MiB`;

export async function measureThroughput(variants: ThroughputVariant[], limits: Limits, blob: BlobFile, runs: number, results: Results): Promise<void> {
    const section = throughputSection(blob);
    const mib = blob.size / MiB;
    for (let round = 0; round < runs; round++) {
        progress(`throughput round ${round + 1}/${runs}`);
        for (const v of rotated(variants, round)) {
            const up = await uploadBlob(v.endpoint, v.http, "bench/blob", blob);
            results.add(section, `up.${v.id}`, `upload, ${withClient(v)}`, "MiB/s", mib / up.seconds, `HTTP/${up.httpVersion}`);
            const down = await downloadBlob(v.endpoint, v.http, "bench/blob", blob);
            results.add(section, `down.${v.id}`, `download, ${withClient(v)}`, "MiB/s", mib / down.seconds, `HTTP/${down.httpVersion}`);
        }
        await limits.measureRound(blob, results, limitsSection(blob));
    }
}

/** The targets apply to the container as deployed (default bcrypt cost, HTTP/2 off), curl --http1.1 and default alike. */
export function throughputRatios(results: Results): void {
    const s = "Large blob";
    const dc = `container as deployed, ${costLabel(defaultCost)}`;
    for (const dir of ["up", "down"] as const) {
        const word = dir === "up" ? "upload" : "download";
        results.ratio(s, `${dir}.nat/bare`, `${word}: ${dc} / bare process`, `${dir}.nat-h1`, `${dir}.bare-h1`, { op: ">=", value: 0.9 });
        results.ratio(s, `${dir}.nat/bareveth`, `${word}: ${dc} / bare process over veth`, `${dir}.nat-h1`, `${dir}.bareveth-h1`, { op: ">=", value: 0.9 });
        results.ratio(s, `${dir}.bareveth/bare`, `${word}: bare process over veth / on loopback`, `${dir}.bareveth-h1`, `${dir}.bare-h1`);
        results.ratio(s, `${dir}.userland/bare`, `${word}: container via docker-proxy (userland) / bare process`, `${dir}.userland-h1`, `${dir}.bare-h1`);
        results.ratio(s, `${dir}.host/bare`, `${word}: container, --network host / bare process`, `${dir}.host-h1`, `${dir}.bare-h1`);
        results.ratio(s, `${dir}.nat/nginx`, `${word}: ${dc} / nginx-in-front design`, `${dir}.nat-h1`, `${dir}.nginx-front-h1`, { op: ">=", value: 1.3 });
        results.ratio(s, `${dir}.nginx/bare`, `${word}: nginx-in-front design / bare process`, `${dir}.nginx-front-h1`, `${dir}.bare-h1`);
        results.ratio(s, `${dir}.h2on/default`, `${word}: HTTP/2 (h2 on) / HTTP/1.1 (as deployed), curl default offering h2`, `${dir}.h2on-auto`, `${dir}.nat-auto`);
        results.ratio(s, `${dir}.auto/h1`, `${word}: as deployed, curl default (offers h2) / curl --http1.1`, `${dir}.nat-auto`, `${dir}.nat-h1`);
        results.ratio(s, `${dir}.host/nat`, `${word}: --network host / published port, container`, `${dir}.host-h1`, `${dir}.nat-h1`);
    }
    results.ratio(s, "up.nat/sha256", "upload, container as deployed / Go sha256 speed", "up.nat-h1", "limit.sha256");
    results.ratio(s, "up.bare/sha256", "upload, bare process / Go sha256 speed", "up.bare-h1", "limit.sha256");
    results.ratio(s, "up.nat/nginx-put", "upload, container as deployed / nginx TLS PUT limit", "up.nat-h1", "limit.nginx-put");
    results.ratio(s, "up.nat/fsync", "upload, container as deployed / disk write with fsync", "up.nat-h1", "limit.fsync");
    results.ratio(s, "down.nat/nginx-get", "download, container as deployed / nginx TLS file-serving limit", "down.nat-h1", "limit.nginx-get");
    results.ratio(s, "down.bare/nginx-get", "download, bare process / nginx TLS file-serving limit", "down.bare-h1", "limit.nginx-get");
}
