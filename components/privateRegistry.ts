import * as pulumi from "@pulumi/pulumi";
import type { PrivateRegistryArgs } from "./args";
import { certificateNames, resolveSettings } from "./settings";
import { findWarnings, validateSettings } from "./validation";
import { registryAddress } from "./shared/hostnames";
import { registryConfigOutput } from "./registryConfig/resources";
import { registryEnvironment } from "./registryConfig/environment";
import { declareTls } from "./tls/resources";
import { clientsNeedCa, TlsSource } from "./tls/args";
import { acmeFirstOrderSeconds } from "./tls/acme";
import { generateCredentials, generateHttpSecret } from "./credentials/resources";
import { ClientTrustSummary, declareClientTrust } from "./clientTrust/resources";
import { deployedInstances } from "./instances/args";
import { declareRegistryInstance } from "./instances/resources";
import { containerPaths } from "./instances/containerLayout";
import { declareMirrors } from "./mirrors/resources";
import { clientMirrors, mirrorSummaries, RegistryMirrorSummary } from "./mirrors/outputs";
import { engineRunsStateMigrations } from "./shared/engineFeatures";

/** One listed instance, in the `instances` output. */
export interface RegistryInstanceSummary {
    /** Docker daemon the instance runs on. */
    dockerHost: string;
    /** The instance's own name. */
    hostname: string;
    /** `<hostname>:<port>`: the backend address for a load balancer, or for direct access. */
    address: string;
    /** `https://<address>`. */
    url: string;
    /** Container name on that host (what `npm run gc -- --container` takes). */
    containerName: string;
}

/** Said at every `up` by a Pulumi CLI (or state backend) without state migrations (docs/provider-behaviour.md). */
const noStateMigrationsWarning =
    "This Pulumi CLI or its state backend cannot run state migrations (Pulumi CLI 3.261 or later can, with a local, " +
    "object-store or Pulumi Cloud backend): on a Docker host whose daemon.json sets log-opts, every `pulumi up` replaces " +
    "the registry containers, because the docker provider reads the daemon's log options back as a change. Update the Pulumi CLI.";

/** Pulumi type token of the component. */
export const privateRegistryType = "registry:index:PrivateRegistry";

/**
 * A private Docker registry (CNCF Distribution 2.8, `registry:2`, or 3.x, `registry:3`) served over TLS with htpasswd
 * users: CA and server certificate (or yours, or one from an ACME CA such as Let's Encrypt), generated passwords, the registry config, and a
 * container with a data volume on one Docker host, or containers on several hosts sharing an
 * S3 bucket (and optionally a Redis cache).
 */
export class PrivateRegistry extends pulumi.ComponentResource {
    /** Address to tag images with: `<first hostname>:<port>` (the shared name, with several instances). */
    public readonly address: pulumi.Output<string>;
    /** `https://<address>`, the registry's API root is `<url>/v2/`. */
    public readonly url: pulumi.Output<string>;
    /** Every address clients may use and trust: `<hostname>:<port>` for each hostname, then each instance's. */
    public readonly addresses: pulumi.Output<string[]>;
    /** Where the certificate comes from: `generated`, `provided` or `acme`. */
    public readonly tlsSource: pulumi.Output<TlsSource>;
    /**
     * True when clients must install {@link caCertificatePem} (the generated CA, `tlsCaCertificate`,
     * `acmeCaCertificates`); false when the certificate is publicly trusted and clients install nothing.
     */
    public readonly clientCaRequired: pulumi.Output<boolean>;
    /** PEM of the CA clients must trust; undefined for a publicly trusted certificate (provided without `tlsCaCertificate`, or from Let's Encrypt). */
    public readonly caCertificatePem: pulumi.Output<string | undefined>;
    /** PEM of the server certificate the registry presents; undefined with ACME, where the registry obtains it at run time. */
    public readonly serverCertificatePem: pulumi.Output<string | undefined>;
    /**
     * With a generated certificate: its renewal trigger, which changes when a renewal is due
     * (pass it back with {@link serverCertificatePem} as `deployedServerCertificate`); else undefined.
     */
    public readonly serverCertificateRenewal: pulumi.Output<string | undefined>;
    /** Registry user names. */
    public readonly userNames: pulumi.Output<string[]>;
    /** Password per user name (secret). */
    public readonly passwords: pulumi.Output<Record<string, string>>;
    /** The htpasswd file (secret). */
    public readonly htpasswd: pulumi.Output<string>;
    /** The rendered `config.yml` (secret: it holds `http.secret`). */
    public readonly registryConfig: pulumi.Output<string>;
    /** Name of the registry container (the same on every instance's host): what `npm run gc -- --container` takes. */
    public readonly containerName: pulumi.Output<string>;
    /** Name of the volume holding the registry's data; undefined with S3 storage. */
    public readonly dataVolumeName: pulumi.Output<string | undefined>;
    /** With ACME: name of the volume holding the ACME account key and certificates (`<dataVolumeName>-acme`); else undefined. */
    public readonly acmeVolumeName: pulumi.Output<string | undefined>;
    /** Per client host (by name): what was configured there. Empty without `clients`. */
    public readonly clients: pulumi.Output<Record<string, ClientTrustSummary>>;
    /** Per listed instance (by name): its Docker host and address. Empty for the single instance on `dockerHost`. */
    public readonly instances: pulumi.Output<Record<string, RegistryInstanceSummary>>;
    /** Per mirror (by name): its address and the client settings a host outside the stack needs. Empty without `mirrors`. */
    public readonly mirrors: pulumi.Output<Record<string, RegistryMirrorSummary>>;

