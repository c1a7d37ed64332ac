import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import type { ClientRuntime, ClientSettings, ClientTrustArgs, ClientTrustSettings } from "./args";
import { ClientMirror, planTrust, trustOwner } from "./plan";
import { remoteCommand, renderApplyScript, renderRemoveScript } from "./script";

/** What the component did on one client host; one entry per client in the `clients` output. */
export interface ClientTrustSummary {
    /** SSH address of the host. */
    host: string;
    /** Runtimes configured on it. */
    runtimes: ClientRuntime[];
    /** Registry addresses the host trusts. */
    addresses: string[];
    /** Files the host should have (CA certificates, containerd `hosts.toml`); the run's report says which it wrote. */
    files: string[];
    /** Registry user the SSH user's Docker is logged in as, or "" for none. */
    dockerLogin: string;
    /** Whether the addresses are in Docker's `insecure-registries` (legacy mode). */
    insecureRegistry: boolean;
    /** Mirrors the host pulls through (their names). */
    mirrors: string[];
    /** Docker's `registry-mirrors` entries the host has from this stack. */
    registryMirrors: string[];
    /** What the last run on the host changed (its stdout; never a secret). */
    report: string;
    /** Warnings of the last run, e.g. containerd not reading certs.d (its stderr). */
    warnings: string;
}

/** `user@host:port`, through the bastion if any: which machine and account the command runs on. */
function sshTarget(c: ClientSettings): string {
    const target = `${c.user}@${c.host}:${c.port}`;
    return c.proxy ? `${target} via ${c.proxy.user}@${c.proxy.host}:${c.proxy.port}` : target;
}

/** What the client commands need from the registry. */
export interface RegistryTrustInputs {
    addresses: string[];
    caCertificatePem: pulumi.Output<string | undefined>;
    passwords: pulumi.Output<Record<string, string>>;
    /** The registry's containers: `docker login` needs them up. */
    containers: pulumi.Resource[];
    /** How long `docker login` may keep failing: an ACME registry gets its certificate on the first connection. */
    loginWaitSeconds: number;
    /** Every mirror by name, for the clients that list it. */
    mirrors: Record<string, ClientMirror>;
}

/**
 * One `remote.Command` per client host. Its create (and re-run) script reconciles the host
 * with the plan; its delete script removes what the stack wrote there. Nothing secret is in a
 * command: the private key is in the (secret) connection, the password on stdin.
 */
export function declareClientTrust(
    name: string,
    args: ClientTrustArgs,
    s: ClientTrustSettings,
    registry: RegistryTrustInputs,
    parent: pulumi.Resource,
): pulumi.Output<Record<string, ClientTrustSummary>> {
    const summaries = s.clients.map((client, i) => {
        const owner = trustOwner(pulumi.getProject(), pulumi.getStack(), name, client.name);
        const ownOrShared = args.clients?.[i].privateKey || args.sshPrivateKey || undefined;
        const privateKey = ownOrShared === undefined ? undefined : pulumi.secret(ownOrShared);
        const agentSocketPath = client.agentSocket || undefined;
        const plan = registry.caCertificatePem.apply((caCertificatePem) =>
            planTrust({
                owner,
                addresses: registry.addresses,
                caCertificatePem,
                runtimes: client.runtimes,
                dockerLogin: client.dockerLogin,
                insecureRegistry: client.insecureRegistry,
                mirrors: client.mirrors.map((m) => registry.mirrors[m]),
                loginWaitSeconds: registry.loginWaitSeconds,
            }),
        );
        const stdin = client.dockerLogin
            ? pulumi.secret(registry.passwords.apply((passwords) => `${passwords[client.dockerLogin]}\n`))
            : undefined;
        const options = {
            runtimes: client.runtimes,
            dockerLogin: client.dockerLogin,
            insecureRegistry: client.insecureRegistry,
        };

        const trust = new command.remote.Command(
            `${name}-client-${client.name}`,
            {
                connection: {
                    host: client.host,
                    port: client.port,
                    user: client.user,
                    privateKey,
                    agentSocketPath,
                    hostKey: client.hostKey || undefined,
                    // Fail after a few attempts rather than the default ten: an unreachable host
                    // should stop `pulumi up` or `destroy` quickly, with the dial error.
                    dialErrorLimit: 3,
                    proxy: client.proxy && {
                        host: client.proxy.host,
                        port: client.proxy.port,
                        user: client.proxy.user,
                        privateKey,
                        agentSocketPath,
                        hostKey: client.proxy.hostKey || undefined,
                        dialErrorLimit: 3,
                    },
                },
                create: plan.apply((p) => remoteCommand(renderApplyScript(p))),
                // No `update`: on any change the create script runs again and reconciles.
                delete: remoteCommand(renderRemoveScript(owner)),
                stdin,
                // The command provider replaces the resource when triggers change: the old
                // trust is removed first (deleteBeforeReplace below), then the new one installed.
                // The SSH target is among them because a changed connection alone is an update
                // (create runs on the new host): the old host must be cleaned, through the old
                // connection. A new key for the same target stays an update.
                triggers: [
                    registry.caCertificatePem.apply((pem) => pem ?? ""),
                    registry.addresses.join(","),
                    JSON.stringify(options),
                    sshTarget(client),
                ],
                addPreviousOutputInEnv: false,
                logging: "stdoutAndStderr",
            },
            {
                parent,
                // Create-before-delete would let the old delete script remove what the new
                // create just wrote on the same host.
                deleteBeforeReplace: true,
                // docker login talks to the registry, so the registry must be up first.
                dependsOn: registry.containers,
            },
        );
        return pulumi.all([plan, trust.stdout, trust.stderr]).apply(([p, stdout, stderr]) => [
            client.name,
            {
                host: client.host,
                runtimes: client.runtimes,
                addresses: registry.addresses,
                files: p.files.map((f) => f.path),
                dockerLogin: client.dockerLogin,
                insecureRegistry: client.insecureRegistry,
                mirrors: client.mirrors,
                registryMirrors: p.registryMirrors,
                report: stdout,
                warnings: stderr,
            } satisfies ClientTrustSummary,
        ] as const);
    });
    return pulumi.all(summaries).apply((entries) => Object.fromEntries(entries));
}
