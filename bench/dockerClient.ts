/** The real docker CLI as the registry client, with a config directory of its own per registry. */
import { execFile, spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { join } from "node:path";
import { dockerCli } from "../tests/support/dockerEngine";
import type { Endpoint } from "./deploy";

export interface DockerClient {
    configDir: string;
    registry: string;
}

function withStdin(args: string[], stdin: string): Promise<void> {
    return new Promise((resolve, reject) => {
        const child = spawn("docker", args, { stdio: ["pipe", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`docker ${args[2]}: ${stderr}`))));
        child.stdin.end(stdin);
    });
}

/** A `--config` directory, logged in when the registry has credentials. 127.0.0.1 registries are insecure to Docker, so no CA is installed. */
export async function dockerClientFor(ep: Endpoint, workDir: string): Promise<DockerClient> {
    const configDir = await mkdtemp(join(workDir, "docker-config-"));
    const registry = `127.0.0.1:${ep.port}`;
    if (ep.credentials) {
        await withStdin(["--config", configDir, "login", "-u", ep.credentials.user, "--password-stdin", registry], ep.credentials.password);
    }
    return { configDir, registry };
}

/** Runs `docker --config <dir> <args>` and returns its wall time in seconds. */
export function timedDocker(client: DockerClient, ...args: string[]): Promise<number> {
    const started = process.hrtime.bigint();
    return new Promise((resolve, reject) => {
        execFile("docker", ["--config", client.configDir, ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) => {
            if (error) reject(new Error(`docker ${args.join(" ")}: ${stderr || error.message}`));
            else resolve(Number(process.hrtime.bigint() - started) / 1e9);
        });
    });
}

export interface DaemonAccess {
    /** HTTP versions the daemon used, e.g. ["1.1"]. */
    protocols: string[];
    requests: number;
}

/** The docker daemon's requests in the registry's access log between two ISO times. */
export async function daemonAccess(container: string, since: string, until: string): Promise<DaemonAccess> {
    const logs = await dockerCli("logs", "--since", since, "--until", until, container).catch(() => "");
    const found = new Set<string>();
    let requests = 0;
    for (const line of logs.split("\n")) {
        const m = /"[A-Z]+ \S+ HTTP\/([0-9.]+)" \d+ \d+ "[^"]*" "docker\//.exec(line);
        if (m) {
            found.add(m[1]);
            requests++;
        }
    }
    return { protocols: [...found].sort(), requests };
}
