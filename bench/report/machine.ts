/** What the figures were taken on, and how busy the machine was. */
import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { cpus, loadavg, totalmem } from "node:os";
import { promisify } from "node:util";
import { dockerCli } from "../../tests/kit/docker";
import { testImage } from "../../tests/kit/registry/testRegistry";
import { registryBinary } from "../targets/bareRegistry";

const exec = promisify(execFile);

async function firstLine(program: string, args: string[]): Promise<string> {
    try {
        const { stdout, stderr } = await exec(program, args);
        return (stdout || stderr).trim().split("\n")[0];
    } catch (e) {
        return `unavailable (${(e as Error).message.split("\n")[0]})`;
    }
}

/** The command line of the running dockerd, to know how loopback ports are published. */
async function dockerdCommandLine(): Promise<string> {
    for (const pid of await readdir("/proc")) {
        if (!/^\d+$/.test(pid)) continue;
        const comm = await readFile(`/proc/${pid}/comm`, "utf8").catch(() => "");
        if (comm.trim() === "dockerd") return (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0").filter(Boolean).join(" ");
    }
    return "dockerd not found";
}

export interface Machine {
    cpuModel: string;
    cores: number;
    memoryGiB: number;
    kernel: string;
    docker: string;
    dockerd: string;
    /** True when dockerd runs with --userland-proxy=false (loopback ports NATed by the kernel). */
    userlandProxyOff: boolean;
    registryImage: string;
    registryVersion: string;
    registryGo: string;
    goForHasher: string;
    nginx: string;
    /** Ceph's version (the s3 suite's object store), or why it is unavailable. */
    ceph: string;
    curl: string;
    node: string;
}

export async function describeMachine(): Promise<Machine> {
    const cpuinfo = await readFile("/proc/cpuinfo", "utf8");
    const dockerd = await dockerdCommandLine();
    // `go version <binary>` reads the Go version a binary was built with.
    const registryGo = (await firstLine("go", ["version", registryBinary])).replace(/^.*: /, "");
    return {
        cpuModel: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? "unknown",
        cores: cpus().length,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        kernel: (await firstLine("uname", ["-sr"])),
        docker: await dockerCli("version", "--format", "client {{.Client.Version}}, server {{.Server.Version}}"),
        dockerd,
        userlandProxyOff: /--userland-proxy[= ]false/.test(dockerd),
        registryImage: testImage,
        registryVersion: await dockerCli("run", "--rm", testImage, "--version").catch((e: Error) => `unknown (${e.message})`),
        registryGo,
        goForHasher: await firstLine("go", ["version"]),
        nginx: await firstLine("nginx", ["-v"]),
        ceph: await firstLine("ceph", ["--version"]),
        curl: await firstLine("curl", ["--version"]),
        node: process.version,
    };
}

export interface Load {
    loadavg: number[];
    /** Other containers running (not this bench's). */
    otherContainers: string[];
}

export async function currentLoad(ownPrefix: string): Promise<Load> {
    const names = (await dockerCli("ps", "--format", "{{.Names}}")).split("\n").filter((n) => n && !n.startsWith(ownPrefix));
    return { loadavg: loadavg().map((l) => Math.round(l * 100) / 100), otherContainers: names };
}
