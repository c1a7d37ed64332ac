/**
 * A throwaway second Docker daemon that plays a client host's dockerd: it reads its config from
 * a host root folder (`<root>/etc/docker/daemon.json`), and its pid file and socket are where a
 * host has them (`<root>/var/run/docker.pid`, `<root>/var/run/docker.sock`), so the client trust
 * script's SIGHUP reloads it as it would reload a host's Docker. Its data and exec root (with its
 * own containerd) live in an owned temp dir of its own; no iptables, no IP forwarding: it only
 * pulls images. Its default network is a bridge of its own (`prbr<pid>`), never `--bridge=none`:
 * a dockerd without a bridge deletes any `docker0` of its network namespace, which is the host's
 * one here, and every container of the machine's own dockerd on the default network would then
 * fail to start. Its certs.d is still the machine's /etc/docker/certs.d (fixed for a daemon
 * run as root), so the registries it pulls from are trusted through host/loopbackNames.ts.
 *
 * The daemon runs in its own process group, is killed at exit (daemons.ts), and a killed run's
 * daemon, mounts and dir are removed by the next start.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, rmdir } from "node:fs/promises";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { docker } from "../docker";
import { freshTempDir, processesUsing } from "../host/tempDirs";
import { ownerAlive } from "../host/owner";
import { runProcess, RunResult } from "../host/process";
import { startDaemon, stopDaemon } from "./daemons";

const dirPrefix = "test-dockerd-";
const bridgePrefix = "prbr";

export interface DockerDaemon {
    /** `unix://<root>/var/run/docker.sock`: the daemon for `docker -H`. */
    host: string;
    /** dockerd's pid, as its pid file has it. */
    pid: number;
    /** `docker -H <host> <args>` (root's CLI config) to its end; never throws for a non-zero exit. */
    docker(args: string[], stdin?: string): Promise<RunResult>;
    /** The daemon's `registry-mirrors` as `docker info` reports them now (Docker adds a trailing `/`). */
    registryMirrors(): Promise<string[]>;
    /**
     * Stops the daemon (SIGTERM, SIGKILL after 15 s), waits until it and its containerd are gone
     * and its pid file and socket are removed, unmounts anything left under its dir and removes the
     * dir, and the folders of `root` it created for the pid file. Idempotent.
     */
    stop(): Promise<void>;
}

/**
 * Starts dockerd on `root` (a host root folder: `<root>/etc/docker/daemon.json` must exist, as
 * dockerd refuses a named config file that does not); returns once it answers on its socket.
 */
