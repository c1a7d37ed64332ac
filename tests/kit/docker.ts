/**
 * The kit's one way to talk to the Docker engine: the docker CLI (with root's config, or a
 * config folder of its own so logins stay out of root's), a tar streamed into it, and the Engine
 * API on the socket for what the CLI cannot express (a container created from exact inputs).
 * Everything else in tests/ and bench/ that runs Docker goes through here.
 */
import { ChildProcess, spawn, StdioOptions } from "node:child_process";
import { request } from "node:http";
import { runProcess, RunResult } from "./host/process";

export class Docker {
    /**
     * `configDir`: the CLI's `--config` folder (logins, contexts); root's own when undefined.
     * `host`: the daemon (`unix:///…/docker.sock`); the machine's own when undefined.
     */
    constructor(
        readonly configDir?: string,
        readonly host?: string,
    ) {}

    /** Runs `docker <args>` to its end with `stdin`; never throws for a non-zero exit. */
    run(args: string[], stdin?: string): Promise<RunResult> {
        return runProcess("docker", this.withConfig(args), stdin);
    }

    /** Runs `docker <args>`; its stdout, trimmed. Throws with docker's stderr when it fails. */
    async cli(...args: string[]): Promise<string> {
        const result = await this.run(args);
        if (result.code !== 0) throw new Error(`docker ${args.join(" ")} failed (exit code ${result.code}): ${result.stderr.trim()}`);
        return result.stdout.trim();
    }

    /** `docker login`, the password on stdin. */
    async login(address: string, user: string, password: string): Promise<void> {
        const result = await this.run(["login", "--username", user, "--password-stdin", address], password);
        if (result.code !== 0) throw new Error(`docker login ${address} as ${user}: ${result.stderr}`);
    }

    /** Starts `docker <args>` and hands over the process, for a caller that watches its output as it comes. */
    spawn(args: string[], stdio: StdioOptions = ["ignore", "pipe", "pipe"]): ChildProcess {
        return spawn("docker", this.withConfig(args), { stdio });
    }

    /** Streams `dir` as a tar (files owned by root) into `docker <args>`, which reads it from stdin; throws with docker's stderr on failure. */
    async pipeTar(dir: string, ...args: string[]): Promise<void> {
        const tar = spawn("tar", ["-C", dir, "--owner=0", "--group=0", "-cf", "-", "."], { stdio: ["ignore", "pipe", "inherit"] });
        const docker = this.spawn(args, ["pipe", "ignore", "pipe"]);
        tar.stdout.pipe(docker.stdin!);
        let stderr = "";
        docker.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
        const code = await new Promise<number | null>((resolve) => docker.on("close", resolve));
        if (code !== 0) throw new Error(`docker ${args.join(" ")} failed: ${stderr}`);
    }

    private withConfig(args: string[]): string[] {
        const daemon = this.host === undefined ? [] : ["-H", this.host];
        return this.configDir === undefined ? [...daemon, ...args] : ["--config", this.configDir, ...daemon, ...args];
    }
}

/** The docker CLI with root's config. */
export const docker = new Docker();

/** `docker <args>` with root's config: its stdout, trimmed; throws with its stderr on failure. */
export function dockerCli(...args: string[]): Promise<string> {
    return docker.cli(...args);
}

/**
 * One Engine API request on the daemon's socket (`socketPath`, else `DOCKER_SOCKET`, else
 * /var/run/docker.sock); JSON body in, status and body out.
 */
export function engine(method: string, path: string, body?: unknown, socketPath?: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
        const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
        const req = request(
            {
                socketPath: socketPath ?? process.env.DOCKER_SOCKET ?? "/var/run/docker.sock",
                path,
                method,
                headers: payload ? { "Content-Type": "application/json", "Content-Length": payload.length } : {},
            },
            (res) => {
                const chunks: Buffer[] = [];
                res.on("data", (c: Buffer) => chunks.push(c));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
            },
        );
        req.on("error", reject);
        req.end(payload);
    });
}

/** Fails clearly (never skips) when the engine or the test image is missing. */
export async function requireDockerAndImage(image: string): Promise<void> {
    try {
        await dockerCli("info", "--format", "{{.ServerVersion}}");
    } catch (e) {
        throw new Error(`integration tests need a running Docker engine; run 'bash tests/kit/provision.sh' as root (${(e as Error).message})`);
    }
    try {
        await dockerCli("image", "inspect", image);
    } catch {
        throw new Error(`integration tests need the image ${image}; run 'bash tests/kit/provision.sh' as root`);
    }
}
