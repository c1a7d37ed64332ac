/**
 * The registry under test: the component rendered with real (openssl) certificates, and its
 * exact container inputs run on the local Docker engine, as tests/kit/registry/testRegistry.ts
 * startTestRegistry does (same arguments). Rendering and running are split here so that several
 * containers can start at once (renders share one mock monitor and must not overlap).
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { PrivateRegistryArgs } from "../../components";
import type { RegistryMajor } from "../../components/version/args";
import { ContainerInputs, removeContainerAndVolume, runContainer } from "../../tests/kit/registry/container";
import { dockerCli, requireDockerAndImage } from "../../tests/kit/docker";
import { renderRegistry, RenderedRegistry } from "../../tests/kit/render/render";
import { testImage, testImages, testRegistryArgs } from "../../tests/kit/registry/testRegistry";
import { removeDockerLeftovers } from "../../tests/kit/registry/leftovers";
import { uniqueName } from "../../tests/kit/host/owner";
import { onCleanup } from "./cleanup";
import { ConfigEdit, withEditedConfig } from "./configEdits";
import { removeStaleNamespaces } from "./netns";

interface Credentials {
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
    /** The Distribution major of its image (the test image of that major). */
    major: RegistryMajor;
    port: number;
    rendered: RenderedRegistry;
    container: ContainerInputs;
    caFile: string;
    credentials: Credentials;
}

/** This run's prefix for every name it creates: `registry-bench-<pid>-<random>-...`. */
export const runId = uniqueName("bench");
export const benchHostnames = ["registry.bench", "127.0.0.1"];

/** Renders the component for one variant, with startTestRegistry's arguments plus `args`, on `major`'s test image (2.8 by default). */
export async function renderBench(workDir: string, variant: string, port: number, args: Partial<PrivateRegistryArgs> = {}, major: RegistryMajor = 2): Promise<BenchRender> {
    const unique = `${runId}-${variant}`;
    const rendered = await renderRegistry(testRegistryArgs(unique, port, { hostnames: benchHostnames, image: testImages[major], ...args }), { tls: "openssl" });
    const caFile = join(workDir, `${variant}-ca.pem`);
    await writeFile(caFile, rendered.outputs.caCertificatePem!);
    const container = rendered.mocks.inputsOf("registry-container") as ContainerInputs;
    return { variant, major, port, rendered, container, caFile, credentials: { user: "admin", password: rendered.outputs.passwords.admin } };
}

/**
 * Runs the rendered container (config optionally edited) with its published port, or with
 * `--network host`; removed with its volume at cleanup.
 */
export async function deployContainer(r: BenchRender, network: "published" | "host", ...edits: ConfigEdit[]): Promise<string> {
    const inputs = withEditedConfig(r.container, r.major, ...edits);
    const name = inputs.name!;
    const volume = r.rendered.outputs.dataVolumeName;
    await removeContainerAndVolume(name, volume);
    onCleanup(`remove container ${name}${volume ? ` and volume ${volume}` : ""}`, () => removeContainerAndVolume(name, volume));
    if (volume !== undefined) await dockerCli("volume", "create", volume);
    await runContainer(inputs, { network });
    return name;
}

/**
 * Removes what an earlier bench (or test run) left when it was killed, its pid gone: the
 * bench's network namespaces, then the kit's sweep of containers, volumes and test images.
 */
export async function removeLeftoversOfKilledRuns(): Promise<void> {
    await removeStaleNamespaces();
    await requireDockerAndImage(testImage);
    for (const what of await removeDockerLeftovers()) console.log(`removed ${what}, left by a run that is gone`);
}