export async function startDockerDaemon(root: string): Promise<DockerDaemon> {
    const configFile = join(root, "etc/docker/daemon.json");
    if (!existsSync(configFile)) throw new Error(`startDockerDaemon needs ${configFile} (dockerd refuses a missing --config-file)`);
    await unmountStaleDirs();
    const dir = await freshTempDir(dirPrefix);
    const pidFile = join(root, "var/run/docker.pid");
    const socket = join(root, "var/run/docker.sock");
    const host = `unix://${socket}`;
    // The folders of the pid file and socket, made here if the root has none, and removed again by stop.
    const madeDirs: string[] = [];
    for (const folder of [join(root, "var"), join(root, "var/run")]) {
        if (existsSync(folder)) continue;
        await mkdir(folder);
        madeDirs.push(folder);
    }
    const bridge = await createBridge();
    const output = join(dir, "dockerd.log");
    // Separate arguments (not --flag=path): a later run finds a killed run's daemon by its dir on the command line.
    const child = startDaemon(
        "dockerd",
        [
            "--config-file", configFile,
            "--pidfile", pidFile,
            "--data-root", join(dir, "data"),
            "--exec-root", join(dir, "exec"),
            "-H", host,
            "--bridge", bridge,
            "--iptables=false",
            "--ip6tables=false",
            "--ip-forward=false",
            "--ip-masq=false",
        ],
        output,
        { cwd: dir },
    );
    const cli = (args: string[], stdin?: string) => docker.run(["-H", host, ...args], stdin);

    let stopped = false;
    const stop = async () => {
        if (stopped) return;
        stopped = true;
        await stopDaemon(child, 15_000);
        // Its containerd dies with it (dockerd starts it with a parent-death signal): wait for that.
        for (let i = 0; i < 100 && (await processesUsing(dir)).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
        for (const pid of await processesUsing(dir)) signal(pid, "SIGKILL");
        // A daemon that had to be killed leaves its pid file and socket behind.
        await rm(pidFile, { force: true });
        await rm(socket, { force: true });
        for (const folder of madeDirs.reverse()) await rmdir(folder).catch(() => undefined);
        await unmountUnder(dir);
        await rm(dir, { recursive: true, force: true });
        await runProcess("ip", ["link", "del", bridge]);
    };

    try {
        const deadline = Date.now() + 30_000;
        for (;;) {
            const version = await cli(["version", "--format", "{{.Server.Version}}"]);
            if (version.code === 0 && existsSync(pidFile)) break;
            if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
                const log = await readFile(output, "utf8").catch(() => "");
                throw new Error(`dockerd on ${host} did not start (${version.stderr.trim()}):\n${log.trim().split("\n").slice(-20).join("\n")}`);
            }
            await new Promise((r) => setTimeout(r, 200));
        }
    } catch (e) {
        await stop();
        throw e;
    }

    return {
        host,
        pid: child.pid!,
        docker: cli,
        async registryMirrors() {
            const info = await cli(["info", "--format", "{{json .RegistryConfig.Mirrors}}"]);
            if (info.code !== 0) throw new Error(`docker -H ${host} info failed: ${info.stderr.trim()}`);
            return (JSON.parse(info.stdout) as string[] | null) ?? [];
        },
        stop,
    };
}

function signal(pid: number, name: NodeJS.Signals): void {
    try {
        process.kill(pid, name);
    } catch {
        // Already gone.
    }
}

/** Lazily unmounts every mount point under `dir`, deepest first (a killed daemon's overlay or netns mounts). */
async function unmountUnder(dir: string): Promise<void> {
    const mountPoints = (await readFile("/proc/self/mountinfo", "utf8"))
        .split("\n")
        .map((line) => line.split(" ")[4]?.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))))
        .filter((point): point is string => point !== undefined && point.startsWith(`${dir}/`))
        .sort((a, b) => b.length - a.length);
    for (const point of mountPoints) await runProcess("umount", ["-l", point]);
}

/** The bridge of this process's daemon: named after its pid (at most 15 characters), with a /30 of TEST-NET-1 (192.0.2.0/24, never routed). */
const bridgeName = `${bridgePrefix}${process.pid}`;

/** Creates this process's bridge (after removing those of gone runs), up, with its address. */
async function createBridge(): Promise<string> {
    const links = await runProcess("ip", ["-o", "link", "show", "type", "bridge"]);
    for (const [, name, pid] of links.stdout.matchAll(new RegExp(`^\\d+: (${bridgePrefix}(\\d+)):`, "gm"))) {
        if (name === bridgeName || !pidAlive(Number(pid))) await runProcess("ip", ["link", "del", name]);
    }
    const address = `192.0.2.${(process.pid % 64) * 4 + 1}/30`;
    for (const args of [["link", "add", bridgeName, "type", "bridge"], ["addr", "add", address, "dev", bridgeName], ["link", "set", bridgeName, "up"]]) {
        const result = await runProcess("ip", args);
        if (result.code !== 0) throw new Error(`ip ${args.join(" ")} failed: ${result.stderr.trim()}`);
    }
    return bridgeName;
}

function pidAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}

/** Unmounts what daemons of gone runs left mounted; freshTempDir then kills their processes and removes their dirs. */
async function unmountStaleDirs(): Promise<void> {
    for (const name of await readdir(tmpdir())) {
        if (!name.startsWith(dirPrefix)) continue;
        const dir = join(tmpdir(), name);
        const owner = (await readFile(join(dir, "owner"), "utf8").catch(() => "")).trim();
        if (owner.includes(" ") && !ownerAlive(owner)) await unmountUnder(dir);
    }
}
