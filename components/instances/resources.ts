/**
 * One registry container on one Docker host: its provider, the image, the data volume (with
 * filesystem storage) and the container with the rendered files uploaded into it.
 */
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { createHash } from "node:crypto";
import type { RegistryMajor } from "../version/args";
import { ContainerPaths, containerPaths, healthcheckCommand, healthcheckTiming, labelKeys, registryCommand, registryLabels } from "./containerLayout";
import type { DeploymentSettings, InstanceSettings } from "./args";
import { containerLogging, withoutDaemonLogDefaults } from "./logging";
import { healthWaitSeconds, isUnhealthyFailure, unhealthyAdvice } from "./health";
import { imageAtDigest, isPinnedToDigest } from "./image";
import { engineRunsErrorHooks, engineRunsStateMigrations } from "../shared/engineFeatures";

/** The files every instance receives, all identical across instances. */
export interface RegistryFiles {
    config: pulumi.Output<string>;
    /** None on an anonymous mirror. */
    htpasswd?: pulumi.Output<string>;
    /** The server certificate and its key (secret); none with ACME, where the registry obtains them. */
    certificate?: { certificatePem: pulumi.Output<string>; privateKeyPem: pulumi.Output<string> };
    /** With a private ACME CA: its CA certificates, which the registry trusts to reach the directory. */
    acmeCaCertificatesPem?: pulumi.Output<string>;
    /** On a mirror whose upstream has a private CA: that CA, trusted beside the system's roots. */
    upstreamCaCertificatePem?: pulumi.Output<string>;
}

/** What every instance's container is made of, beside the files. */
export interface InstanceSpec {
    deployment: DeploymentSettings;
    /** The Distribution major the image runs: where its files go and how it is started. */
    major: RegistryMajor;
    /** Environment of the registry process (`NAME=value`); none when empty. */
    environment: string[];
    /** The registry's port, published on `deployment.bindAddress`. */
    port: number;
    /** The debug listener's port, for the health check. */
    debugPort: number;
    /** True with filesystem storage: each instance keeps its images in a volume. */
    dataVolume: boolean;
    /**
     * With ACME: the account key and certificates live on a volume of their own, so a replaced
     * container reuses them instead of ordering again (CAs limit orders per name and week).
     */
    acmeCacheVolume: boolean;
}

/** What one instance declared. */
export interface DeclaredInstance {
    /** The registry container. */
    container: docker.Container;
    /** Only with filesystem storage. */
    volume?: docker.Volume;
    /** Only with ACME. */
    acmeVolume?: docker.Volume;
    /** The instance's Docker host, for the containers that run beside the registry (mirrors). */
    host: InstanceHost;
}

/** One instance's Docker host as the containers beside the registry need it: provider, image, names and labels. */
export interface InstanceHost {
    /** `<component>[-<instance>]-<role>`. */
    resourceName: (role: string) => string;
    /**
     * On the first listed instance: an alias to the single instance's resource of `role`, so a
     * stack that lists instances for the first time takes its resources over; else nothing.
     */
    aliases: (role: string) => pulumi.CustomResourceOptions;
    /** Parent and provider. */
    opts: { parent: pulumi.Resource; provider?: docker.Provider };
    /** The registry's labels on this host. */
    labels: Record<string, string>;
    /** The registry image, pulled on this host. */
    imageId: pulumi.Output<string>;
    /** "" for the local daemon. */
    dockerHost: string;
    deployment: DeploymentSettings;
    major: RegistryMajor;
    debugPort: number;
    /** The registry's port; validation keeps it apart from `debugPort`. */
    port: number;
}

/** One registry container: what it is called, where it listens, its environment, volumes and files. */
export interface RegistryContainerSpec {
    /** Resource role (`container`, `mirror-hub-container`). */
    role: string;
    containerName: string;
    /** Listened on inside the container. */
    port: number;
    /** Published on the host at `bindAddress`; default `port`. */
    hostPort?: number;
    environment: string[];
    mounts: { volumeName: pulumi.Output<string>; containerPath: string }[];
    /** The files copied in before it starts (a secret). */
    uploads: pulumi.Output<docker.types.input.ContainerUpload[]>;
    /** Labels beside the host's registry labels. */
    extraLabels?: Record<string, string>;
}

