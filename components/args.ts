/**
 * The component's arguments: each domain's part, joined. The names are the stack config keys of
 * this project, so a validation error names the key the user set. Only `hostnames` is required.
 */
import type { ClientTrustArgs } from "./clientTrust/args";
import type { CredentialsArgs } from "./credentials/args";
import { credentialsDefaults } from "./credentials/args";
import type { EndpointArgs } from "./endpoint/args";
import { endpointDefaults } from "./endpoint/args";
import type { DeploymentArgs } from "./instances/args";
import { deploymentDefaults } from "./instances/args";
import type { StorageArgs } from "./instances/storage";
import { storageDefaults } from "./instances/storage";
import type { RegistryConfigArgs } from "./registryConfig/args";
import { registryConfigDefaults } from "./registryConfig/args";
import type { TlsArgs } from "./tls/args";
import { tlsDefaults } from "./tls/args";
import type { RegistryVersionArgs } from "./version/args";
import type { MirrorsArgs } from "./mirrors/args";

/** Arguments of {@link PrivateRegistry}; see each domain's interface for the settings it owns. */
export interface PrivateRegistryArgs
    extends EndpointArgs, TlsArgs, CredentialsArgs, RegistryConfigArgs, RegistryVersionArgs, DeploymentArgs, StorageArgs, MirrorsArgs, ClientTrustArgs {}

/** Default of every optional argument that has a fixed one; `Pulumi.yaml` declares the same values (a test checks). */
export const defaults = {
    ...endpointDefaults,
    ...tlsDefaults,
    ...credentialsDefaults,
    ...registryConfigDefaults,
    ...deploymentDefaults,
    ...storageDefaults,
};
