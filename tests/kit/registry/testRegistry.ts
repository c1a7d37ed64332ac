/**
 * A registry deployed for a test: the component evaluated with real (openssl) certificates and
 * its exact container inputs run on the real Docker engine, on 127.0.0.1, under unique names.
 */
import type { PrivateRegistryArgs, RegistryMajor } from "../../../components";
import { ContainerInputs, removeContainerAndVolume, runContainer } from "./container";
import { dockerCli, requireDockerAndImage } from "../docker";
import { removeDockerLeftovers } from "./leftovers";
import { renderRegistry, RenderedRegistry } from "../render/render";

/**
 * The stand-ins tests/kit/provision.sh builds for registry:2 and registry:3, shaped like the
 * official images (entrypoint, default config at each major's path). Their tags name the major.
 */
export const testImages: Record<RegistryMajor, string> = {
    2: "private-registry-test/registry:2.8.2",
    3: "private-registry-test/registry:3.1.2",
};

/** The Distribution version of each stand-in, for test titles. */
export const testVersions: Record<RegistryMajor, string> = { 2: "2.8.2", 3: "3.1.2" };

/** Every major the integration suites run against. */
export const testedMajors: readonly RegistryMajor[] = [2, 3];

/** The default test image (Distribution 2.8, the component's default major). */
export const testImage = testImages[2];

export interface TestRegistry {
    rendered: RenderedRegistry;
    container: ContainerInputs;
    /** Removes the container and its volume. */
    remove(): Promise<void>;
}

/** The component's arguments for a test registry: users admin and ci, on 127.0.0.1, under unique names, 2.8 unless `args.image` says otherwise; `args` add to these. */
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
    const registryArgs = testRegistryArgs(unique, port, args);
    await requireDockerAndImage(registryArgs.image!);
    await removeDockerLeftovers();
    const rendered = await renderRegistry(registryArgs, { tls: "openssl" });
    const container = rendered.mocks.inputsOf("registry-container") as ContainerInputs;
    const volume = rendered.outputs.dataVolumeName;
    if (volume === undefined) throw new Error("startTestRegistry runs filesystem storage; S3 instances start with startInstances");
    await removeContainerAndVolume(container.name!, volume);
    await (options.createVolume ?? ((name: string) => dockerCli("volume", "create", name)))(volume);
    await runContainer(container);
    return { rendered, container, remove: () => removeContainerAndVolume(container.name!, volume) };
}
