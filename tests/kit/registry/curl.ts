/** The real curl as the HTTP client: status, headers and body of one request. */
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "../host/tempDirs";

export interface CurlResult {
    /** curl's exit code: 0, or e.g. 60 for a certificate that does not verify. */
    exitCode: number;
    status: number;
    headers: Record<string, string>;
    body: Buffer;
    stderr: string;
}

export async function curl(args: string[], body?: Buffer): Promise<CurlResult> {
    return withTempDir("curl-", async (dir) => {
        const extra: string[] = [];
        if (body !== undefined) {
            await writeFile(join(dir, "request"), body);
            extra.push("--data-binary", `@${join(dir, "request")}`);
        }
        const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
            execFile(
                "curl",
                ["-sS", "--max-time", "30", "-o", join(dir, "body"), "-D", join(dir, "headers"), "-w", "%{http_code}", ...extra, ...args],
                { maxBuffer: 16 * 1024 * 1024 },
                (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
            );
        });
        const headerText = await readFile(join(dir, "headers"), "utf8").catch(() => "");
        const headers: Record<string, string> = {};
        for (const line of headerText.split("\r\n")) {
            const i = line.indexOf(":");
            if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
        }
        return {
            exitCode: result.code,
            status: Number(result.stdout) || 0,
            headers,
            body: await readFile(join(dir, "body")).catch(() => Buffer.alloc(0)),
            stderr: result.stderr,
        };
    });
}
