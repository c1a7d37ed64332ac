/**
 * Debian's redis-server on 127.0.0.1, with a random password and no persistence, for the
 * registry's blob-descriptor cache. The config (with the password) goes in on stdin, so it is
 * on no command line; redis-cli gets the password through REDISCLI_AUTH.
 */
import { randomBytes } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { freshTempDir } from "../host/tempDirs";
import { startDaemon, stopDaemon } from "./daemons";
import { freePort } from "../host/net";
import { runProcess, RunResult } from "../host/process";

export interface RedisServer {
    /** "127.0.0.1:<port>", as the registry's `redis.addr`. */
    address: string;
    password: string;
    /** One command through redis-cli, e.g. `command("DBSIZE")`; its raw reply, trimmed. */
    command(...args: string[]): Promise<string>;
    /** Stops the server and removes its dir. Idempotent. */
    stop(): Promise<void>;
}

const dirPrefix = "redis-test-";

export async function startRedis(): Promise<RedisServer> {
    const dir = await freshTempDir(dirPrefix);
    const port = await freePort();
    const password = randomBytes(24).toString("hex");
    const config = [
        "bind 127.0.0.1",
        `port ${port}`,
        `requirepass ${password}`,
        'save ""',
        "appendonly no",
        `dir ${dir}`,
        "daemonize no",
        `logfile ${join(dir, "redis.log")}`,
        "",
    ].join("\n");
    const child = startDaemon("redis-server", ["-"], join(dir, "output.log"), { cwd: dir, stdin: config });
    let stopped = false;
    const stop = async () => {
        if (stopped) return;
        stopped = true;
        await stopDaemon(child, 5_000);
        await rm(dir, { recursive: true, force: true });
    };
    const command = async (...args: string[]): Promise<string> => {
        const cli = await runRedisCli(port, password, args);
        if (cli.code !== 0 || /^(ERR|WRONGPASS|NOAUTH|WRONGTYPE)\b/.test(cli.stdout)) {
            throw new Error(`redis-cli ${args[0] ?? ""}: exit code ${cli.code}: ${cli.stdout}${cli.stderr}`);
        }
        return cli.stdout.trim();
    };
    try {
        const deadline = Date.now() + 10_000;
        for (;;) {
            const reply = await runRedisCli(port, password, ["PING"]).catch(() => undefined);
            if (reply?.stdout.trim() === "PONG") break;
            if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
                const log = (await readFile(join(dir, "redis.log"), "utf8").catch(() => "")) + (await readFile(join(dir, "output.log"), "utf8").catch(() => ""));
                throw new Error(`redis-server did not answer PING on 127.0.0.1:${port}:\n${log.trim().split("\n").slice(-20).join("\n")}`);
            }
            await new Promise((r) => setTimeout(r, 100));
        }
    } catch (e) {
        await stop();
        throw e;
    }
    return { address: `127.0.0.1:${port}`, password, command, stop };
}

/** redis-cli with the password in its environment, not on a command line. */
function runRedisCli(port: number, password: string, args: string[]): Promise<RunResult> {
    return runProcess("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...args], "", { REDISCLI_AUTH: password });
}
