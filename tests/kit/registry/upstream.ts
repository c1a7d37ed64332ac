/**
 * An upstream registry for the mirror tests, standing in for Docker Hub (or a private registry
 * with Basic auth) on 127.0.0.1: the mirrors run in the host network and reach it there. Its
 * container and volume carry a `uniqueName` (and the owner label), so what a killed run left is
 * removed by `removeDockerLeftovers`; the test images it pushed are removed right after the push,
 * so a pull through a mirror really downloads them.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { dockerCli, requireDockerAndImage } from "../docker";
import { freePort } from "../host/net";
import { uniqueName } from "../host/owner";
import { freshTempDir } from "../host/tempDirs";
import { RegistryApi } from "./api";
import { ContainerInputs, removeContainerAndVolume, runContainer } from "./container";
import { ImageClient } from "./imageClient";
import { ownerLabels, removeDockerLeftovers } from "./leftovers";
import { onLoopbackPorts } from "./sharedInstances";
import { testImages, testRegistryArgs } from "./testRegistry";
import { renderRegistry } from "../render/render";

export interface Upstream {
    /** e.g. http://127.0.0.1:PORT (anonymous) or https://127.0.0.1:PORT (with credentials) */
    url: string;
    /** 127.0.0.1:PORT, for docker push/pull to the upstream itself */
    address: string;
    /** only with credentials: the upstream's own CA (PEM), user and password */
    caCertificatePem?: string;
    username?: string;
    password?: string;
    /** Imports a random test image and pushes it to the upstream as `<repo>:<tag>` (e.g. library/busybox:1); returns the manifest digest. */
    pushImage(repo: string, tag: string): Promise<string>;
    stop(): Promise<void>;
    start(): Promise<void>;
    remove(): Promise<void>;
}

/** The size of each pushed test image: one layer of random bytes. */
const imageBytes = 1024 * 1024;
/** The user of a credentialed upstream (its only one). */
const upstreamUser = "puller";

/** What differs between the two kinds: the container, how to tell it serves, and its credentials. */
interface UpstreamServer {
    url: string;
    port: number;
    container: string;
    credentials?: { caCertificatePem: string; username: string; password: string };
    /** Resolves once /v2/ answers as it should (200, with the credentials if any). */
    waitUntilServing(): Promise<void>;
    remove(): Promise<void>;
}

/**
 * Starts an upstream on 127.0.0.1: anonymous, the registry:3 stand-in with its built-in default
 * config (plain HTTP, no auth); with credentials, a registry rendered by the component (TLS from
 * its own CA, htpasswd with one user). Returns once it serves. Both run in the host network, so
 * they need no Docker bridge. With credentials it renders the component, which starts a new mock
 * recording: start it before rendering the registry under test. Docker pushes to it over TLS
 * without trusting its CA, since it skips TLS checks on 127.0.0.0/8.
 */
export async function startUpstream(options: { credentials: boolean }): Promise<Upstream> {
    await requireDockerAndImage(testImages[3]);
    await removeDockerLeftovers();
    const server = options.credentials ? await credentialedServer() : await anonymousServer();
    let work: string | undefined;
    try {
        work = await freshTempDir("mirror-upstream-");
        const configDir = join(work, "docker");
        const address = `127.0.0.1:${server.port}`;
        if (server.credentials) await new ImageClient(configDir).login(address, server.credentials.username, server.credentials.password);
        const dir = work;
        return {
            url: server.url,
            address,
            ...server.credentials,
            pushImage: (repo, tag) => pushAndForget(new ImageClient(configDir), `${address}/${repo}:${tag}`),
            stop: async () => void (await dockerCli("stop", "--time", "5", server.container)),
            start: async () => {
                await dockerCli("start", server.container);
                await server.waitUntilServing();
            },
            remove: async () => {
                await server.remove();
                await rm(dir, { recursive: true, force: true });
            },
        };
    } catch (e) {
        await server.remove();
        if (work) await rm(work, { recursive: true, force: true });
        throw e;
    }
}

/**
 * Imports a random image as `ref` with a client of its own, pushes it, then removes it locally:
 * with no local layer a later pull really downloads, and no image a test pulled meanwhile (the
 * same image ID through a mirror) is touched. Returns the pushed digest.
 */
async function pushAndForget(cli: ImageClient, ref: string): Promise<string> {
    await cli.importImage(ref, imageBytes);
    try {
        return (await cli.push(ref)).digest;
    } finally {
        await cli.removeAll();
    }
}

/** The registry:3 stand-in as its image ships it (plain HTTP, no auth), in the host network on a loopback port. */
async function anonymousServer(): Promise<UpstreamServer> {
    const container = uniqueName("upstream");
    const volume = `${container}-data`;
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const labels = Object.entries(ownerLabels).flatMap(([key, value]) => ["--label", `${key}=${value}`]);
    const remove = () => removeContainerAndVolume(container, volume);
    const waitUntilServing = () => waitForStatus(url, 200);
    try {
        await dockerCli("volume", "create", ...labels, volume);
        await dockerCli(
            "run", "--detach", "--name", container, ...labels, "--network", "host",
            "--env", `REGISTRY_HTTP_ADDR=127.0.0.1:${port}`, "--env", "OTEL_TRACES_EXPORTER=none",
            "--volume", `${volume}:/var/lib/registry`, testImages[3],
        );
        await waitUntilServing();
    } catch (e) {
        await remove();
        throw e;
    }
    return { url, port, container, waitUntilServing, remove };
}

/**
 * A registry:3 the component rendered (TLS from its own CA, one htpasswd user), its exact
 * container inputs in the host network on a loopback port, as the mirrors reach it.
 */
async function credentialedServer(): Promise<UpstreamServer> {
    const unique = uniqueName("upstream");
    const port = await freePort();
    const rendered = await renderRegistry(testRegistryArgs(unique, port, { hostnames: ["127.0.0.1"], image: testImages[3], users: [upstreamUser] }), { tls: "openssl" });
    const declared = rendered.mocks.inputsOf("registry-container") as ContainerInputs;
    const inputs = onLoopbackPorts(declared, declared.name!, port, await freePort());
    const remove = () => removeContainerAndVolume(inputs.name!, rendered.outputs.dataVolumeName);
    const credentials = { caCertificatePem: rendered.outputs.caCertificatePem!, username: upstreamUser, password: rendered.outputs.passwords[upstreamUser] };
    const api = new RegistryApi(port, credentials.caCertificatePem, { user: upstreamUser, password: credentials.password });
    try {
        await remove();
        await runContainer(inputs, { network: "host" });
    } catch (e) {
        await remove();
        throw e;
    }
    return { url: `https://127.0.0.1:${port}`, port, container: inputs.name!, credentials, waitUntilServing: () => api.waitUntilServing(), remove };
}

/** Polls GET `url`/v2/ until it answers `status`; throws after `withinMs`. */
async function waitForStatus(url: string, status: number, withinMs = 30_000): Promise<void> {
    const deadline = Date.now() + withinMs;
    let last = "no answer yet";
    while (Date.now() < deadline) {
        try {
            const res = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(5_000) });
            if (res.status === status) return;
            last = `HTTP ${res.status}`;
        } catch (e) {
            last = (e as Error).message;
        }
        await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`upstream ${url} not serving after ${withinMs} ms: ${last}`);
}
