/**
 * Where the registry runs: the image, the container and its data volume on one Docker host, or
 * registry instances on several Docker hosts behind one shared name.
 */
import { withDefaults } from "../shared/settings";

/** One registry container on one Docker host; every instance runs the same config. */
export interface RegistryInstanceArgs {
    /** Unique name (lower-case letters, digits, hyphens); names the resources and the output entry. */
    name: string;
    /** Docker daemon of this instance, as `dockerHost`: `ssh://user@host`, `tcp://host:2376`, … Required. */
    dockerHost: string;
    /**
     * DNS name or IP address of this instance, for health checks, a load balancer's backend list
     * and direct access. It goes into the certificate's SANs beside `hostnames`. Required.
     */
    hostname: string;
}

/** An instance as the component declares it. */
export interface InstanceSettings {
    /** "" for the single instance on `dockerHost`. */
    name: string;
    /** "" for the local daemon. */
    dockerHost: string;
    /** "" when the instance has no name of its own (the single-instance default). */
    hostname: string;
}

/** The instances part of the component's arguments. */
export interface DeploymentArgs {
    /** Registry image. Default `registry:2`. */
    image?: string;
    /** Docker container name. Default: the component's name. */
    containerName?: string;
    /** Docker volume holding the registry's data. Default: `<component name>-data`. */
    dataVolumeName?: string;
    /**
     * Keep the data volume when the stack is destroyed or the volume replaced, so that
     * images survive. Default `true`.
     */
    retainDataOnDestroy?: boolean;
    /**
     * Docker daemon to deploy to, e.g. `ssh://user@host` or `tcp://host:2376`.
     * Default: the local daemon (`DOCKER_HOST` or the default socket).
     */
    dockerHost?: string;
    /** Host address the port is published on (`0.0.0.0` for all IPv4 interfaces). Default `0.0.0.0`. */
    bindAddress?: string;
    /** Size at which Docker rotates the container's log file (`json-file` `max-size`). Default `10m`. */
    logMaxSize?: string;
    /** How many rotated log files Docker keeps (`json-file` `max-file`). Default `3`. */
    logMaxFiles?: number;
    /**
     * Registry instances on several Docker hosts, all with the same config, secret, users and
     * certificate, sharing the S3 bucket; put a load balancer or DNS round robin at
     * `hostnames[0]` in front of them. Needs `storage: s3` when more than one. Default: one
     * instance on `dockerHost`.
     */
    instances?: RegistryInstanceArgs[];
}

export const deploymentDefaults = {
    image: "registry:2",
    retainDataOnDestroy: true,
    dockerHost: "",
    bindAddress: "0.0.0.0",
    logMaxSize: "10m",
    logMaxFiles: 3,
};

/** Bounds of `logMaxFiles`. */
export const logMaxFilesRange = { min: 1, max: 100 } as const;

/** Where the registry runs, with defaults filled in. */
export type DeploymentSettings = typeof deploymentDefaults & {
    containerName: string;
    dataVolumeName: string;
    /** The listed instances; empty for the single instance on `dockerHost`. */
    instances: InstanceSettings[];
};

/** Defaults filled in; the container and volume are named after the component `name` unless given. */
export function resolveDeployment(name: string, args: DeploymentArgs): DeploymentSettings {
    return {
        ...withDefaults(deploymentDefaults, args),
        containerName: args.containerName ?? name,
        dataVolumeName: args.dataVolumeName ?? `${name}-data`,
        instances: (args.instances ?? []).map((i) => ({ name: i.name, dockerHost: i.dockerHost, hostname: i.hostname })),
    };
}

/**
 * The instances to declare: the listed ones, or the single instance on `dockerHost`, which keeps
 * the resource names stacks made before instances existed (so upgrading replaces nothing).
 */
export function deployedInstances(s: DeploymentSettings): InstanceSettings[] {
    return s.instances.length > 0 ? s.instances : [{ name: "", dockerHost: s.dockerHost, hostname: "" }];
}
