import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { createHash } from "node:crypto";
import { isGiven, PrivateRegistryArgs, RegistrySettings, resolveSettings } from "./args";
import { validateSettings } from "./validation";
import { registryAddress } from "./hostnames";
import { buildRegistryConfig, renderRegistryConfig } from "./registryConfig";
import { containerPaths, healthcheckCommand, healthcheckTiming, registryLabels } from "./containerLayout";
import { generateTls, providedTls, RegistryTls } from "./tlsResources";
import { generateCredentials, generateHttpSecret } from "./credentials";
import { ClientTrustSummary, declareClientTrust } from "./clientTrust";

/** Pulumi type token of the component. */
export const privateRegistryType = "registry:index:PrivateRegistry";

/**
 * A private Docker registry (CNCF Distribution, `registry:2`) on one Docker host, served over
 * TLS with htpasswd users: CA and server certificate (or yours), generated passwords, the
 * registry config, a data volume and the container.
 */
export class PrivateRegistry extends pulumi.ComponentResource {
    /** Address to tag images with: `<first hostname>:<port>`. */
    public readonly address: pulumi.Output<string>;
    /** `https://<address>`, the registry's API root is `<url>/v2/`. */
    public readonly url: pulumi.Output<string>;
    /** Every address clients may use (`<hostname>:<port>` for each hostname). */
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
    /** Name of the registry container: what `garbageCollect` (`npm run gc -- --container`) takes. */
    public readonly containerName: pulumi.Output<string>;
    /** Name of the volume holding the registry's data. */
    public readonly dataVolumeName: pulumi.Output<string>;
    /** Per client host (by name): what was configured there. Empty without `clients`. */
    public readonly clients: pulumi.Output<Record<string, ClientTrustSummary>>;

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
        const registryConfig = pulumi.secret(
            httpSecret.apply((secret) =>
                renderRegistryConfig(
                    buildRegistryConfig({
                        port: settings.port,
                        debugPort: settings.debugPort,
                        debugOnNetwork: settings.debugOnNetwork,
                        httpSecret: secret,
                        authRealm: settings.authRealm,
                        corsOrigins: settings.corsOrigins,
                        logLevel: settings.logLevel,
                        accessLog: settings.accessLog,
                    }),
                ),
            ),
        );

        const { container, volume } = this.declareDocker(name, settings, {
            config: registryConfig,
            htpasswd: credentials.htpasswd,
            certificatePem: tlsMaterial.certificatePem,
            privateKeyPem: tlsMaterial.privateKeyPem,
        });

        const addresses = settings.hostnames.map((host) => registryAddress(host, settings.port));
        const clients = declareClientTrust(
            name,
            args.clients ?? [],
            settings.clients,
            isGiven(args.sshPrivateKey) ? args.sshPrivateKey : undefined,
            { addresses, caCertificatePem: tlsMaterial.caCertificatePem, passwords: credentials.passwords, container },
            this,
        );
        this.address = pulumi.output(addresses[0]);
        this.url = pulumi.output(`https://${addresses[0]}`);
        this.addresses = pulumi.output(addresses);
        this.caCertificatePem = tlsMaterial.caCertificatePem;
        this.serverCertificatePem = tlsMaterial.certificatePem;
        this.userNames = pulumi.output(settings.users);
        this.passwords = credentials.passwords;
        this.htpasswd = credentials.htpasswd;
        this.registryConfig = registryConfig;
        this.containerName = container.name;
        this.dataVolumeName = volume.name;
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
            clients: this.clients,
        });
    }

    /** The image, the data volume and the container, on the chosen Docker host. */
    private declareDocker(
        name: string,
        s: RegistrySettings,
        files: {
            config: pulumi.Output<string>;
            htpasswd: pulumi.Output<string>;
            certificatePem: pulumi.Output<string>;
            privateKeyPem: pulumi.Output<string>;
        },
    ): { container: docker.Container; volume: docker.Volume } {
        // One provider per host: when dockerHost changes, the replaced resources are deleted
        // through the old provider, on the old host, and created through the new one.
        const provider = s.dockerHost
            ? new docker.Provider(
                  `${name}-docker-${createHash("sha256").update(s.dockerHost).digest("hex").slice(0, 8)}`,
                  { host: s.dockerHost },
                  { parent: this },
              )
            : undefined;
        const opts = { parent: this, provider };
        const labels = Object.entries(registryLabels(name, pulumi.getProject(), pulumi.getStack(), s.dockerHost)).map(
            ([label, value]) => ({ label, value }),
        );

        // keepLocally: destroying the stack must not remove an image other containers may use.
        // The trigger pulls the image again on a new Docker host.
        const image = new docker.RemoteImage(
            `${name}-image`,
            { name: s.image, keepLocally: true, triggers: { dockerHost: s.dockerHost || "local" } },
            opts,
        );

        // retainOnDelete: images pushed to the registry outlive `pulumi destroy` unless the user opts out.
        // ignoreChanges: Docker hands back an existing volume of that name with its old labels, and
        // labels force a replacement; a kept volume must be picked up, not replaced on every run.
        const volume = new docker.Volume(
            `${name}-data`,
            { name: s.dataVolumeName, labels },
            { ...opts, retainOnDelete: s.retainDataOnDestroy, ignoreChanges: ["labels"] },
        );

        // The docker provider stores upload content in plain state unless the input is secret.
        const uploads = pulumi.secret(
            pulumi
                .all([files.config, files.htpasswd, files.certificatePem, files.privateKeyPem])
                .apply(([config, htpasswd, certificate, key]) => [
                    { file: containerPaths.config, content: config, permissions: "0600" },
                    { file: containerPaths.htpasswd, content: htpasswd, permissions: "0600" },
                    { file: containerPaths.certificate, content: certificate, permissions: "0644" },
                    { file: containerPaths.privateKey, content: key, permissions: "0600" },
                ]),
        );

        const container = new docker.Container(
            `${name}-container`,
            {
                name: s.containerName,
                image: image.imageId,
                restart: "unless-stopped",
                ports: [{ internal: s.port, external: s.port, ip: s.bindAddress, protocol: "tcp" }],
                volumes: [{ volumeName: volume.name, containerPath: containerPaths.data }],
                uploads,
                healthcheck: { tests: healthcheckCommand(s.debugPort), ...healthcheckTiming },
                // Wait for the health check, so `pulumi up` fails if the registry cannot start.
                wait: true,
                waitTimeout: 120,
                labels,
                logDriver: "json-file",
                logOpts: { "max-size": s.logMaxSize, "max-file": String(s.logMaxFiles) },
            },
            {
                ...opts,
                // The container name and host port are fixed, so the old container must go first.
                deleteBeforeReplace: true,
                additionalSecretOutputs: ["uploads"],
            },
        );
        return { container, volume };
    }
}
