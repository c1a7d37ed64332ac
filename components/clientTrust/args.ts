/** Client hosts: the machines made to trust the registry over SSH, and how to reach them. */
import type * as pulumi from "@pulumi/pulumi";
import { isGiven } from "../shared/settings";

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
    /**
     * Mirrors (names from `mirrors`) this host pulls through: a Docker Hub mirror goes into
     * Docker's `registry-mirrors`, every mirror into containerd's `hosts.toml` of the registry it
     * mirrors, and each mirror's address is trusted (and logged in to with `dockerLogin` when it
     * serves the registry's users). Default: none, and the host's mirror settings are left alone.
     */
    mirrors?: string[];
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
    mirrors: string[];
}

export const clientDefaults = {
    port: 22,
    user: "root",
    runtimes: ["docker"] as ClientRuntime[],
};

/** The client trust part of the component's arguments. */
export interface ClientTrustArgs {
    /**
     * Machines that pull from the registry: each is reached over SSH and made to trust the
     * registry's CA (Docker and/or containerd), optionally logged in. Default: none.
     */
    clients?: ClientHostArgs[];
    /** SSH private key for every client without a key of its own. Must be a secret. */
    sshPrivateKey?: pulumi.Input<string>;
}

/** The client hosts with defaults filled in, and whether a shared key is given (never the key). */
export interface ClientTrustSettings {
    clients: ClientSettings[];
    /** True when `sshPrivateKey` is given. */
    sharedSshKey: boolean;
}

export function resolveClientTrust(args: ClientTrustArgs): ClientTrustSettings {
    return { clients: resolveClients(args.clients), sharedSshKey: isGiven(args.sshPrivateKey) };
}

/** Fills in defaults; pure. */
function resolveClients(clients: readonly ClientHostArgs[] | undefined): ClientSettings[] {
    return (clients ?? []).map((c) => {
        const user = c.user ?? clientDefaults.user;
        return {
            name: c.name,
            host: c.host,
            port: c.port ?? clientDefaults.port,
            user,
            hasOwnKey: isGiven(c.privateKey),
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
            mirrors: [...(c.mirrors ?? [])],
        };
    });
}
