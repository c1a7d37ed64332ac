/**
 * A small client for the registry's HTTP API (Distribution's /v2/), over node's https with the
 * registry's CA. Paths are sent exactly as given (no normalisation), so hostile-input tests send
 * what they claim to send; every request opens its own connection, so a restarted registry never
 * meets a stale pooled socket.
 */
import { createHash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { request } from "node:https";

export const mediaTypes = {
    manifestV2: "application/vnd.docker.distribution.manifest.v2+json",
    manifestListV2: "application/vnd.docker.distribution.manifest.list.v2+json",
    signedSchema1: "application/vnd.docker.distribution.manifest.v1+prettyjws",
    imageConfig: "application/vnd.docker.container.image.v1+json",
    layer: "application/vnd.docker.image.rootfs.diff.tar.gzip",
    ociManifest: "application/vnd.oci.image.manifest.v1+json",
    ociIndex: "application/vnd.oci.image.index.v1+json",
} as const;

export function sha256Digest(data: Buffer | string): string {
    return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

export interface ApiResponse {
    status: number;
    headers: IncomingHttpHeaders;
    body: Buffer;
}

export interface RequestOptions {
    headers?: Record<string, string>;
    body?: Buffer | string;
    /** Send the client's credentials (default true). */
    auth?: boolean;
}

/**
 * A request the server answered by resetting the connection before its answer arrived: what
 * Distribution does to a request it refuses without reading the body (it answers, then closes
 * the connection with the body unread), when the client is still sending that body.
 */
interface ConnectionReset {
    reset: NodeJS.ErrnoException;
}

/** The `code`s of a Distribution error body (`{"errors":[{"code":...}]}`); [] for anything else. */
export function errorCodes(res: ApiResponse): string[] {
    try {
        const parsed = JSON.parse(res.body.toString()) as { errors?: { code?: unknown }[] };
        return (parsed.errors ?? []).map((e) => String(e.code));
    } catch {
        return [];
    }
}

/** A response as one line for assertion messages. */
export function responseSummary(res: ApiResponse): string {
    return `${res.status} ${res.body.toString().slice(0, 300)}`;
}

export class RegistryApi {
    readonly origin: string;

    constructor(
        readonly port: number,
        private readonly ca: string,
        private readonly credentials: { user: string; password: string },
    ) {
        this.origin = `https://127.0.0.1:${port}`;
    }

    /** `target` is a path (sent as is) or an absolute URL on this registry (e.g. an upload Location). */
    request(method: string, target: string, options: RequestOptions = {}): Promise<ApiResponse> {
        const path = target.startsWith("https://") ? this.pathOf(target) : target;
        const body = options.body === undefined ? undefined : Buffer.from(options.body);
        const headers: Record<string, string> = { ...options.headers };
        if (options.auth !== false) {
            headers.Authorization = `Basic ${Buffer.from(`${this.credentials.user}:${this.credentials.password}`).toString("base64")}`;
        }
        if (body !== undefined) headers["Content-Length"] = String(body.length);
        return new Promise((resolve, reject) => {
            const req = request(
                { host: "127.0.0.1", port: this.port, method, path, headers, ca: this.ca, agent: false, timeout: 30_000 },
                (res) => {
                    const chunks: Buffer[] = [];
                    res.on("data", (c: Buffer) => chunks.push(c));
                    res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
                    res.on("error", reject);
                },
            );
            req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer within 30 s`)));
            req.on("error", reject);
            req.end(body);
        });
    }

    /** `request`, except that a connection reset (ECONNRESET, EPIPE) is returned as a {@link ConnectionReset}, not thrown. */
    async requestOrReset(method: string, target: string, options: RequestOptions = {}): Promise<ApiResponse | ConnectionReset> {
        try {
            return await this.request(method, target, options);
        } catch (e) {
            const code = (e as NodeJS.ErrnoException).code;
            if (code === "ECONNRESET" || code === "EPIPE") return { reset: e as NodeJS.ErrnoException };
            throw e;
        }
    }

    /** The digest the registry serves for repo:tag as a schema 2 manifest, or undefined (with the status). */
    async manifestDigest(repo: string, reference: string): Promise<{ status: number; digest: string | undefined }> {
        const res = await this.request("HEAD", `/v2/${repo}/manifests/${reference}`, { headers: { Accept: mediaTypes.manifestV2 } });
        const digest = res.headers["docker-content-digest"];
        return { status: res.status, digest: typeof digest === "string" ? digest : undefined };
    }

    /** POST /blobs/uploads/: the upload's Location. */
    async startUpload(repo: string): Promise<string> {
        const res = await this.request("POST", `/v2/${repo}/blobs/uploads/`);
        if (res.status !== 202 || typeof res.headers.location !== "string") throw new Error(`starting an upload to ${repo}: ${responseSummary(res)}`);
        return new URL(res.headers.location, this.origin).toString();
    }

    /** PATCH one chunk at `offset` of a chunked upload. */
    uploadChunk(location: string, chunk: Buffer, offset: number): Promise<ApiResponse> {
        return this.request("PATCH", location, chunkRequest(chunk, offset));
    }

    /** {@link uploadChunk} to an upload the registry may refuse: a reset while sending the chunk is returned, not thrown. */
    uploadChunkOrReset(location: string, chunk: Buffer, offset: number): Promise<ApiResponse | ConnectionReset> {
        return this.requestOrReset("PATCH", location, chunkRequest(chunk, offset));
    }

    /** PUT <location>&digest=: completes an upload, optionally with a last piece of data. */
    finishUpload(location: string, digest: string, data: Buffer = Buffer.alloc(0)): Promise<ApiResponse> {
        const url = new URL(location, this.origin);
        url.searchParams.set("digest", digest);
        return this.request("PUT", url.toString(), { body: data, headers: { "Content-Type": "application/octet-stream" } });
    }

    /** A monolithic blob upload (POST, then PUT with the data); returns the final response. */
    async pushBlob(repo: string, data: Buffer, digest = sha256Digest(data)): Promise<ApiResponse> {
        return this.finishUpload(await this.startUpload(repo), digest, data);
    }

    /** Polls GET /v2/ until the registry answers 200 (after a restart); throws after `withinMs`. */
    async waitUntilServing(withinMs = 30_000): Promise<void> {
        const deadline = Date.now() + withinMs;
        let last = "no answer yet";
        while (Date.now() < deadline) {
            try {
                const res = await this.request("GET", "/v2/");
                if (res.status === 200) return;
                last = responseSummary(res);
            } catch (e) {
                last = (e as Error).message;
            }
            await new Promise((r) => setTimeout(r, 200));
        }
        throw new Error(`registry on port ${this.port} not serving after ${withinMs} ms: ${last}`);
    }

    private pathOf(url: string): string {
        const parsed = new URL(url);
        if (parsed.origin !== this.origin) throw new Error(`${url} is not on ${this.origin}`);
        return `${parsed.pathname}${parsed.search}`;
    }
}

function chunkRequest(chunk: Buffer, offset: number): RequestOptions {
    return { body: chunk, headers: { "Content-Type": "application/octet-stream", "Content-Range": `${offset}-${offset + chunk.length - 1}` } };
}
