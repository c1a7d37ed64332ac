/** Runs a program to its end and hands back its exit code and output; the kit's way to run anything but docker (../docker.ts). */
import { spawn } from "node:child_process";

export interface RunResult {
    code: number;
    stdout: string;
    stderr: string;
}

/** Runs a program to its end with `stdin` (and `env` added to this process's); never throws for a non-zero exit. */
export function runProcess(program: string, args: string[], stdin = "", env: Record<string, string> = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(program, args, { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, ...env } });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
        child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
        child.stdin.on("error", () => undefined);
        child.stdin.end(stdin);
    });
}