/** The files a registry container receives; the docker provider stores upload content in plain state unless the input is secret. */
export function registryUploads(paths: ContainerPaths, files: RegistryFiles): pulumi.Output<docker.types.input.ContainerUpload[]> {
    return pulumi.secret(
        pulumi
            .all([files.config, files.htpasswd, files.certificate?.certificatePem, files.certificate?.privateKeyPem, files.acmeCaCertificatesPem, files.upstreamCaCertificatePem])
            .apply(([config, htpasswd, certificate, key, acmeCa, upstreamCa]) => [
                { file: paths.config, content: config, permissions: "0600" },
                ...(htpasswd !== undefined ? [{ file: paths.htpasswd, content: htpasswd, permissions: "0600" }] : []),
                ...(certificate !== undefined && key !== undefined
                    ? [
                          { file: paths.certificate, content: certificate, permissions: "0644" },
                          { file: paths.privateKey, content: key, permissions: "0600" },
                      ]
                    : []),
                // Go reads every file of an SSL_CERT_DIR folder as PEM certificates.
                ...(acmeCa !== undefined ? [{ file: `${paths.acmeCaFolder}/ca.crt`, content: acmeCa, permissions: "0644" }] : []),
                ...(upstreamCa !== undefined ? [{ file: `${paths.upstreamCaFolder}/ca.crt`, content: upstreamCa, permissions: "0644" }] : []),
            ]),
    );
}

/** Keeps the daemon's log defaults out of the container's prior state before the engine diffs it (see ./logging.ts). */
const dropDaemonLogDefaults: pulumi.StateMigration = ({ oldState }) => {
    const [own, ...descendants] = oldState;
    const migrated = own === undefined ? undefined : withoutDaemonLogDefaults(own);
    return migrated === undefined ? undefined : { newState: [migrated, ...descendants] };
};

/**
 * The resource options every registry container carries, beside parent and provider:
 * - deleteBeforeReplace: the container name and host port are fixed, so the old container must go first;
 * - replaceOnChanges `*`: a container whose health wait failed is recorded with an initialization
 *   error; the engine then replaces it on the next `up` (and waits again) instead of running an
 *   update that does not wait. It also makes a change of `restart`, `healthcheck` or `wait*`, the
 *   inputs the provider would update in place (the health check not at all), a replacement
 *   (docs/provider-behaviour.md);
 * - with engines that offer them: the state migration for the daemon's log defaults, and an error
 *   hook that says what to look at when the health wait fails.
 */
function containerOptions(host: InstanceHost, containerName: string, resourceName: string): pulumi.CustomResourceOptions {
    const advice = unhealthyAdvice({ containerName, dockerHost: host.dockerHost, debugPort: host.debugPort });
    return {
        deleteBeforeReplace: true,
        replaceOnChanges: ["*"],
        additionalSecretOutputs: ["uploads"],
        ...(engineRunsStateMigrations() ? { stateMigrations: [dropDaemonLogDefaults] } : {}),
        ...(engineRunsErrorHooks()
            ? {
                  hooks: {
                      onError: [
                          new pulumi.ErrorHook(`${resourceName}-unhealthy`, (args) => {
                              if (isUnhealthyFailure(args.errors)) pulumi.log.error(advice);
                              // Retrying cannot help: the failed container keeps its name and port.
                              return false;
                          }),
                      ],
                  },
              }
            : {}),
    };
}

/**
 * A registry container on an instance's host: the uploaded config served, restarted unless
 * stopped, health-checked on the debug listener, rotated logs.
 */
export function declareRegistryContainer(host: InstanceHost, c: RegistryContainerSpec, extraOpts: pulumi.CustomResourceOptions = {}): docker.Container {
    const s = host.deployment;
    const labels = Object.entries({ ...host.labels, ...c.extraLabels }).map(([label, value]) => ({ label, value }));
    const resourceName = host.resourceName(c.role);
    return new docker.Container(
        resourceName,
        {
            name: c.containerName,
            image: host.imageId,
            // The uploaded config, never the image's default one (plain HTTP, no auth).
            command: registryCommand(host.major),
            ...(c.environment.length > 0 ? { envs: c.environment } : {}),
            restart: "unless-stopped",
            ports: [{ internal: c.port, external: c.hostPort ?? c.port, ip: s.bindAddress, protocol: "tcp" }],
            volumes: c.mounts,
            uploads: c.uploads,
            healthcheck: { tests: healthcheckCommand(host.debugPort), ...healthcheckTiming },
            // Wait for the health check, so `pulumi up` fails if the registry cannot start. It asks
            // the debug listener, which answers before an ACME certificate exists: the first order
            // happens on the first TLS connection, and a slow CA cannot fail the deployment.
            wait: true,
            waitTimeout: healthWaitSeconds,
            labels,
            ...containerLogging(s),
        },
        { ...host.opts, ...extraOpts, ...containerOptions(host, c.containerName, resourceName) },
    );
}

