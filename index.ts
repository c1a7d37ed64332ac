/**
 * The stack program: this stack's config becomes the component's arguments (program/),
 * and the stack exports what users need to log in and push.
 */
import * as pulumi from "@pulumi/pulumi";
import { PrivateRegistry, resolveTls } from "./components";
import { deployedServerCertificate, registryArgsFromConfig } from "./program";

const args = registryArgsFromConfig(new pulumi.Config());
const registry = new PrivateRegistry("registry", {
    ...args,
    // What the last `up` served, to renew the generated certificate in time (docs/certificates.md#renewal).
    ...(resolveTls(args).source === "generated" ? { deployedServerCertificate: deployedServerCertificate() } : {}),
});

/** `docker tag IMAGE <address>/NAME:TAG`, then `docker push`. */
export const address = registry.address;
export const url = registry.url;
export const addresses = registry.addresses;
/** `generated`, `provided` or `acme`: where the registry's certificate comes from. */
export const tlsSource = registry.tlsSource;
/** True when clients must install caCertificatePem; false for a publicly trusted certificate (nothing to install). */
export const clientCaRequired = registry.clientCaRequired;
export const caCertificatePem = registry.caCertificatePem;
/** The certificate the registry serves; with serverCertificateRenewal, what the next `up` renews from. */
export const serverCertificatePem = registry.serverCertificatePem;
export const serverCertificateRenewal = registry.serverCertificateRenewal;
export const userNames = registry.userNames;
/** Secret: `pulumi stack output passwords --show-secrets`. */
export const passwords = registry.passwords;
export const htpasswd = registry.htpasswd;
export const containerName = registry.containerName;
export const dataVolumeName = registry.dataVolumeName;
/** With tlsSource acme: the volume of the ACME account key and certificates (back it up with the data). */
export const acmeVolumeName = registry.acmeVolumeName;
/** Per listed instance: Docker host, own hostname, address (a load balancer's backend) and container name. */
export const instances = registry.instances;
/** Per client host: what was configured there (runtimes, files, login, last report). */
export const clients = registry.clients;
/** Per mirror: its address, and the daemon.json entry and containerd hosts.toml a host outside the stack needs. */
export const mirrors = registry.mirrors;
