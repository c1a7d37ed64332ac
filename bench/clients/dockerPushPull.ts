/** The real docker CLI (the kit's) as the registry client, with a config directory of its own per registry, timed. */
import { mkdtemp } from "node:fs/promises";
import { join } from "node:path";
import { Docker, dockerCli } from "../../tests/kit/docker";
import type { Endpoint } from "../targets/deploy";

export interface DockerClient {
    cli: Docker;
    registry: string;
}

/** A `--config` directory, logged in when the registry has credentials. 127.0.0.1 registries are insecure to Docker, so no CA is installed. */
export async function dockerClientFor(ep: Endpoint, workDir: string): Promise<DockerClient> {
    const cli = new Docker(await mkdtemp(join(workDir, "docker-config-")));
    const registry = `127.0.0.1:${ep.port}`;
    if (ep.credentials) await cli.login(registry, ep.credentials.user, ep.credentials.password);
    return { cli, registry };
}

/** Runs `docker --config <dir> <args>` and returns its wall time in seconds. */
export async function timedDocker(client: DockerClient, ...args: string[]): Promise<number> {
    const started = process.hrtime.bigint();
    const result = await client.cli.run(args);
    if (result.code !== 0) throw new Error(`docker ${args.join(" ")}: ${result.stderr || `exit code ${result.code}`}`);
    return Number(process.hrtime.bigint() - started) / 1e9;
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
