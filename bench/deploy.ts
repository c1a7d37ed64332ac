/**
 * The registry under test: the component rendered with real (openssl) certificates, and its
 * exact container inputs run on the local Docker engine, as tests/kit/registry/testRegistry.ts
 * startTestRegistry does (same arguments). Rendering and running are split here so that several
 * containers can start at once (renders share one mock monitor and must not overlap).
 */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { PrivateRegistryArgs } from "../components";
import { ContainerInputs, removeContainerAndVolume, runContainer } from "../tests/kit/registry/container";
import { dockerCli, requireDockerAndImage } from "../tests/kit/docker";
import { renderRegistry, RenderedRegistry } from "../tests/kit/render/render";
import { testImage, testRegistryArgs } from "../tests/kit/registry/testRegistry";
import { onCleanup } from "./cleanup";
import { ConfigEdit, withEditedConfig } from "./configEdits";
import { removeStaleNamespaces } from "./netns";

export interface Credentials {
    user: string;
    password: string;
}

/** Somewhere a registry API answers, on 127.0.0.1. */
export interface Endpoint {
    label: string;
    port: number;
    scheme: "https" | "http";
    /** CA of the certificate served there. */
    caFile: string;
    credentials?: Credentials;
    /** Container behind it, for its access log. */
    container?: string;
    /**
     * Connect to this address (in the bench's own network namespace) instead of 127.0.0.1;
     * requests then name benchHostnames[0], which the certificate carries.
     */
    address?: string;
}

export interface BenchRender {
    variant: string;
    port: number;
    rendered: RenderedRegistry;
    container: ContainerInputs;
    caFile: string;
    credentials: Credentials;
}

/** This run's prefix for every name it creates: `registry-bench-<pid>-<random>-...`. */
export const runId = `bench-${process.pid}-${randomBytes(3).toString("hex")}`;
export const benchHostnames = ["registry.bench", "127.0.0.1"];

/** Renders the component for one variant, with startTestRegistry's arguments plus `args`. */
export async function renderBench(workDir: string, variant: string, port: number, args: Partial<PrivateRegistryArgs> = {}): Promise<BenchRender> {
    const unique = `${runId}-${variant}`;
    const rendered = await renderRegistry(testRegistryArgs(unique, port, { hostnames: benchHostnames, ...args }), { tls: "openssl" });
    const caFile = join(workDir, `${variant}-ca.pem`);
    await writeFile(caFile, rendered.outputs.caCertificatePem!);
    const container = rendered.mocks.inputsOf("registry-container") as ContainerInputs;
    return { variant, port, rendered, container, caFile, credentials: { user: "admin", password: rendered.outputs.passwords.admin } };
}

/**
 * Runs the rendered container (config optionally edited) with its published port, or with
 * `--network host`; removed with its volume at cleanup.
 */
export async function deployContainer(r: BenchRender, network: "published" | "host", ...edits: ConfigEdit[]): Promise<string> {
    const inputs = withEditedConfig(r.container, ...edits);
    const name = inputs.name!;
    const volume = r.rendered.outputs.dataVolumeName;
    await removeContainerAndVolume(name, volume);
    onCleanup(`remove container ${name}${volume ? ` and volume ${volume}` : ""}`, () => removeContainerAndVolume(name, volume));
    if (volume !== undefined) await dockerCli("volume", "create", volume);
    await runContainer(inputs, { network });
    return name;
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}

/** Removes containers and volumes an earlier bench left when it was killed (its pid is gone). */
export async function removeStaleBenchContainers(): Promise<void> {
    await removeStaleNamespaces(alive);
    await requireDockerAndImage(testImage);
    const names = (await dockerCli("ps", "-a", "--filter", "name=registry-bench-", "--format", "{{.Names}}")).split("\n").filter(Boolean);
    for (const name of names) {
        const pid = Number(/^registry-bench-(\d+)-/.exec(name)?.[1]);
        if (pid && pid !== process.pid && !alive(pid)) {
            console.log(`removing ${name}, left by an earlier bench (pid ${pid} is gone)`);
            await removeContainerAndVolume(name, `${name}-data`);
        }
    }
}
