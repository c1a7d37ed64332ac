/** Runs a program to its end and hands back its exit code and output; the kit's way to run anything but docker (../docker.ts). */
import { spawn } from "node:child_process";

export interface RunResult {
    code: number;
    stdout: string;
    stderr: string;
}

/** Where a process runs: its folder, and whether `env` is added to this process's or is the whole environment. */
export interface ProcessPlace {
    cwd?: string;
    inheritEnv?: boolean;
}

/** Runs a program to its end with `stdin` and `env`; never throws for a non-zero exit. */
export function runProcess(program: string, args: string[], stdin = "", env: Record<string, string> = {}, place: ProcessPlace = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
        const environment = place.inheritEnv === false ? env : { ...process.env, ...env };
        const child = spawn(program, args, { stdio: ["pipe", "pipe", "pipe"], env: environment, cwd: place.cwd });
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
