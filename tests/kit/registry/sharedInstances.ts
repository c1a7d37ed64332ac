/**
 * Registry instances the component declared for several Docker hosts, run side by side on this
 * machine's one Docker engine. Each runs its exact container inputs (the same uploaded config,
 * htpasswd and certificate) with three differences a single host forces: a unique container
 * name, the host's network (so the object store and Redis on this machine's loopback are
 * reached as the registry would reach them on its network), and its own loopback ports, set
 * through Distribution's environment overrides (REGISTRY_HTTP_ADDR, REGISTRY_HTTP_DEBUG_ADDR),
 * which leave the config file byte-identical across instances. Everything else is as declared:
 * the command (serve the uploaded config) and the environment (added to, never replaced).
 */
import { healthcheckCommand } from "../../../components";
import { ContainerInputs, removeContainerAndVolume, runContainer } from "./container";
import { dockerCli } from "../docker";
import { removeDockerLeftovers } from "./leftovers";
import { freePort } from "../host/net";
import { RegistryApi } from "./api";
import { RenderedRegistry } from "../render/render";

export interface SharedInstance {
    /** Instance name in the component (`instances[].name`). */
    name: string;
    /** Container name on this machine. */
    container: string;
    /** Registry port on 127.0.0.1. */
    port: number;
    api: RegistryApi;
    /** The inputs it was started from. */
    inputs: ContainerInputs;
    stop(): Promise<void>;
    start(): Promise<void>;
    remove(): Promise<void>;
}

/** The container inputs of one instance as run here: host network, own ports, unique name. */
export function inputsForThisMachine(rendered: RenderedRegistry, instance: string, unique: string, port: number, debugPort: number): ContainerInputs {
    const declared = rendered.mocks.inputsOf(`registry-${instance}-container`) as ContainerInputs;
    return onLoopbackPorts(declared, `registry-${unique}-${instance}`, port, debugPort);
}

/**
 * Declared container inputs as run in the host's network under `name`: the registry and its debug
 * listener on 127.0.0.1 ports of their own (environment overrides), the health check following.
 */
export function onLoopbackPorts(declared: ContainerInputs, name: string, port: number, debugPort: number): ContainerInputs {
    return {
        ...declared,
        name,
        // The declared environment (3.x: OTEL_TRACES_EXPORTER) as it is, then the two port overrides.
        envs: [
            ...(declared.envs ?? []).filter((e) => !/^REGISTRY_HTTP_(DEBUG_)?ADDR=/.test(e)),
            `REGISTRY_HTTP_ADDR=127.0.0.1:${port}`,
            `REGISTRY_HTTP_DEBUG_ADDR=127.0.0.1:${debugPort}`,
        ],
        healthcheck: { ...declared.healthcheck!, tests: healthcheckCommand(debugPort) },
    };
}

/** Starts every instance of `rendered` (all of `rendered.outputs.instances`) at once; returns when each is healthy. */
export async function startSharedInstances(rendered: RenderedRegistry, unique: string, user = "admin"): Promise<SharedInstance[]> {
    await removeDockerLeftovers();
    // Ports one after another (two free-port probes at once could be handed the same port), then
    // the starts together: Docker's first health probe comes one interval (10 s) after a start.
    const planned: { name: string; port: number; debugPort: number }[] = [];
    for (const name of Object.keys(rendered.outputs.instances)) planned.push({ name, port: await freePort(), debugPort: await freePort() });
    return Promise.all(planned.map((p) => startInstance(rendered, p.name, unique, user, p.port, p.debugPort)));
}

async function startInstance(rendered: RenderedRegistry, name: string, unique: string, user: string, port: number, debugPort: number): Promise<SharedInstance> {
    const inputs = inputsForThisMachine(rendered, name, unique, port, debugPort);
    const container = inputs.name!;
    await removeContainerAndVolume(container, undefined);
    await runContainer(inputs, { network: "host" });
    const api = new RegistryApi(port, rendered.outputs.caCertificatePem!, { user, password: rendered.outputs.passwords[user] });
    return {
        name,
        container,
        port,
        api,
        inputs,
        stop: async () => void (await dockerCli("stop", "--time", "5", container)),
        start: async () => {
            await dockerCli("start", container);
            await api.waitUntilServing();
        },
        remove: () => removeContainerAndVolume(container, undefined),
    };
}
