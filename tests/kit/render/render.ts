/**
 * Runs the PrivateRegistry component under mocks and returns everything it declared: the
 * recorded resources and options, and its resolved outputs. Tests use this to check the graph
 * and to hand the exact rendered files to the real registry.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PrivateRegistryArgs } from "../../../components";
import { MockOptions, optionsRecorder, RecordedOptions, RegistryMocks, valueOf } from "./mocks";
import { setEngineFeatures } from "./engineFeatures";

const project = "private-registry";
const stack = "test";

export interface RenderedRegistry {
    mocks: RegistryMocks;
    options: RecordedOptions[];
    outputs: {
        address: string;
        url: string;
        addresses: string[];
        tlsSource: import("../../../components").TlsSource;
        clientCaRequired: boolean;
        caCertificatePem: string | undefined;
        /** Undefined with ACME. */
        serverCertificatePem: string | undefined;
        userNames: string[];
        passwords: Record<string, string>;
        htpasswd: string;
        registryConfig: string;
        containerName: string;
        /** Undefined with S3 storage. */
        dataVolumeName: string | undefined;
        /** Only with ACME. */
        acmeVolumeName: string | undefined;
        instances: Record<string, import("../../../components").RegistryInstanceSummary>;
    };
    registry: import("../../../components").PrivateRegistry;
}

let mocks: RegistryMocks | undefined;

/** The process's mock monitor, to inspect a render that threw. */
export function currentMocks(): RegistryMocks | undefined {
    return mocks;
}

/** One mock monitor per process; each render starts a fresh recording on it. */
async function mocksFor(options: MockOptions): Promise<RegistryMocks> {
    if (mocks === undefined) {
        mocks = new RegistryMocks(options);
        await pulumi.runtime.setMocks(mocks, project, stack, false);
        setEngineFeatures();
    }
    mocks.reset(options);
    return mocks;
}

export async function renderRegistry(
    args: PrivateRegistryArgs,
    mockOptions: MockOptions = { tls: "fake" },
    name = "registry",
): Promise<RenderedRegistry> {
    const mocks = await mocksFor(mockOptions);
    // Imported after setMocks, as Pulumi's testing guide asks.
    const { PrivateRegistry } = await import("../../../components");
    const options: RecordedOptions[] = [];
    const registry = new PrivateRegistry(name, args, { transformations: [optionsRecorder(options)] });
    const outputs = {
        address: await valueOf(registry.address),
        url: await valueOf(registry.url),
        addresses: await valueOf(registry.addresses),
        tlsSource: await valueOf(registry.tlsSource),
        clientCaRequired: await valueOf(registry.clientCaRequired),
        caCertificatePem: await valueOf(registry.caCertificatePem),
        serverCertificatePem: await valueOf(registry.serverCertificatePem),
        userNames: await valueOf(registry.userNames),
        passwords: await valueOf(registry.passwords),
        htpasswd: await valueOf(registry.htpasswd),
        registryConfig: await valueOf(registry.registryConfig),
        containerName: await valueOf(registry.containerName),
        dataVolumeName: await valueOf(registry.dataVolumeName),
        acmeVolumeName: await valueOf(registry.acmeVolumeName),
        instances: await valueOf(registry.instances),
    };
    return { mocks, options, outputs, registry };
}

/** The files the container receives, by path inside the container. */
export function uploadedFiles(rendered: RenderedRegistry, containerResource = "registry-container") {
    const inputs = rendered.mocks.inputsOf(containerResource) as {
        uploads: { file: string; content: string; permissions: string }[];
    };
    return new Map(inputs.uploads.map((u) => [u.file, u]));
}
