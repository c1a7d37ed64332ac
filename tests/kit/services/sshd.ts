/**
 * A real OpenSSH server on 127.0.0.1, started by the tests with its own host key, and the
 * OpenSSH client to run commands through it the way the command provider does: the command
 * string goes to the user's login shell, stdin carries what the resource's `stdin` holds.
 */
import { execFile } from "node:child_process";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { freshTempDir } from "../host/tempDirs";
import { startDaemon, stopDaemon } from "./daemons";
import { freePort } from "../host/net";
import { RunResult, runProcess } from "../host/process";

const exec = promisify(execFile);
const dirPrefix = "trust-sshd-";

export interface Sshd {
    port: number;
    /** The client's private key (OpenSSH format), as the component's `sshPrivateKey`. */
    privateKey: string;
    /** The server's public host key line, as a client's `hostKey`. */
    hostKey: string;
    /** Runs a command string as `user` over SSH, with `stdin`. */
    run(user: string, command: string, stdin?: string): Promise<RunResult>;
    /** Stops sshd and removes its dir. */
    stop(): Promise<void>;
}

export async function startSshd(): Promise<Sshd> {
    const dir = await freshTempDir(dirPrefix);
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
    // sshd's privilege separation dir (the package's own, normally made by its service).
    await mkdir("/run/sshd", { recursive: true });
    const output = join(dir, "sshd.log");
    // Its own process group, killed at exit; a run killed before `stop` is reaped by the next (its dir is on the command line).
    const daemon = startDaemon("/usr/sbin/sshd", ["-D", "-e", "-f", join(dir, "sshd_config")], output);
    const stop = async () => {
        await stopDaemon(daemon, 5_000);
        await rm(dir, { recursive: true, force: true });
    };
    try {
        const started = Date.now();
        for (;;) {
            const log = await readFile(output, "utf8").catch(() => "");
            if (log.includes("Server listening")) break;
            if (daemon.exitCode !== null || daemon.signalCode !== null || Date.now() - started > 10_000) throw new Error(`sshd did not start:\n${log}`);
            await new Promise((r) => setTimeout(r, 50));
        }
    } catch (e) {
        await stop();
        throw e;
    }
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
        stop,
    };
}