/** `<component>-<role>` for the single instance, `<component>-<instance>-<role>` for a listed one. */
function instanceResourceName(component: string, instance: InstanceSettings, role: string): string {
    return instance.name ? `${component}-${instance.name}-${role}` : `${component}-${role}`;
}

/**
 * Declares one instance's provider, image, volume (filesystem storage) and container, children
 * of `parent`. The first listed instance carries aliases to the single instance's image and
 * container: a stack that lists instances for the first time then replaces its container
 * delete-first instead of creating a second one of the same name and port beside it.
 */
export function declareRegistryInstance(
    name: string,
    spec: InstanceSpec,
    instance: InstanceSettings,
    files: RegistryFiles,
    parent: pulumi.Resource,
): DeclaredInstance {
    const resourceName = (role: string) => instanceResourceName(name, instance, role);
    const s = spec.deployment;
    const takesOver = instance.name !== "" && s.instances[0]?.name === instance.name;
    const aliases = (role: string) => (takesOver ? { aliases: [{ name: `${name}-${role}` }] } : {});
    // One provider per host: when a dockerHost changes, the replaced resources are deleted
    // through the old provider, on the old host, and created through the new one.
    const provider = instance.dockerHost
        ? new docker.Provider(
              `${resourceName("docker")}-${createHash("sha256").update(instance.dockerHost).digest("hex").slice(0, 8)}`,
              { host: instance.dockerHost },
              { parent },
          )
        : undefined;
    const opts = { parent, provider };
    const paths = containerPaths(spec.major);
    const labelMap = registryLabels(name, pulumi.getProject(), pulumi.getStack(), instance.dockerHost, spec.major);
    // Only listed instances carry the label: a new label would replace existing single-instance containers.
    if (instance.name) labelMap[labelKeys.instance] = instance.name;
    const labels = Object.entries(labelMap).map(([label, value]) => ({ label, value }));

    // keepLocally: destroying the stack must not remove an image other containers may use.
    // The trigger pulls the image again on a new Docker host; the digest in the name when the tag moves (./image.ts).
    const imageName = isPinnedToDigest(s.image)
        ? pulumi.output(s.image)
        : docker.getRegistryImageOutput({ name: s.image }, opts).sha256Digest.apply((digest) => imageAtDigest(s.image, digest));
    const image = new docker.RemoteImage(
        resourceName("image"),
        { name: imageName, keepLocally: true, triggers: { dockerHost: instance.dockerHost || "local" } },
        { ...opts, ...aliases("image") },
    );

    // retainOnDelete: images pushed to the registry outlive `pulumi destroy` unless the user opts out.
    // ignoreChanges: Docker hands back an existing volume of that name with its old labels, and
    // labels force a replacement; a kept volume must be picked up, not replaced on every run.
    const keptVolume = (role: string, volumeName: string) =>
        new docker.Volume(resourceName(role), { name: volumeName, labels }, { ...opts, retainOnDelete: s.retainDataOnDestroy, ignoreChanges: ["labels"] });
    const volume = spec.dataVolume ? keptVolume("data", s.dataVolumeName) : undefined;
    // Kept with the data, for the same reason: a new order per deployment would run into the CA's
    // rate limits. Named after the data volume, also with S3 storage.
    const acmeVolume = spec.acmeCacheVolume ? keptVolume("acme", `${s.dataVolumeName}-acme`) : undefined;

    const mounts = [
        ...(volume ? [{ volumeName: volume.name, containerPath: paths.data }] : []),
        ...(acmeVolume ? [{ volumeName: acmeVolume.name, containerPath: paths.acmeCache }] : []),
    ];
    const host: InstanceHost = { resourceName, aliases, opts, labels: labelMap, imageId: image.imageId, dockerHost: instance.dockerHost, deployment: s, major: spec.major, debugPort: spec.debugPort, port: spec.port };
    const container = declareRegistryContainer(
        host,
        {
            role: "container",
            containerName: s.containerName,
            port: spec.port,
            environment: spec.environment,
            mounts,
            uploads: registryUploads(paths, files),
        },
        aliases("container"),
    );
    return { container, volume, acmeVolume, host };
}
