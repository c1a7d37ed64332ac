import * as pulumi from "@pulumi/pulumi";
import { isAbsolute } from "node:path";
import { isDnsName, isHostAddress } from "../shared/hostnames";
import { notAllowed } from "../shared/problems";

/** Container runtimes a client host can be configured for. */
export type ClientRuntime = "docker" | "containerd";
export const clientRuntimes: readonly ClientRuntime[] = ["docker", "containerd"];

/** A bastion (jump) host the SSH connection to a client goes through. */
export interface SshProxyArgs {
    /** DNS name or IP address of the bastion. */
    host: string;
    /** SSH port of the bastion. Default `22`. */
    port?: number;
    /** User on the bastion. Default: the client's `user`. */
    user?: string;
    /**
     * The bastion's SSH public key, as in its `/etc/ssh/ssh_host_*_key.pub`
     * (`ssh-ed25519 AAAA…`). Without it any host key is accepted.
     */
    hostKey?: string;
}

/**
 * A machine that pulls from the registry. The component connects to it over SSH and installs
 * the registry's CA for the chosen runtimes; `pulumi destroy` removes exactly that again.
 */
export interface ClientHostArgs {
    /** Unique name (lower-case letters, digits, hyphens); names the resource and the output entry. */
    name: string;
    /** DNS name or IP address to connect to over SSH. */
    host: string;
    /** SSH port. Default `22`. */
    port?: number;
    /** SSH user: `root`, or a user that may run `sudo` without a password. Default `root`. */
    user?: string;
    /** This host's own SSH private key (PEM or OpenSSH format), instead of the shared `sshPrivateKey`. Secret. */
    privateKey?: pulumi.Input<string>;
    /** Path of an SSH agent socket on the machine running Pulumi, to authenticate with instead of a key. */
    agentSocket?: string;
    /**
     * The host's SSH public key, as in its `/etc/ssh/ssh_host_*_key.pub` (`ssh-ed25519 AAAA…`).
     * Without it the connection accepts any host key; pin it.
     */
    hostKey?: string;
    /** Reach the host through this bastion; it authenticates with the same key or agent. */
    proxy?: SshProxyArgs;
    /**
     * Runtimes to configure: `docker` (`/etc/docker/certs.d`) and/or `containerd`
     * (`/etc/containerd/certs.d` with `hosts.toml`: Kubernetes nodes, kind, k3s, minikube, nerdctl).
     * Default `["docker"]`.
     */
    runtimes?: ClientRuntime[];
    /**
     * A registry user (one of `users`) to log the SSH user's Docker in with, so that `docker pull`
     * on the host needs no `docker login`. The password goes over stdin. Default: no login.
     */
    dockerLogin?: string;
    /**
     * Legacy: also list the registry in Docker's `insecure-registries` (`/etc/docker/daemon.json`),
     * which turns off certificate checks for it. Only for old tooling that cannot use certs.d.
     * Default `false`.
     */
    insecureRegistry?: boolean;
}

/** A client host with every default filled in, and no secrets: what validation and the scripts see. */
export interface ClientSettings {
    name: string;
    host: string;
    port: number;
    user: string;
    /** True when the client has a key of its own. */
    hasOwnKey: boolean;
    agentSocket: string;
    hostKey: string;
    proxy?: { host: string; port: number; user: string; hostKey: string };
    runtimes: ClientRuntime[];
    dockerLogin: string;
    insecureRegistry: boolean;
}

export const clientDefaults = {
    port: 22,
    user: "root",
    runtimes: ["docker"] as ClientRuntime[],
} as const;

/** True when a secret input is given (not undefined, not ""). */
function given(value: pulumi.Input<string> | undefined): boolean {
    return value !== undefined && value !== "";
}

/** Fills in defaults; pure. */
export function resolveClients(clients: readonly ClientHostArgs[] | undefined): ClientSettings[] {
    return (clients ?? []).map((c) => {
        const user = c.user ?? clientDefaults.user;
        return {
            name: c.name,
            host: c.host,
            port: c.port ?? clientDefaults.port,
            user,
            hasOwnKey: given(c.privateKey),
            agentSocket: c.agentSocket ?? "",
            hostKey: c.hostKey ?? "",
            proxy: c.proxy && {
                host: c.proxy.host,
                port: c.proxy.port ?? clientDefaults.port,
                user: c.proxy.user ?? user,
                hostKey: c.proxy.hostKey ?? "",
            },
            runtimes: [...(c.runtimes ?? clientDefaults.runtimes)],
            dockerLogin: c.dockerLogin ?? "",
            insecureRegistry: c.insecureRegistry ?? false,
        };
    });
}

