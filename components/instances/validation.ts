import { isDnsName, isHostAddress, isIpAddress } from "../shared/hostnames";
import { notAllowed, Problems } from "../shared/problems";
import { DeploymentSettings, InstanceSettings, logMaxFilesRange } from "./args";

const dockerHostSchemes = ["unix://", "tcp://", "ssh://", "npipe://"];

/** True for a Docker host URL of a scheme the docker provider takes. */
function isDockerHost(value: string): boolean {
    return dockerHostSchemes.some((scheme) => value.startsWith(scheme) && value.length > scheme.length);
}

const dockerHostAllowed = `expected a URL starting with ${dockerHostSchemes.join(", ")} (e.g. ssh://user@host)`;

/** Instance names become resource names and output keys. */
const instanceName = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
// Docker's own rule for container and volume names: at least two characters.
const containerName = /^[A-Za-z0-9][A-Za-z0-9_.-]+$/;
// Docker's image reference grammar, simplified: [registry[:port]/]lower-case/path[:tag][@sha256:digest].
const imageReference =
    /^(?:(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const logSize = /^[1-9][0-9]*[kmg]$/;

/** True for an image reference Docker would take (`[host[:port]/]path[:tag][@sha256:digest]`). */
export function isImageReference(value: string): boolean {
    return imageReference.test(value);
}

/** Problems of the image, the container and volume names, the Docker host(s), publishing and log rotation. `hostnames` are the shared names. */
export function findDeploymentProblems(s: DeploymentSettings, hostnames: readonly string[]): string[] {
    const problems = new Problems();
    if (!isImageReference(s.image)) {
        problems.bad("image", s.image, "expected an image reference such as registry:2 or ghcr.io/org/registry:2.8.3 (lower-case repository)");
    }
    if (!containerName.test(s.containerName)) {
        problems.bad("containerName", s.containerName, "expected at least 2 characters from letters, digits and _ . - (starting with a letter or digit)");
    }
    if (!containerName.test(s.dataVolumeName)) {
        problems.bad("dataVolumeName", s.dataVolumeName, "expected at least 2 characters from letters, digits and _ . - (starting with a letter or digit)");
    }
    if (s.dockerHost !== "" && !isDockerHost(s.dockerHost)) {
        problems.bad("dockerHost", s.dockerHost, `${dockerHostAllowed}, or empty for the local daemon`);
    }
    findInstanceProblems(s.instances, hostnames, s.dockerHost).forEach((line) => problems.add(line));
    if (!isIpAddress(s.bindAddress)) {
        problems.bad("bindAddress", s.bindAddress, "expected an IP address of the Docker host, e.g. 0.0.0.0 or 127.0.0.1");
    }
    if (s.instances.length > 1 && !["0.0.0.0", "::"].includes(s.bindAddress)) {
        problems.bad("bindAddress", s.bindAddress, "with several instances, 0.0.0.0 or :: (every interface): one address cannot belong to every host");
    }
    if (!logSize.test(s.logMaxSize)) {
        problems.bad("logMaxSize", s.logMaxSize, "expected a size such as 10m (a number with k, m or g)");
    }
    problems.wholeNumber("logMaxFiles", s.logMaxFiles, logMaxFilesRange);
    return problems.lines;
}

/**
 * Checks `instances`: names, Docker hosts and hostnames, each unique. `sharedNames` are the
 * `hostnames`, which no instance may repeat; `dockerHost` is the single-instance setting, which
 * cannot be combined with a list.
 */
function findInstanceProblems(instances: readonly InstanceSettings[], sharedNames: readonly string[], dockerHost: string): string[] {
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
