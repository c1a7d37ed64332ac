/**
 * The s3 suite: the large blob up and down through one S3 instance, and the parallel blobs at
 * once, all through one instance and split across the two, beside the filesystem figures of the
 * container as deployed. Those come from the throughput and parallel suites when they ran in
 * this invocation; otherwise this suite measures them itself, in the same rounds. Same client
 * (curl --http1.1), same blobs, same upload (POST, PATCH, PUT) and download (GET) as there.
 */
import { BlobFile, downloadBlob, uploadBlob } from "../clients/blobs";
import type { Endpoint } from "../targets/deploy";
import { parallelTransfers } from "./parallel";
import type { Results } from "../report/results";
import { progress } from "../report/progress";
import { rotated } from "./rounds";
import { parallelStreams } from "./runBlobs";
import type { S3Deployment } from "../targets/s3Deploy";
import { MiB } from "../report/stats";

/** Which suites ran before this one in the same invocation. */
export interface FilesystemSource {
    throughput: boolean;
    parallel: boolean;
}

/** Ids of the filesystem figures beside the S3 rows: the other suites' deployed container, or this suite's own. */
function filesystemIds(ran: FilesystemSource) {
    return {
        up: ran.throughput ? "up.nat-h1" : "s3-up.fs",
        down: ran.throughput ? "down.nat-h1" : "s3-down.fs",
        parUp: ran.parallel ? "par-up.nat-h1" : "s3-par-up.fs",
        parDown: ran.parallel ? "par-down.nat-h1" : "s3-par-down.fs",
    };
}

/** One measurement of a round; S3 ones leave data in the bucket, which is emptied after them. */
interface Step {
    s3: boolean;
    run(): Promise<void>;
}

export async function measureS3(d: S3Deployment, deployed: Endpoint, blob: BlobFile, blobs: BlobFile[], ran: FilesystemSource, runs: number, results: Results): Promise<void> {
    const mib = blob.size / MiB;
    const section = `S3 storage (Ceph RGW on loopback), two instances over one bucket: ${mib} MiB blob, one stream; ${blobs.length} × ${blobs[0].size / MiB} MiB at once (curl --http1.1)`;
    const [a, b] = d.instances;
    const single = (id: string, what: string, ep: Endpoint, repo: string): Step => ({
        s3: id !== "fs",
        run: async () => {
            const up = await uploadBlob(ep, "1.1", repo, blob);
            results.add(section, `s3-up.${id}`, `upload, ${what}`, "MiB/s", mib / up.seconds, `HTTP/${up.httpVersion}`);
            // S3 has no rename: the commit copies the data to the blob's key, then deletes the upload's.
            results.add(section, `s3-commit.${id}`, `upload's commit alone (PUT), ${what}`, "s", up.commitSeconds ?? NaN, `HTTP/${up.httpVersion}`);
            const down = await downloadBlob(ep, "1.1", repo, blob);
            results.add(section, `s3-down.${id}`, `download, ${what}`, "MiB/s", mib / down.seconds, `HTTP/${down.httpVersion}`);
        },
    });
    const parallel = (id: string, what: string, via: (i: number) => Endpoint, repo: string): Step => ({
        s3: id !== "fs",
        run: async () => {
            const rates = await parallelTransfers(via, "1.1", repo, blobs);
            results.add(section, `s3-par-up.${id}`, `${blobs.length}× upload, ${what}`, "MiB/s", rates.up, "HTTP/1.1");
            results.add(section, `s3-par-down.${id}`, `${blobs.length}× download, ${what}`, "MiB/s", rates.down, "HTTP/1.1");
        },
    });
    const filesystem = "filesystem, container as deployed (measured in these rounds)";
    const steps: Step[] = [
        single("one", "S3, one instance", a, "bench/s3"),
        parallel("one", "S3, all through one instance", () => a, "bench/s3-parallel"),
        parallel("two", `S3, split across two instances (${Math.ceil(blobs.length / 2)} + ${Math.floor(blobs.length / 2)})`, (i) => (i % 2 === 0 ? a : b), "bench/s3-parallel"),
        // The same repositories as the throughput and parallel suites use on this container.
        ...(ran.throughput ? [] : [single("fs", filesystem, deployed, "bench/blob")]),
        ...(ran.parallel ? [] : [parallel("fs", filesystem, () => deployed, "bench/parallel")]),
    ];
    for (let round = 0; round < runs; round++) {
        progress(`s3 round ${round + 1}/${runs}`);
        for (const step of rotated(steps, round)) {
            await step.run();
            // The commit skips its copy when the blob is already in the bucket: every S3 upload must be a first one.
            if (step.s3) await d.emptyBucket();
        }
    }
}

