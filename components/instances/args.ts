/**
 * Registry instances on several Docker hosts, behind one shared name: their arguments,
 * validation, the stack config reader, and the one-instance default.
 */
import { isDnsName, isHostAddress } from "../shared/hostnames";
import { notAllowed } from "../shared/problems";

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

/** Instance names become resource names and output keys. */
const instanceName = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
const dockerHostSchemes = ["unix://", "tcp://", "ssh://", "npipe://"];

/** True for a Docker host URL of a scheme the docker provider takes. */
export function isDockerHost(value: string): boolean {
    return dockerHostSchemes.some((scheme) => value.startsWith(scheme) && value.length > scheme.length);
}

export const dockerHostAllowed = `expected a URL starting with ${dockerHostSchemes.join(", ")} (e.g. ssh://user@host)`;

/** The listed instances as settings (nothing to default: every key is required). */
export function resolveInstances(instances: readonly RegistryInstanceArgs[] | undefined): InstanceSettings[] {
    return (instances ?? []).map((i) => ({ name: i.name, dockerHost: i.dockerHost, hostname: i.hostname }));
}

/**
 * Checks `instances`: names, Docker hosts and hostnames, each unique. `sharedNames` are the
 * `hostnames`, which no instance may repeat; `dockerHost` is the single-instance setting, which
 * cannot be combined with a list.
 */
export function findInstanceProblems(instances: readonly InstanceSettings[], sharedNames: readonly string[], dockerHost: string): string[] {
    const problems: string[] = [];
    if (instances.length > 0 && dockerHost !== "") {
        problems.push(notAllowed("dockerHost", dockerHost, "leave it unset when instances are listed: each instance names its own dockerHost"));
    }
    const seen = (list: string[], value: string, i: number) => list.indexOf(value) !== i;
    const names = instances.map((i) => String(i.name));
    const hosts = instances.map((i) => String(i.dockerHost));
    const hostnames = instances.map((i) => String(i.hostname).toLowerCase());
    const shared = sharedNames.map((h) => String(h).toLowerCase());
    instances.forEach((instance, i) => {
        const at = `instances[${i}]${typeof instance.name === "string" && instance.name ? ` (${instance.name})` : ""}`;
        const bad = (key: string, value: unknown, allowed: string) => problems.push(notAllowed(`${at}.${key}`, value ?? "", allowed));
        if (typeof instance.name !== "string" || !instanceName.test(instance.name)) {
            bad("name", instance.name, "expected 1-40 lower-case letters, digits and hyphens (it names the resources)");
        } else if (seen(names, instance.name, i)) {
            bad("name", instance.name, "each instance name may be used once");
        }
        if (typeof instance.dockerHost !== "string" || !isDockerHost(instance.dockerHost)) {
            bad("dockerHost", instance.dockerHost, dockerHostAllowed);
        } else if (seen(hosts, instance.dockerHost, i)) {
            bad("dockerHost", instance.dockerHost, "each Docker host may run one instance: they would share the container name and port");
        }
        if (typeof instance.hostname !== "string" || !(isHostAddress(instance.hostname) || isDnsName(instance.hostname))) {
            bad("hostname", instance.hostname, "expected this instance's own DNS name or IP address (it goes into the certificate's SANs)");
        } else if (shared.includes(hostnames[i])) {
            bad("hostname", instance.hostname, "is one of hostnames; give each instance a name of its own (hostnames are the shared names in front of all instances)");
        } else if (seen(hostnames, hostnames[i], i)) {
            bad("hostname", instance.hostname, "each instance needs a hostname of its own");
        }
    });
    return problems;
}
