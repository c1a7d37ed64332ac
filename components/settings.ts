import type { PrivateRegistryArgs } from "./args";
import type { CertificateName } from "./shared/hostnames";
import { ClientTrustSettings, resolveClientTrust } from "./clientTrust/args";
import { CredentialsSettings, resolveCredentials } from "./credentials/args";
import { EndpointSettings, resolveEndpoint } from "./endpoint/args";
import { DeploymentSettings, resolveDeployment } from "./instances/args";
import { resolveStorage, StorageSettings } from "./instances/storage";
import { RegistryConfigSettings, resolveRegistryConfig } from "./registryConfig/args";
import { resolveTls, TlsSettings } from "./tls/args";
import { RegistryVersionSettings, resolveRegistryVersion } from "./version/args";
import { MirrorsSettings, resolveMirrors } from "./mirrors/args";

/** Every setting with its default filled in, by domain; no secrets (only whether they were given). */
export interface RegistrySettings {
    /** The component's name. */
    name: string;
    endpoint: EndpointSettings;
    tls: TlsSettings;
    credentials: CredentialsSettings;
    registryConfig: RegistryConfigSettings;
    deployment: DeploymentSettings;
    /** The Distribution major of `deployment.image`. */
    version: RegistryVersionSettings;
    storage: StorageSettings;
    mirrors: MirrorsSettings;
    clientTrust: ClientTrustSettings;
}

/** Each domain resolves its own part; pure, so validation can be tested without Pulumi. */
export function resolveSettings(name: string, args: PrivateRegistryArgs): RegistrySettings {
    const deployment = resolveDeployment(name, args);
    return {
        name,
        endpoint: resolveEndpoint(args),
        tls: resolveTls(args),
        credentials: resolveCredentials(args),
        registryConfig: resolveRegistryConfig(args),
        deployment,
        version: resolveRegistryVersion(deployment.image, args),
        storage: resolveStorage(args),
        mirrors: resolveMirrors(args),
        clientTrust: resolveClientTrust(args),
    };
}

/** Every name the certificate covers: the shared hostnames, then each listed instance's own. */
export function certificateNames(s: Pick<RegistrySettings, "endpoint" | "deployment">): CertificateName[] {
    return [
        ...s.endpoint.hostnames.map((name, i) => ({ key: `hostnames[${i}]`, name })),
        ...s.deployment.instances.map((instance, i) => ({ key: `instances[${i}]${instance.name ? ` (${instance.name})` : ""}.hostname`, name: instance.hostname })),
    ];
}
