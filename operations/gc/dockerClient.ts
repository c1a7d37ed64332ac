/**
 * The docker CLI as the way to a Docker host: it already speaks every host form users give the
 * stack (`unix://`, `tcp://` with DOCKER_TLS_VERIFY, `ssh://`) and honours their contexts.
 */
import { spawn } from "node:child_process";

export interface DockerResult {
    code: number;
    stdout: Buffer;
    stderr: string;
}

export class DockerClient {
    /** `host`: as for `docker --host`; unset means the CLI's own default (DOCKER_HOST or its context). */
    constructor(readonly host?: string) {}

    /**
     * Runs `docker <args>` to its end and never throws for a non-zero exit. Children run in their
     * own process group, so a Ctrl-C at the terminal reaches only this process, which then
     * brings the registry back instead of leaving a half-done `docker start` behind.
     */
    run(args: string[], stdin?: string | Buffer): Promise<DockerResult> {
        const argv = this.host ? ["--host", this.host, ...args] : args;
        return new Promise((resolve, reject) => {
            const child = spawn("docker", argv, { stdio: ["pipe", "pipe", "pipe"], detached: true });
            const out: Buffer[] = [];
            let stderr = "";
            child.stdout.on("data", (c: Buffer) => out.push(c));
            child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
            child.on("error", (e: NodeJS.ErrnoException) =>
                reject(e.code === "ENOENT" ? new Error("the docker CLI is not installed (it is how this tool reaches the Docker host)") : e),
            );
            child.on("close", (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: stderr.trim() }));
            child.stdin.on("error", () => undefined);
            child.stdin.end(stdin ?? "");
        });
    }

    /** Runs `docker <args>`; throws with docker's own message on failure. */
    async check(args: string[], stdin?: string | Buffer): Promise<string> {
        const r = await this.run(args, stdin);
        if (r.code !== 0) throw new Error(`docker ${args[0]} failed: ${r.stderr || `exit code ${r.code}`}`);
        return r.stdout.toString().trim();
    }
}
