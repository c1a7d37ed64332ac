import { isAbsolute } from "node:path";
import { isDnsName, isHostAddress } from "../shared/hostnames";
import { portRange, Problems } from "../shared/problems";
import { ClientTrustSettings, clientRuntimes } from "./args";

const clientName = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
// POSIX-ish login names, as useradd accepts them by default.
const loginName = /^[a-z_][a-z0-9_.-]{0,31}$/;
// A public key line as in ssh_host_*_key.pub or known_hosts (without the host field).
const publicKeyLine = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\r\n]*)?$/;

/** A mirror as the client checks see it. */
export interface MirrorForClients {
    name: string;
    mirrorOf: string;
    access: string;
}

/**
 * Checks the client hosts; one message per problem, each naming the client (index and name),
 * the setting, the bad value and what is allowed. `users` are the registry's user names.
 */
export function findClientTrustProblems(s: ClientTrustSettings, users: readonly string[], mirrors: readonly MirrorForClients[] = []): string[] {
    const { clients, sharedSshKey: sharedKey } = s;
    const problems = new Problems();
    const names = clients.map((c) => String(c.name).toLowerCase());

    clients.forEach((c, i) => {
        const key = `clients[${i}]`;
        const at = `${key}${typeof c.name === "string" && c.name ? ` (${c.name})` : ""}`;
        const bad = (key: string, value: unknown, allowed: string) => problems.bad(`${at}.${key}`, value, allowed);
        const port = (key: string, value: number) => problems.wholeNumber(`${at}.${key}`, value, portRange);
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
            problems.add(`${at}: no SSH credentials; set the secret sshPrivateKey (shared by all clients), ${key}.privateKey or ${key}.agentSocket`);
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

        if (!Array.isArray(c.mirrors)) {
            bad("mirrors", c.mirrors, "expected a list of mirror names");
            return;
        }
        const known = mirrors.map((m) => m.name);
        c.mirrors.forEach((name, j) => {
            const mirror = mirrors.find((m) => m.name === name);
            if (!mirror) bad(`mirrors[${j}]`, name, known.length > 0 ? `expected one of the mirrors (${known.join(", ")})` : "no mirrors are configured (mirrors)");
            else if (c.mirrors.indexOf(name) !== j) bad(`mirrors[${j}]`, name, "each mirror may be listed once");
            else if (docker && mirror.mirrorOf === "docker.io" && mirror.access !== "anonymous") {
                bad(
                    `mirrors[${j}]`,
                    name,
                    `Docker's registry-mirrors sends no credentials to a mirror (moby/moby#30880), so Docker would skip this mirror, which serves the registry's users only; set its access to anonymous, or use it from containerd only (runtimes: [containerd])`,
                );
            }
        });
    });
    return problems.lines;
}
