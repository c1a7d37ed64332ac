/** Blob upload and download through the registry API (POST, PATCH, PUT as `docker push` does; GET). */
import { createHash, randomBytes } from "node:crypto";
import { open } from "node:fs/promises";
import type { Endpoint } from "../targets/deploy";
import { expectStatus, HttpVersion, transfer, url } from "./curl";
import { MiB } from "../report/stats";

export interface BlobFile {
    path: string;
    size: number;
    digest: string;
}

export interface Timed {
    seconds: number;
    httpVersion: string;
    /** Of an upload: the commit (PUT) alone, where the registry moves the data to the blob's path. */
    commitSeconds?: number;
}

/** A file of random (incompressible, never deduplicated) bytes and its sha256 digest. */
export async function makeRandomBlob(path: string, size: number): Promise<BlobFile> {
    const hash = createHash("sha256");
    const file = await open(path, "w");
    try {
        for (let written = 0; written < size; ) {
            const chunk = randomBytes(Math.min(8 * MiB, size - written));
            hash.update(chunk);
            await file.write(chunk);
            written += chunk.length;
        }
    } finally {
        await file.close();
    }
    return { path, size, digest: `sha256:${hash.digest("hex")}` };
}

/** Path and query of a Location header, so requests stay on the endpoint measured. */
function locationPath(ep: Endpoint, location: string | undefined): string {
    if (!location) throw new Error(`${ep.label}: no Location header`);
    const u = new URL(location, url(ep, "/"));
    return u.pathname + u.search;
}

/** Uploads a blob: the sum of curl's times for POST (start), PATCH (the data) and PUT (commit). */
export async function uploadBlob(ep: Endpoint, http: HttpVersion, repo: string, blob: BlobFile): Promise<Timed> {
    const start = expectStatus(await transfer(ep, http, `/v2/${repo}/blobs/uploads/`, { method: "POST" }), 202, `${ep.label} POST upload`);
    const patch = expectStatus(
        await transfer(ep, http, locationPath(ep, start.headers.location), {
            method: "PATCH",
            uploadFile: blob.path,
            extraHeaders: ["Content-Type: application/octet-stream"],
        }),
        202,
        `${ep.label} PATCH upload`,
    );
    if (patch.uploaded !== blob.size) throw new Error(`${ep.label}: sent ${patch.uploaded} of ${blob.size} bytes`);
    const target = locationPath(ep, patch.headers.location);
    const commit = await transfer(ep, http, `${target}${target.includes("?") ? "&" : "?"}digest=${encodeURIComponent(blob.digest)}`, { method: "PUT" });
    expectStatus(commit, 201, `${ep.label} PUT commit`);
    return { seconds: start.seconds + patch.seconds + commit.seconds, httpVersion: patch.httpVersion, commitSeconds: commit.seconds };
}

export async function downloadBlob(ep: Endpoint, http: HttpVersion, repo: string, blob: BlobFile): Promise<Timed> {
    const t = expectStatus(await transfer(ep, http, `/v2/${repo}/blobs/${blob.digest}`), 200, `${ep.label} GET blob`);
    if (t.downloaded !== blob.size) throw new Error(`${ep.label}: received ${t.downloaded} of ${blob.size} bytes`);
    return { seconds: t.seconds, httpVersion: t.httpVersion };
}
