/**
 * A registry deployed for a test: the component evaluated with real (openssl) certificates and
 * its exact container inputs run on the real Docker engine, on 127.0.0.1, under unique names.
 */
import type { PrivateRegistryArgs } from "../../../components";
import { ContainerInputs, removeContainerAndVolume, runContainer } from "./container";
import { dockerCli, requireDockerAndImage } from "../docker";
import { removeDockerLeftovers } from "./leftovers";
import { renderRegistry, RenderedRegistry } from "../render/render";

export const testImage = process.env.REGISTRY_TEST_IMAGE ?? "private-registry-test/registry:2.8.2";

export interface TestRegistry {
    rendered: RenderedRegistry;
    container: ContainerInputs;
    /** Removes the container and its volume. */
    remove(): Promise<void>;
}

/** The component's arguments for a test registry: users admin and ci, on 127.0.0.1, under unique names; `args` add to these. */
export function testRegistryArgs(unique: string, port: number, args: Omit<PrivateRegistryArgs, "port">): PrivateRegistryArgs {
    return {
        port,
        bindAddress: "127.0.0.1",
        users: ["admin", "ci"],
        image: testImage,
        containerName: `registry-${unique}`,
        dataVolumeName: `registry-${unique}-data`,
        ...args,
    };
}

export interface StartOptions {
    /** Creates the data volume (as the docker provider would find an existing one); default `docker volume create`. */
    createVolume?: (name: string) => Promise<unknown>;
}

/** `unique` names the container and volume; `args` add to the defaults (users admin and ci). */
export async function startTestRegistry(unique: string, port: number, args: Omit<PrivateRegistryArgs, "port">, options: StartOptions = {}): Promise<TestRegistry> {
    await requireDockerAndImage(testImage);
    await removeDockerLeftovers();
    const rendered = await renderRegistry(testRegistryArgs(unique, port, args), { tls: "openssl" });
    const container = rendered.mocks.inputsOf("registry-container") as ContainerInputs;
    const volume = rendered.outputs.dataVolumeName;
    if (volume === undefined) throw new Error("startTestRegistry runs filesystem storage; S3 instances start with startInstances");
    await removeContainerAndVolume(container.name!, volume);
    await (options.createVolume ?? ((name: string) => dockerCli("volume", "create", name)))(volume);
    await runContainer(container);
    return { rendered, container, remove: () => removeContainerAndVolume(container.name!, volume) };
}