/** Ratios to the filesystem and two instances / one, and the side-by-side table of the report. */
export function s3Ratios(results: Results, ran: FilesystemSource): void {
    if (!results.get("s3-up.one")) return;
    const s = "S3";
    const fs = filesystemIds(ran);
    const n = parallelStreams;
    results.ratio(s, "s3.up.one/fs", "upload: S3, one instance / filesystem, container as deployed", "s3-up.one", fs.up);
    results.ratio(s, "s3.down.one/fs", "download: S3, one instance / filesystem, container as deployed", "s3-down.one", fs.down);
    results.ratio(s, "s3.par-up.one/fs", `${n}× upload: S3, all through one instance / filesystem, container as deployed`, "s3-par-up.one", fs.parUp);
    results.ratio(s, "s3.par-down.one/fs", `${n}× download: S3, all through one instance / filesystem, container as deployed`, "s3-par-down.one", fs.parDown);
    results.ratio(s, "s3.par-up.two/one", `${n}× upload: S3, split across two instances / all through one`, "s3-par-up.two", "s3-par-up.one");
    results.ratio(s, "s3.par-down.two/one", `${n}× download: S3, split across two instances / all through one`, "s3-par-down.two", "s3-par-down.one");
    const from = ran.throughput && ran.parallel ? "the throughput and parallel suites" : ran.throughput ? "the throughput suite and these rounds" : ran.parallel ? "the parallel suite and these rounds" : "these rounds";
    results.tables.push({
        title: `S3 beside filesystem: MiB/s, medians; filesystem from ${from}; ratios are medians of per-round ratios`,
        columns: ["", "filesystem (as deployed)", "S3, one instance", "S3, two instances", "S3 one / filesystem", "two / one"],
        rows: [
            { label: "upload, one stream", cells: [{ figure: fs.up }, { figure: "s3-up.one" }, undefined, { ratio: "s3.up.one/fs" }, undefined] },
            { label: "download, one stream", cells: [{ figure: fs.down }, { figure: "s3-down.one" }, undefined, { ratio: "s3.down.one/fs" }, undefined] },
            { label: `${n}× upload at once`, cells: [{ figure: fs.parUp }, { figure: "s3-par-up.one" }, { figure: "s3-par-up.two" }, { ratio: "s3.par-up.one/fs" }, { ratio: "s3.par-up.two/one" }] },
            { label: `${n}× download at once`, cells: [{ figure: fs.parDown }, { figure: "s3-par-down.one" }, { figure: "s3-par-down.two" }, { ratio: "s3.par-down.one/fs" }, { ratio: "s3.par-down.two/one" }] },
        ],
    });
}

/** What the S3 figures are, for the notes under the report. */
export function s3Notes(d: S3Deployment, ran: FilesystemSource, ceph: string): string[] {
    const fromOther = [ran.throughput ? "one stream: the throughput suite" : "", ran.parallel ? "parallel: the parallel suite" : ""].filter(Boolean);
    return [
        `S3: ${ceph}, one monitor and one OSD (bluestore on a sparse file under /tmp, this machine's disk, pool size 1) and the RADOS gateway on 127.0.0.1 over plain HTTP, all sharing this machine's cores with the registries and curl. The component rendered with storage s3 (chunk size ${d.chunkSize / MiB} MiB, its default) and two instances, run with --network host (the gateway is on loopback), unlike the deployed container's published port.`,
        "S3 uploads: the bucket is emptied after every S3 measurement, so every upload is a first upload and its commit copies the data from the upload's key to the blob's key, as a new layer's push does. Two instances on one machine share the same cores, disk and gateway: their figures show that the path works and what it costs, not scale-out.",
        `Filesystem beside S3: the container as deployed, ${fromOther.length > 0 ? `${fromOther.join("; ")} (the same run and blobs, other minutes; rounds paired by number)` : "measured in the s3 suite's own rounds"}${fromOther.length === 1 ? ", the rest in the s3 suite's own rounds" : ""}.`,
    ];
}
