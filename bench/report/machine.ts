/** What the figures were taken on, and how busy the machine was. */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readdir, readFile, rm } from "node:fs/promises";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { RegistryMajor } from "../../components/version/args";
import { dockerCli } from "../../tests/kit/docker";
import { testImages } from "../../tests/kit/registry/testRegistry";
import { registryBinary } from "../targets/bareRegistry";
import { runId } from "../targets/deploy";

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

/** The registry binary of one major's image. */
export interface RegistryBuild {
    major: RegistryMajor;
    image: string;
    /** `registry --version` in the image. */
    version: string;
    /** The Go version the image's /bin/registry was built with (`go version` on a copy taken out of the image). */
    go: string;
    sha256: string;
}

/** The bare process's binary: its Go version, and whether it is the 2.8 image's very binary. */
interface BareRegistryBuild {
    path: string;
    go: string;
    sameAsImage2: boolean;
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
    /** The registry of each major measured, 2.8 first. */
    registries: RegistryBuild[];
    bareRegistry: BareRegistryBuild;
    goForHasher: string;
    nginx: string;
    /** Ceph's version (the s3 suite's object store), or why it is unavailable. */
    ceph: string;
    curl: string;
    node: string;
}

/** `go version <binary>` reads the Go version a binary was built with (from its build info). */
const goVersionOf = async (binary: string) => (await firstLine("go", ["version", binary])).replace(/^.*: /, "");

const sha256Of = async (file: string) => createHash("sha256").update(await readFile(file)).digest("hex");

/**
 * The image's own binary, copied out of a created (never started) container into `workDir`, so
 * the Go version is the image's, whatever the host has; the official images keep it at /bin/registry too.
 */
async function registryBuild(major: RegistryMajor, workDir: string): Promise<RegistryBuild> {
    const image = testImages[major];
    const name = `registry-${runId}-binary${major}`;
    const copy = join(workDir, `registry-binary-${major}`);
    await dockerCli("create", "--name", name, image);
    try {
        await dockerCli("cp", "-L", `${name}:/bin/registry`, copy);
    } finally {
        // -v: the image's VOLUME gave the created container an anonymous volume.
        await dockerCli("rm", "-f", "-v", name);
    }
    try {
        const version = await dockerCli("run", "--rm", "--name", `registry-${runId}-version${major}`, image, "--version").catch((e: Error) => `unknown (${e.message})`);
        return { major, image, version, go: await goVersionOf(copy), sha256: await sha256Of(copy) };
    } finally {
        await rm(copy, { force: true });
    }
}

export async function describeMachine(workDir: string, majors: readonly RegistryMajor[]): Promise<Machine> {
    const cpuinfo = await readFile("/proc/cpuinfo", "utf8");
    const dockerd = await dockerdCommandLine();
    const registries: RegistryBuild[] = [];
    for (const major of majors) registries.push(await registryBuild(major, workDir));
    const bareSha256 = await sha256Of(registryBinary);
    return {
        cpuModel: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? "unknown",
        cores: cpus().length,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        kernel: (await firstLine("uname", ["-sr"])),
        docker: await dockerCli("version", "--format", "client {{.Client.Version}}, server {{.Server.Version}}"),
        dockerd,
        userlandProxyOff: /--userland-proxy[= ]false/.test(dockerd),
        registries,
        bareRegistry: { path: registryBinary, go: await goVersionOf(registryBinary), sameAsImage2: registries.some((r) => r.major === 2 && r.sha256 === bareSha256) },
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
