/** curl as the HTTP client, with its own timing of each transfer (process start-up excluded). */
import { execFile } from "node:child_process";
import { benchHostnames, Endpoint } from "../targets/deploy";

/** "auto" is curl's default for HTTPS: offer h2 and HTTP/1.1 by ALPN, take what the server picks. */
export type HttpVersion = "1.1" | "2" | "auto";

export const curlHttpFlag: Record<HttpVersion, string[]> = { "1.1": ["--http1.1"], "2": ["--http2"], auto: [] };

export interface Transfer {
    status: number;
    /** curl's time_total: connect, TLS handshake and transfer. */
    seconds: number;
    uploaded: number;
    downloaded: number;
    /** What was negotiated: "1.1" or "2". */
    httpVersion: string;
    headers: Record<string, string>;
}

export interface TransferOptions {
    method?: string;
    /** File sent as the request body. */
    uploadFile?: string;
    /** Send the endpoint's credentials (default true when it has some). */
    authenticate?: boolean;
    extraHeaders?: string[];
}

const marker = "__bench_curl__";

export function url(ep: Endpoint, pathAndQuery: string): string {
    return `${ep.scheme}://${ep.address ? benchHostnames[0] : "127.0.0.1"}:${ep.port}${pathAndQuery}`;
}

/** Common flags: verify TLS against the endpoint's CA, pick the HTTP version, no Expect: 100-continue (Docker's client sends none). */
export function curlFlags(ep: Endpoint, http: HttpVersion, authenticate = true): string[] {
    const flags = ["-sS", "--max-time", "900", "-H", "Expect:", ...curlHttpFlag[http]];
    if (ep.scheme === "https") flags.push("--cacert", ep.caFile);
    if (ep.address) flags.push("--resolve", `${benchHostnames[0]}:${ep.port}:${ep.address}`);
    if (authenticate && ep.credentials) flags.push("-u", `${ep.credentials.user}:${ep.credentials.password}`);
    return flags;
}

export function runCurl(args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile("curl", args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
            if (error) reject(new Error(`curl ${args.filter((a) => !a.includes(":") || a.startsWith("http")).join(" ")}: ${stderr || error.message}`));
            else resolve(stdout);
        });
    });
}

/** One request; the body goes to /dev/null, headers and timings are returned. */
export async function transfer(ep: Endpoint, http: HttpVersion, pathAndQuery: string, o: TransferOptions = {}): Promise<Transfer> {
    const args = [...curlFlags(ep, http, o.authenticate ?? true), "-D", "-", "-o", "/dev/null"];
    args.push("-w", `${marker} %{http_code} %{time_total} %{size_upload} %{size_download} %{http_version}\n`);
    if (o.method) args.push("-X", o.method);
    if (o.uploadFile) args.push("-T", o.uploadFile);
    else if (o.method === "PUT" || o.method === "POST" || o.method === "PATCH") args.push("--data-binary", ""); // Content-Length: 0 (nginx wants one)
    for (const h of o.extraHeaders ?? []) args.push("-H", h);
    args.push(url(ep, pathAndQuery));
    const out = await runCurl(args);
    const line = out.split("\n").find((l) => l.startsWith(marker));
    if (!line) throw new Error(`curl gave no timing line: ${out.slice(0, 500)}`);
    const [, status, seconds, up, down, version] = line.split(" ");
    const headers: Record<string, string> = {};
    for (const l of out.split(/\r?\n/)) {
        const i = l.indexOf(":");
        if (i > 0 && !l.startsWith(marker)) headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
    }
    return { status: Number(status), seconds: Number(seconds), uploaded: Number(up), downloaded: Number(down), httpVersion: version, headers };
}

export function expectStatus(t: Transfer, expected: number, what: string): Transfer {
    if (t.status !== expected) throw new Error(`${what}: HTTP ${t.status}, expected ${expected}`);
    return t;
}
