/**
 * A real OpenSSH server on 127.0.0.1, started by the tests with its own host key, and the
 * OpenSSH client to run commands through it the way the command provider does: the command
 * string goes to the user's login shell, stdin carries what the resource's `stdin` holds.
 */
import { execFile, spawn, ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "./net";
import { RunResult, runProcess } from "./process";

export { RunResult };

const exec = promisify(execFile);

/** Test users: one with passwordless sudo (and the docker group), one with neither. */
export const sudoUser = "prtrust-sudo";
export const plainUser = "prtrust-plain";

export interface Sshd {
    port: number;
    /** The client's private key (OpenSSH format), as the component's `sshPrivateKey`. */
    privateKey: string;
    /** The server's public host key line, as a client's `hostKey`. */
    hostKey: string;
    /** Runs a command string as `user` over SSH, with `stdin`. */
    run(user: string, command: string, stdin?: string): Promise<RunResult>;
    stop(): Promise<void>;
}

/** Creates the test users if missing: unlocked (key login only), bash, a home. Idempotent. */
export async function ensureTestUsers(): Promise<void> {
    for (const user of [sudoUser, plainUser]) {
        const known = await exec("id", ["-u", user]).then(() => true, () => false);
        if (!known) await exec("useradd", ["--create-home", "--shell", "/bin/bash", user]);
        // "*": no password, but not locked; sshd refuses key logins to locked accounts.
        await exec("usermod", ["-p", "*", user]);
    }
    await exec("usermod", ["-aG", "docker", sudoUser]).catch(() => undefined);
    await writeFile(`/etc/sudoers.d/${sudoUser}`, `${sudoUser} ALL=(ALL) NOPASSWD: ALL\n`, { mode: 0o440 });
}

export async function startSshd(): Promise<Sshd> {
    const dir = await mkdtemp(join(tmpdir(), "trust-sshd-"));
    await chmod(dir, 0o755);
    await exec("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "host_key")]);
    await exec("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "client_key")]);
    const clientPublic = await readFile(join(dir, "client_key.pub"), "utf8");
    await writeFile(join(dir, "authorized_keys"), clientPublic, { mode: 0o644 });
    const hostKey = (await readFile(join(dir, "host_key.pub"), "utf8")).trim().split(" ").slice(0, 2).join(" ");
    await writeFile(join(dir, "known_hosts"), "");
    const port = await freePort();
    await writeFile(
        join(dir, "sshd_config"),
        [
            `Port ${port}`,
            "ListenAddress 127.0.0.1",
            `HostKey ${join(dir, "host_key")}`,
            `PidFile ${join(dir, "sshd.pid")}`,
            `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
            // The key files live under /tmp (world-writable), which StrictModes refuses.
            "StrictModes no",
            "PermitRootLogin prohibit-password",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "LogLevel VERBOSE",
            "",
        ].join("\n"),
    );
    await exec("mkdir", ["-p", "/run/sshd"]);
    const daemon: ChildProcess = spawn("/usr/sbin/sshd", ["-D", "-e", "-f", join(dir, "sshd_config")], { stdio: ["ignore", "ignore", "pipe"] });
    let log = "";
    daemon.stderr!.on("data", (chunk: Buffer) => (log += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
        const started = Date.now();
        const poll = () => {
            if (log.includes("Server listening")) resolve();
            else if (daemon.exitCode !== null || Date.now() - started > 10_000) reject(new Error(`sshd did not start:\n${log}`));
            else setTimeout(poll, 50);
        };
        poll();
    });
    await writeFile(join(dir, "known_hosts"), `[127.0.0.1]:${port} ${hostKey}\n`);

    const run = (user: string, command: string, stdin = ""): Promise<RunResult> =>
        runProcess(
            "ssh",
            [
                "-p", String(port),
                "-i", join(dir, "client_key"),
                "-o", "BatchMode=yes",
                "-o", "IdentitiesOnly=yes",
                "-o", "StrictHostKeyChecking=yes",
                "-o", `UserKnownHostsFile=${join(dir, "known_hosts")}`,
                "-o", "LogLevel=ERROR",
                `${user}@127.0.0.1`,
                command,
            ],
            stdin,
        );

    return {
        port,
        privateKey: await readFile(join(dir, "client_key"), "utf8"),
        hostKey,
        run,
        stop: async () => {
            daemon.kill();
            await new Promise((resolve) => (daemon.exitCode !== null ? resolve(undefined) : daemon.once("exit", resolve)));
            await rm(dir, { recursive: true, force: true });
        },
    };
}

/**
 * The component's exact command, with the script's host root moved from `/` to `root`, so it
 * can run against a folder. The header line must be there exactly once.
 */
export function reroot(command: string, root: string): string {
    const line = "\nROOT='\\'''\\''\n";
    const parts = command.split(line);
    if (parts.length !== 2) throw new Error("the command has no single ROOT='' line");
    return parts.join(`\nROOT='\\''${root}'\\''\n`);
}
