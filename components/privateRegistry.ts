import * as pulumi from "@pulumi/pulumi";
import { isGiven, PrivateRegistryArgs, RegistrySettings, resolveSettings } from "./args";
import { validateSettings } from "./validation";
import { registryAddress } from "./shared/hostnames";
import { buildRegistryConfig, renderRegistryConfig } from "./registryConfig/render";
import { generateTls, providedTls, RegistryTls } from "./tls/resources";
import { generateCredentials, generateHttpSecret } from "./credentials/resources";
import { ClientTrustSummary, declareClientTrust } from "./clientTrust/resources";
import { declareRegistryInstance, deployedInstances } from "./instances/resources";

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

/** Pulumi type token of the component. */
export const privateRegistryType = "registry:index:PrivateRegistry";

/**
 * A private Docker registry (CNCF Distribution, `registry:2`) served over TLS with htpasswd
 * users: CA and server certificate (or yours), generated passwords, the registry config, and a
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
    /** PEM of the CA clients must trust; undefined for a provided certificate without `tlsCaCertificate`. */
    public readonly caCertificatePem: pulumi.Output<string | undefined>;
    /** PEM of the server certificate the registry presents. */
    public readonly serverCertificatePem: pulumi.Output<string>;
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
    /** Per client host (by name): what was configured there. Empty without `clients`. */
    public readonly clients: pulumi.Output<Record<string, ClientTrustSummary>>;
    /** Per listed instance (by name): its Docker host and address. Empty for the single instance on `dockerHost`. */
    public readonly instances: pulumi.Output<Record<string, RegistryInstanceSummary>>;

    constructor(name: string, args: PrivateRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything, so bad config fails at preview with no changes.
        const settings = resolveSettings(name, args);
        validateSettings(settings);
        super(privateRegistryType, name, {}, opts);

        const tlsMaterial: RegistryTls =
            isGiven(args.tlsCertificate) && isGiven(args.tlsPrivateKey)
                ? providedTls(args.tlsCertificate, args.tlsPrivateKey, isGiven(args.tlsCaCertificate) ? args.tlsCaCertificate : undefined)
                : generateTls(name, settings, this);
        const credentials = generateCredentials(name, settings, this);
        const httpSecret = generateHttpSecret(name, this);
        const registryConfig = renderConfig(settings, args, httpSecret);

        const files = {
            config: registryConfig,
            htpasswd: credentials.htpasswd,
            certificatePem: tlsMaterial.certificatePem,
            privateKeyPem: tlsMaterial.privateKeyPem,
        };
        const instances = deployedInstances(settings);
        const declared = instances.map((instance) => declareRegistryInstance(name, settings, instance, files, this));

        const sharedAddresses = settings.hostnames.map((host) => registryAddress(host, settings.port));
        const instanceAddresses = settings.instances.map((i) => registryAddress(i.hostname, settings.port));
        // Clients trust every name: the shared one and each instance's, for direct access.
        const addresses = [...sharedAddresses, ...instanceAddresses];
        const clients = declareClientTrust(
            name,
            args.clients ?? [],
            settings.clients,
            isGiven(args.sshPrivateKey) ? args.sshPrivateKey : undefined,
            { addresses, caCertificatePem: tlsMaterial.caCertificatePem, passwords: credentials.passwords, containers: declared.map((d) => d.container) },
            this,
        );
        this.address = pulumi.output(sharedAddresses[0]);
        this.url = pulumi.output(`https://${sharedAddresses[0]}`);
        this.addresses = pulumi.output(addresses);
        this.caCertificatePem = tlsMaterial.caCertificatePem;
        this.serverCertificatePem = tlsMaterial.certificatePem;
        this.userNames = pulumi.output(settings.users);
        this.passwords = credentials.passwords;
        this.htpasswd = credentials.htpasswd;
        this.registryConfig = registryConfig;
        this.containerName = declared[0].container.name;
        this.dataVolumeName = declared[0].volume ? declared[0].volume.name : pulumi.output(undefined);
        this.instances = pulumi
            .all(declared.map((d) => d.container.name))
            .apply((names) =>
                Object.fromEntries(
                    settings.instances.map((instance, i) => [
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

        this.registerOutputs({
            address: this.address,
            url: this.url,
            addresses: this.addresses,
            caCertificatePem: this.caCertificatePem,
            serverCertificatePem: this.serverCertificatePem,
            userNames: this.userNames,
            passwords: this.passwords,
            htpasswd: this.htpasswd,
            registryConfig: this.registryConfig,
            containerName: this.containerName,
            dataVolumeName: this.dataVolumeName,
            instances: this.instances,
            clients: this.clients,
        });
    }
}

/**
 * The registry config every instance runs, as a secret: it holds `http.secret` and, with S3
 * and Redis, their keys and password.
 */
function renderConfig(s: RegistrySettings, args: PrivateRegistryArgs, httpSecret: pulumi.Output<string>): pulumi.Output<string> {
    const secrets = pulumi.all([httpSecret, args.s3?.accessKey ?? "", args.s3?.secretKey ?? "", args.redis?.password ?? ""]);
    return pulumi.secret(
        secrets.apply(([secret, accessKey, secretKey, redisPassword]) =>
            renderRegistryConfig(
                buildRegistryConfig({
                    port: s.port,
                    debugPort: s.debugPort,
                    debugOnNetwork: s.debugOnNetwork,
                    httpSecret: secret,
                    authRealm: s.authRealm,
                    corsOrigins: s.corsOrigins,
                    logLevel: s.logLevel,
                    accessLog: s.accessLog,
                    storage: s.storage === "s3" && s.s3 ? { driver: "s3", s3: s.s3, accessKey, secretKey } : { driver: "filesystem" },
                    redis: s.redis && { address: s.redis.address, password: redisPassword, db: s.redis.db },
                }),
            ),
        ),
    );
}