    constructor(name: string, args: PrivateRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything, so bad config fails at preview with no changes.
        const settings = resolveSettings(name, args);
        validateSettings(settings);
        super(privateRegistryType, name, {}, opts);
        for (const warning of findWarnings(settings)) pulumi.log.warn(warning, this);
        if (!engineRunsStateMigrations()) pulumi.log.warn(noStateMigrationsWarning, this);

        const { endpoint, deployment } = settings;
        const sharedAddresses = endpoint.hostnames.map((host) => registryAddress(host, endpoint.port));
        const instanceAddresses = deployment.instances.map((i) => registryAddress(i.hostname, endpoint.port));
        // Clients trust every name: the shared one and each instance's, for direct access.
        const addresses = [...sharedAddresses, ...instanceAddresses];

        // Every name clients use: each shared hostname, then each instance's own. The certificate
        // names them all, and the mirrors are served at each of them.
        const names = certificateNames(settings).map((n) => n.name);
        const tlsMaterial = declareTls(name, args, settings.tls, names, this);
        const credentials = generateCredentials(name, settings.credentials, this);
        const httpSecret = generateHttpSecret(name, this);
        const major = settings.version.major;
        const registryConfig = registryConfigOutput(
            settings.registryConfig,
            major,
            endpoint.port,
            settings.storage,
            { httpSecret, s3: args.s3, redis: args.redis },
            tlsMaterial.acme,
        );

        const files = {
            config: registryConfig,
            htpasswd: credentials.htpasswd,
            certificate: tlsMaterial.files,
            acmeCaCertificatesPem: tlsMaterial.acmeCaCertificatesPem,
        };
        const spec = {
            deployment,
            major,
            environment: registryEnvironment(settings.registryConfig, major, tlsMaterial.acmeCaCertificatesPem !== undefined ? containerPaths(major).acmeCaFolder : undefined),
            port: endpoint.port,
            debugPort: settings.registryConfig.debugPort,
            dataVolume: settings.storage.driver === "filesystem",
            acmeCacheVolume: tlsMaterial.acme !== undefined,
        };
        const declared = deployedInstances(deployment).map((instance) => declareRegistryInstance(name, spec, instance, files, this));
        // Validation refused mirrors with ACME: the certificate files are there.
        const mirrors =
            tlsMaterial.files === undefined
                ? []
                : declareMirrors(
                      settings.mirrors.mirrors,
                      args.mirrors,
                      { registryConfig: settings.registryConfig, httpSecret, htpasswd: credentials.htpasswd, certificate: tlsMaterial.files },
                      declared.map((d) => d.host),
                  );
        const mirrorsForClients = clientMirrors(settings.mirrors.mirrors, names);
        const clients = declareClientTrust(
            name,
            args,
            settings.clientTrust,
            {
                addresses,
                caCertificatePem: tlsMaterial.caCertificatePem,
                passwords: credentials.passwords,
                containers: [...declared.map((d) => d.container), ...mirrors.flatMap((m) => m.containers)],
                mirrors: mirrorsForClients,
                loginWaitSeconds: tlsMaterial.acme ? acmeFirstOrderSeconds : 0,
            },
            this,
        );
        this.address = pulumi.output(sharedAddresses[0]);
        this.url = pulumi.output(`https://${sharedAddresses[0]}`);
        this.addresses = pulumi.output(addresses);
        this.tlsSource = pulumi.output(settings.tls.source);
        this.clientCaRequired = pulumi.output(clientsNeedCa(settings.tls));
        this.caCertificatePem = tlsMaterial.caCertificatePem;
        this.serverCertificatePem = tlsMaterial.files ? tlsMaterial.files.certificatePem : pulumi.output(undefined);
        this.serverCertificateRenewal = tlsMaterial.renewal;
        this.userNames = pulumi.output(settings.credentials.users);
        this.passwords = credentials.passwords;
        this.htpasswd = credentials.htpasswd;
        this.registryConfig = registryConfig;
        this.containerName = declared[0].container.name;
        this.dataVolumeName = declared[0].volume ? declared[0].volume.name : pulumi.output(undefined);
        this.acmeVolumeName = declared[0].acmeVolume ? declared[0].acmeVolume.name : pulumi.output(undefined);
        this.instances = pulumi
            .all(declared.map((d) => d.container.name))
            .apply((names) =>
                Object.fromEntries(
                    deployment.instances.map((instance, i) => [
                        instance.name,
                        {
                            dockerHost: instance.dockerHost,
                            hostname: instance.hostname,
                            address: instanceAddresses[i],
                            url: `https://${instanceAddresses[i]}`,
                            containerName: names[i],
                        } satisfies RegistryInstanceSummary,
                    ]),
                ),
            );
        this.clients = clients;
        this.mirrors = mirrorSummaries(mirrors, mirrorsForClients, tlsMaterial.caCertificatePem, deployment.dataVolumeName);
        this.registerOutputs({
            address: this.address,
            url: this.url,
            addresses: this.addresses,
            tlsSource: this.tlsSource,
            clientCaRequired: this.clientCaRequired,
            caCertificatePem: this.caCertificatePem,
            serverCertificatePem: this.serverCertificatePem,
            serverCertificateRenewal: this.serverCertificateRenewal,
            userNames: this.userNames,
            passwords: this.passwords,
            htpasswd: this.htpasswd,
            registryConfig: this.registryConfig,
            containerName: this.containerName,
            dataVolumeName: this.dataVolumeName,
            acmeVolumeName: this.acmeVolumeName,
            instances: this.instances,
            clients: this.clients,
            mirrors: this.mirrors,
        });
    }
}