const clientName = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
// POSIX-ish login names, as useradd accepts them by default.
const loginName = /^[a-z_][a-z0-9_.-]{0,31}$/;
// A public key line as in ssh_host_*_key.pub or known_hosts (without the host field).
const publicKeyLine = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\r\n]*)?$/;

/**
 * Checks the client hosts; one message per problem, each naming the client (index and name),
 * the setting, the bad value and what is allowed. `users` are the registry's user names and
 * `sharedKey` tells whether `sshPrivateKey` is set.
 */
export function findClientProblems(clients: readonly ClientSettings[], users: readonly string[], sharedKey: boolean): string[] {
    const problems: string[] = [];
    const names = clients.map((c) => String(c.name).toLowerCase());

    clients.forEach((c, i) => {
        const key = `clients[${i}]`;
        const at = `${key}${typeof c.name === "string" && c.name ? ` (${c.name})` : ""}`;
        const bad = (key: string, value: unknown, allowed: string) => problems.push(notAllowed(`${at}.${key}`, value, allowed));
        const port = (key: string, value: number) => {
            if (!Number.isInteger(value) || value < 1 || value > 65535) bad(key, value, "expected a whole number from 1 to 65535");
        };
        const address = (key: string, value: string) => {
            if (typeof value !== "string" || value === "") bad(key, value ?? "", "expected the DNS name or IP address to connect to over SSH");
            else if (!(isHostAddress(value) || isDnsName(value))) bad(key, value, "expected a DNS name or an IP address (no port, no user@)");
        };

        if (typeof c.name !== "string" || !clientName.test(c.name)) {
            bad("name", c.name ?? "", "expected 1-40 lower-case letters, digits and hyphens (it names the resource)");
        } else if (names.indexOf(c.name.toLowerCase()) !== i) {
            bad("name", c.name, `each client name may be used once (also clients[${names.indexOf(c.name.toLowerCase())}])`);
        }
        address("host", c.host);
        port("port", c.port);
        if (typeof c.user !== "string" || !loginName.test(c.user)) bad("user", c.user, "expected a login name such as root or deploy");
        if (!c.hasOwnKey && !sharedKey && c.agentSocket === "") {
            problems.push(`${at}: no SSH credentials; set the secret sshPrivateKey (shared by all clients), ${key}.privateKey or ${key}.agentSocket`);
        }
        if (c.agentSocket !== "" && !isAbsolute(c.agentSocket)) bad("agentSocket", c.agentSocket, "expected an absolute path of an SSH agent socket");
        if (c.hostKey !== "" && !publicKeyLine.test(c.hostKey)) {
            bad("hostKey", c.hostKey, "expected a public key line such as \"ssh-ed25519 AAAAC3Nza…\" (from /etc/ssh/ssh_host_ed25519_key.pub)");
        }
        if (c.proxy) {
            address("proxy.host", c.proxy.host);
            port("proxy.port", c.proxy.port);
            if (!loginName.test(c.proxy.user)) bad("proxy.user", c.proxy.user, "expected a login name");
            if (c.proxy.hostKey !== "" && !publicKeyLine.test(c.proxy.hostKey)) {
                bad("proxy.hostKey", c.proxy.hostKey, "expected a public key line such as \"ssh-ed25519 AAAAC3Nza…\"");
            }
        }

        if (!Array.isArray(c.runtimes) || c.runtimes.length === 0) {
            bad("runtimes", c.runtimes, `expected a non-empty list of ${clientRuntimes.join(", ")}`);
        } else {
            c.runtimes.forEach((r, j) => {
                if (!clientRuntimes.includes(r)) bad(`runtimes[${j}]`, r, `expected one of ${clientRuntimes.join(", ")}`);
                else if (c.runtimes.indexOf(r) !== j) bad(`runtimes[${j}]`, r, "each runtime may be listed once");
            });
        }
        const docker = Array.isArray(c.runtimes) && c.runtimes.includes("docker");
        if (c.dockerLogin !== "") {
            if (!users.includes(c.dockerLogin)) bad("dockerLogin", c.dockerLogin, `expected one of the registry's users (${users.join(", ")})`);
            else if (!docker) bad("dockerLogin", c.dockerLogin, "needs \"docker\" in runtimes");
        }
        if (typeof c.insecureRegistry !== "boolean") bad("insecureRegistry", c.insecureRegistry, "expected true or false");
        else if (c.insecureRegistry && !docker) bad("insecureRegistry", true, "needs \"docker\" in runtimes");
    });
    return problems;
}
