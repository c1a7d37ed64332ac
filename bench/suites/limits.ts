/**
 * This machine's limits, measured in the same rounds as the registry:
 * - sha256 speed of Go's crypto/sha256 (built with the `go` on PATH; its version and each
 *   registry binary's are recorded in the report), the hash an upload goes through;
 * - disk write with fsync (dd conv=fsync) next to Docker's volumes, as the registry syncs a
 *   blob when it commits it;
 * - nginx serving the file over TLS (download) and taking it by PUT over TLS (upload, no fsync).
 */
import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { BlobFile } from "../clients/blobs";
import { expectStatus, transfer } from "../clients/curl";
import type { Endpoint } from "../targets/deploy";
import type { Results } from "../report/results";
import { MiB } from "../report/stats";

const exec = promisify(execFile);

export class Limits {
    private constructor(
        private readonly hasher: string,
        private readonly workDir: string,
        private readonly nginx: Endpoint,
        /** Path of the blob under nginx's /static/. */
        private readonly staticName: (blob: BlobFile) => string,
    ) {}

    /** Builds the Go hasher (its build cache in the work directory, removed at the end). */
    static async create(workDir: string, nginx: Endpoint, staticName: (blob: BlobFile) => string): Promise<Limits> {
        const hasher = join(workDir, "sha256-go");
        const env = { ...process.env, GOCACHE: join(workDir, "go-cache"), GOPATH: join(workDir, "go"), GO111MODULE: "off" };
        await exec("go", ["build", "-o", hasher, join(__dirname, "sha256", "main.go")], { env });
        return new Limits(hasher, workDir, nginx, staticName);
    }

    async measureRound(blob: BlobFile, results: Results, section: string): Promise<void> {
        const mib = blob.size / MiB;
        const { stdout } = await exec(this.hasher, [blob.path], { maxBuffer: 1024 * 1024 });
        const [bytes, seconds, hex] = stdout.trim().split(" ");
        if (`sha256:${hex}` !== blob.digest || Number(bytes) !== blob.size) throw new Error("Go hasher: wrong digest");
        results.add(section, "limit.sha256", "Go crypto/sha256, in memory (the registry's hashing)", "MiB/s", mib / Number(seconds));

        const target = join(this.workDir, "fsync-test");
        const started = process.hrtime.bigint();
        await exec("dd", [`if=${blob.path}`, `of=${target}`, "bs=4M", "conv=fsync", "status=none"]);
        const ddSeconds = Number(process.hrtime.bigint() - started) / 1e9;
        await rm(target);
        results.add(section, "limit.fsync", "disk write with fsync (dd conv=fsync, page-cached source)", "MiB/s", mib / ddSeconds);

        const get = expectStatus(await transfer(this.nginx, "1.1", `/static/${this.staticName(blob)}`), 200, "nginx static GET");
        results.add(section, "limit.nginx-get", "nginx serving the file over TLS (GET)", "MiB/s", mib / get.seconds, `HTTP/${get.httpVersion}`);
        const put = await transfer(this.nginx, "1.1", "/dav/blob", { method: "PUT", uploadFile: blob.path });
        if (put.status !== 201 && put.status !== 204) throw new Error(`nginx DAV PUT: HTTP ${put.status}`);
        results.add(section, "limit.nginx-put", "nginx taking the file over TLS (DAV PUT to disk, no fsync)", "MiB/s", mib / put.seconds, `HTTP/${put.httpVersion}`);
    }
}
