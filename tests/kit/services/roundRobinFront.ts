/**
 * A simple round-robin TCP front before several registry instances, as a user would put a load
 * balancer there: Debian's nginx with its stream module, TLS passed through untouched. Its own
 * prefix, config, pid file and logs in a temp dir; the system nginx config is never read.
 */
import { chmod, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { freshTempDir } from "../host/tempDirs";
import { startDaemon, stopDaemon } from "./daemons";

export interface HostPort {
    host: string;
    port: number;
}

export interface RoundRobinFront {
    /**
     * Connections nginx opened to each backend, keyed "host:port" as nginx writes it (IPv6 in
     * brackets). Counted when the connection is made (an info line in the error log), so
     * connections still open (a client's keep-alive) count too; failed attempts do not.
     */
    connectionsPerBackend(): Promise<Record<string, number>>;
    /** Stops nginx and removes its dir. Idempotent. */
    stop(): Promise<void>;
}

/** Debian's libnginx-mod-stream. */
const streamModule = "/usr/lib/nginx/modules/ngx_stream_module.so";
const dirPrefix = "nginx-front-";

const address = (a: HostPort) => `${a.host.includes(":") ? `[${a.host}]` : a.host}:${a.port}`;

function config(dir: string, listen: HostPort, backends: HostPort[]): string {
    return `load_module ${streamModule};
worker_processes 1;
pid ${dir}/nginx.pid;
working_directory ${dir};
# info: one line per connection made to a backend, written when it is made.
error_log ${dir}/error.log info;
events { worker_connections 1024; }

stream {
    log_format upstreams '$remote_addr [$time_local] $status $upstream_addr $bytes_sent $bytes_received $session_time';
    access_log ${dir}/access.log upstreams;

    upstream registries {
        # Round robin (the default); a backend that refuses is skipped for 10 s.
${backends.map((b) => `        server ${address(b)} max_fails=1 fail_timeout=10s;`).join("\n")}
    }

    server {
        listen ${address(listen)};
        proxy_pass registries;
        proxy_connect_timeout 2s;
        proxy_next_upstream on;
    }
}
`;
}

export async function startRoundRobinFront(listen: HostPort, backends: HostPort[]): Promise<RoundRobinFront> {
    if (backends.length === 0) throw new Error("round-robin front: no backends");
    const dir = await freshTempDir(dirPrefix);
    // The workers (user nobody) chdir into it.
    await chmod(dir, 0o755);
    const conf = join(dir, "nginx.conf");
    await writeFile(conf, config(dir, listen, backends));
    const child = startDaemon("nginx", ["-p", `${dir}/`, "-c", conf, "-e", join(dir, "error.log"), "-g", "daemon off;"], join(dir, "output.log"), { cwd: dir });
    let stopped = false;
    const stop = async () => {
        if (stopped) return;
        stopped = true;
        // SIGTERM: fast shutdown, without waiting for clients' open connections.
        await stopDaemon(child, 5_000);
        await rm(dir, { recursive: true, force: true });
    };
    try {
        // The pid file is written once the listening socket is open; a probe connection instead
        // would be proxied and counted.
        const deadline = Date.now() + 10_000;
        while (!(await readFile(join(dir, "nginx.pid"), "utf8").then((pid) => pid.trim() === String(child.pid), () => false))) {
            if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
                const log = (await readFile(join(dir, "output.log"), "utf8").catch(() => "")) + (await readFile(join(dir, "error.log"), "utf8").catch(() => ""));
                throw new Error(`nginx did not listen on ${address(listen)}:\n${log.trim().split("\n").slice(-20).join("\n")}`);
            }
            await new Promise((r) => setTimeout(r, 100));
        }
    } catch (e) {
        await stop();
        throw e;
    }
    return {
        connectionsPerBackend: async () => {
            const counts: Record<string, number> = {};
            const log = await readFile(join(dir, "error.log"), "utf8");
            for (const m of log.matchAll(/ proxy \S+ connected to (\S+)/g)) counts[m[1]] = (counts[m[1]] ?? 0) + 1;
            return counts;
        },
        stop,
    };
}
