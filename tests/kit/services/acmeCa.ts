/**
 * An ACME CA for the certificate tests: Debian's pebble (2.4.0) on 127.0.0.1 with its mock DNS,
 * pebble-challtestsrv (shipped in the same package), which answers every A query with 127.0.0.1.
 * pebble's VA resolves through it and validates TLS-ALPN-01 on 127.0.0.1:`tlsPort`, so a registry
 * in the host network (Distribution's `http.tls.letsencrypt`) gets real certificates for any name.
 * AAAA queries get no answer: 2.4.0's VA dials the first address it resolved, AAAA before A, and
 * with ::1 a registry listening on 127.0.0.1 only (as the shared instances do) fails validation;
 * one on all addresses (`:port`) accepts 127.0.0.1 too. Every port is a free loopback port, so
 * several run side by side; everything lives in one temp dir. See /work/spikes/acme-issue16-NOTES.md.
 *
 * pebble's PEBBLE_ variables are set here, never inherited: no random VA sleeps (unless
 * `slowValidation`), no randomly rejected nonces, valid authorizations (almost) never reused, so
 * every order is validated against the registry (2.4.0 still reuses one in a hundred:
 * `rand.Intn(100) > 0`), and never PEBBLE_VA_ALWAYS_VALID, which would prove nothing.
 */
import { randomBytes, randomInt } from "node:crypto";
import { createSocket } from "node:dgram";
import { readFile, rm, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { createServer as createHttpsServer, request as httpsRequest } from "node:https";
import { join } from "node:path";
import { ChildProcess } from "node:child_process";
import { freshTempDir } from "../host/tempDirs";
import { startDaemon, stopDaemon } from "./daemons";
import { freePort } from "../host/net";
import { runProcess } from "../host/process";

export interface AcmeTestCaOptions {
    /** The port pebble's VA connects to for TLS-ALPN-01 (pebble's `tlsPort`): the registry's port. */
    tlsPort: number;
    /** Validity of issued certificates in seconds (pebble's `certificateValidityPeriod`); default pebble's own (5 years). */
    validitySeconds?: number;
    /** Let pebble's VA sleep 0-4 s before each validation as it does by default (a slow CA); default false (PEBBLE_VA_NOSLEEP=1). */
    slowValidation?: boolean;
    /**
     * Hold the directory's first answer back this long: a CA slower than a client's patience,
     * deterministically. The directory URL then names an HTTPS front (the same certificate) that
     * passes every request on to pebble; pebble answers with URLs on the host it was asked for,
     * so the whole order goes through the front. Default: no front.
     */
    firstAnswerDelayMs?: number;
}

export interface AcmeTestCa {
    /** The ACME directory URL, https://localhost:<port>/dir */
    directoryUrl: string;
    /** PEM of the certificate pebble's API serves (made with openssl for localhost and 127.0.0.1): what the registry must trust to reach the directory. */
    apiCertificatePem: string;
    /** PEM of pebble's root (management /roots/0): what clients trust for the certificates it issues. */
    rootPem: string;
    /** How many certificates pebble has issued since it started (count from its log, or its management API if that is reliable). */
    issuedCount(): Promise<number>;
    /** How many orders were created since start (from its log). */
    orderCount(): Promise<number>;
    /** The last lines of pebble's and challtestsrv's logs, for error messages. */
    logTail(): Promise<string>;
    /** Stops both processes, removes the temp dir. Idempotent. */
    stop(): Promise<void>;
}

const dirPrefix = "acme-ca-test-";
/** Attempts per process when a port was taken between freePort() and its bind (or is taken for UDP only). */
const bindAttempts = 5;
const startTimeoutMs = 15_000;

/**
 * pebble's environment: these are all the PEBBLE_ variables 2.4.0 reads. Those not set here are
 * removed from the inherited environment, so pebble runs with its defaults (chain with one
 * intermediate, one root; with sleeps on, each of the VA's 3 concurrent validations sleeps 0-4 whole
 * seconds).
 */
function pebbleEnv(slowValidation: boolean): string[] {
    const unset = ["PEBBLE_VA_NOSLEEP", "PEBBLE_VA_SLEEPTIME", "PEBBLE_VA_ALWAYS_VALID", "PEBBLE_WFE_NONCEREJECT", "PEBBLE_AUTHZREUSE", "PEBBLE_WFE_ORDERS_PER_PAGE", "PEBBLE_CHAIN_LENGTH", "PEBBLE_ALTERNATE_ROOTS"];
    return [
        ...unset.flatMap((name) => ["-u", name]),
        ...(slowValidation ? [] : ["PEBBLE_VA_NOSLEEP=1"]),
        // Default 5: that share of good nonces is rejected (badNonce); clients retry, but a flake.
        "PEBBLE_WFE_NONCEREJECT=0",
        // Default 50: about half the orders for a name validated before reuse its authorization, unvalidated.
        "PEBBLE_AUTHZREUSE=0",
    ];
}

/**
 * Starts pebble-challtestsrv and pebble on free loopback ports (retrying with other ports if one
 * was taken), waits until the directory answers and the root is fetched, and hands them back.
 * On failure both are stopped and the error carries their log tail. Both are killed when this
 * process exits without `stop`; a later run removes the dir of a killed one (host/tempDirs.ts).
 */
export async function startAcmeTestCa(options: AcmeTestCaOptions): Promise<AcmeTestCa> {
    const dir = await freshTempDir(dirPrefix);
    const pebbleLog = join(dir, "pebble.log");
    const challLog = join(dir, "challtestsrv.log");
    let challtestsrv: ChildProcess | undefined;
    let pebble: ChildProcess | undefined;
    let front: SlowFront | undefined;
    let stopping: Promise<void> | undefined;
    const stop = () =>
        (stopping ??= (async () => {
            front?.close();
            if (pebble) await stopDaemon(pebble, 5_000);
            if (challtestsrv) await stopDaemon(challtestsrv, 5_000);
            await rm(dir, { recursive: true, force: true });
        })());
    const logTail = async () => {
        const tail = async (file: string) => (await readFile(file, "utf8").catch(() => "")).trim().split("\n").slice(-25).join("\n");
        return `--- pebble (${pebbleLog}):\n${await tail(pebbleLog)}\n--- pebble-challtestsrv (${challLog}):\n${await tail(challLog)}`;
    };
    try {
        const apiKey = join(dir, "api.key");
        const apiCert = join(dir, "api.crt");
        const openssl = await runProcess("openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", apiKey, "-out", apiCert,
        ]);
        if (openssl.code !== 0) throw new Error(`openssl (pebble's API certificate): exit code ${openssl.code}: ${openssl.stderr}`);
        const apiCertificatePem = await readFile(apiCert, "utf8");

        let dnsPort = 0;
        for (let attempt = 1; ; attempt++) {
            const [dns, management] = await distinctFreePorts(2, [options.tlsPort]);
            await rm(challLog, { force: true });
            // Its dir is its cwd, so a later run finds it (reapStaleDirs). No -doh in 2.4.0.
            const child = startDaemon(
                "/usr/bin/pebble-challtestsrv",
                ["-dns01", `127.0.0.1:${dns}`, "-http01", "", "-https01", "", "-tlsalpn01", "", "-management", `127.0.0.1:${management}`, "-defaultIPv4", "127.0.0.1", "-defaultIPv6", ""],
                challLog,
                { cwd: dir },
            );
            challtestsrv = child;
            const problem = await waitForMockDns(child, dns, management, challLog);
            if (problem === undefined) {
                dnsPort = dns;
                break;
            }
            await stopDaemon(child, 0);
            if (problem !== "port taken" || attempt === bindAttempts) throw new Error(`pebble-challtestsrv did not answer DNS on 127.0.0.1:${dns} (udp), attempt ${attempt}: ${problem}`);
        }

        let directoryUrl = "";
        let rootPem = "";
        for (let attempt = 1; ; attempt++) {
            const [listen, management, http] = await distinctFreePorts(3, [options.tlsPort, dnsPort]);
            const config = join(dir, "pebble-config.json");
            await writeFile(
                config,
                `${JSON.stringify(
                    {
                        pebble: {
                            listenAddress: `127.0.0.1:${listen}`,
                            managementListenAddress: `127.0.0.1:${management}`,
                            certificate: apiCert,
                            privateKey: apiKey,
                            // HTTP-01 goes nowhere: a free port nothing listens on.
                            httpPort: http,
                            tlsPort: options.tlsPort,
                            ocspResponderURL: "",
                            externalAccountBindingRequired: false,
                            ...(options.validitySeconds === undefined ? {} : { certificateValidityPeriod: options.validitySeconds }),
                        },
                    },
                    null,
                    2,
                )}\n`,
            );
            await rm(pebbleLog, { force: true });
            // env(1) execs pebble: same pid and process group, the config path (in the dir) on its command line.
            const child = startDaemon(
                "/usr/bin/env",
                [...pebbleEnv(options.slowValidation ?? false), "/usr/bin/pebble", "-config", config, "-dnsserver", `127.0.0.1:${dnsPort}`],
                pebbleLog,
                { cwd: dir },
            );
            pebble = child;
            // The certificate names localhost, and the registry (host network) resolves it.
            directoryUrl = `https://localhost:${listen}/dir`;
            const ready = await waitForPebble(child, directoryUrl, `https://127.0.0.1:${management}/roots/0`, apiCertificatePem, pebbleLog);
            if (typeof ready === "object") {
                rootPem = ready.rootPem;
                break;
            }
            await stopDaemon(child, 0);
            if (ready !== "port taken" || attempt === bindAttempts) throw new Error(`pebble did not serve ${directoryUrl}, attempt ${attempt}: ${ready}`);
        }

        if (options.firstAnswerDelayMs !== undefined) {
            front = await slowFront(new URL(directoryUrl), await readFile(apiKey, "utf8"), apiCertificatePem, options.firstAnswerDelayMs);
            directoryUrl = `https://localhost:${front.port}/dir`;
        }
        const count = async (pattern: RegExp) => [...(await readFile(pebbleLog, "utf8")).matchAll(pattern)].length;
        return {
            directoryUrl,
            apiCertificatePem,
            rootPem,
            issuedCount: () => count(/Issued certificate serial \S+ for order /g),
            orderCount: () => count(/Added order "[^"]*" to the db/g),
            logTail,
            stop,
        };
    } catch (e) {
        const tail = await logTail();
        await stop();
        throw new Error(`acme test CA: ${e instanceof Error ? e.message : String(e)}\n${tail}`);
    }
}

interface SlowFront {
    port: number;
    close(): void;
}

/**
 * An HTTPS server on a free loopback port, with pebble's API certificate, that passes every
 * request on to `pebble` as it is (method, path, headers with Host, body) and every answer back,
 * the first one `delayMs` late.
 */
async function slowFront(pebble: URL, key: string, cert: string, delayMs: number): Promise<SlowFront> {
    let first = true;
    const server = createHttpsServer({ key, cert }, (request, response) => {
        const wait = first ? delayMs : 0;
        first = false;
        const body: Buffer[] = [];
        request.on("data", (chunk: Buffer) => body.push(chunk));
        request.on("end", () => {
            const upstream = httpsRequest(
                { host: "127.0.0.1", port: Number(pebble.port), servername: "localhost", method: request.method, path: request.url, headers: request.headers, ca: cert },
                (answer) => {
                    const parts: Buffer[] = [];
                    answer.on("data", (chunk: Buffer) => parts.push(chunk));
                    answer.on("end", () =>
                        setTimeout(() => {
                            response.writeHead(answer.statusCode ?? 502, answer.headers);
                            response.end(Buffer.concat(parts));
                        }, wait),
                    );
                },
            );
            upstream.on("error", (error) => {
                response.writeHead(502);
                response.end(String(error));
            });
            upstream.end(Buffer.concat(body));
        });
    });
    const port = await distinctFreePorts(1, [Number(pebble.port)]).then(([p]) => p);
    await new Promise<void>((resolve, reject) => {
        server.on("error", reject);
        server.listen(port, "127.0.0.1", () => resolve());
    });
    return {
        port,
        close: () => {
            server.close();
            server.closeAllConnections();
        },
    };
}

/** `n` free loopback TCP ports, all different, none of them in `taken` (ports handed out but not bound yet). */
async function distinctFreePorts(n: number, taken: number[]): Promise<number[]> {
    const ports = new Set<number>();
    while (ports.size < n) {
        const port = await freePort();
        if (!taken.includes(port)) ports.add(port);
    }
    return [...ports];
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until challtestsrv answers an A query on its UDP port with 127.0.0.1, and its own
 * management interface has that query in its history: an answer from another process on the same
 * UDP port (free for TCP is not free for UDP) does not count. undefined when ready, "port taken"
 * when a bind failed (it logs that and runs on), otherwise what went wrong.
 */
async function waitForMockDns(child: ChildProcess, dnsPort: number, managementPort: number, log: string): Promise<string | undefined> {
    const deadline = Date.now() + startTimeoutMs;
    for (;;) {
        const output = await readFile(log, "utf8").catch(() => "");
        if (/address already in use/.test(output)) return "port taken";
        if (exited(child)) return `it exited (${child.exitCode ?? child.signalCode})`;
        const name = `probe-${randomBytes(6).toString("hex")}.acme-ca.test`;
        const answer = await queryA(dnsPort, name, 500).catch(() => undefined);
        if (answer?.includes("127.0.0.1")) {
            const history = await httpPost(`http://127.0.0.1:${managementPort}/dns-request-history`, JSON.stringify({ host: name })).catch(() => undefined);
            if (history?.status === 200 && (JSON.parse(history.body) as unknown[]).length > 0) {
                // A bind failure of the TCP listener is logged as soon as it happens.
                await delay(100);
                return /address already in use/.test(await readFile(log, "utf8").catch(() => "")) ? "port taken" : undefined;
            }
        }
        if (Date.now() > deadline) return answer ? `A ${name} answered ${JSON.stringify(answer)}, not by this challtestsrv` : "no DNS answer";
        await delay(100);
    }
}

/**
 * Waits until pebble's directory answers over TLS that verifies against its own API certificate
 * (another pebble on the port would not), then fetches its root. The root PEM when ready,
 * "port taken" when pebble died on a bind, otherwise what went wrong.
 */
async function waitForPebble(child: ChildProcess, directoryUrl: string, rootUrl: string, apiCertificatePem: string, log: string): Promise<{ rootPem: string } | string> {
    const deadline = Date.now() + startTimeoutMs;
    let last = "";
    for (;;) {
        if (exited(child)) {
            const output = await readFile(log, "utf8").catch(() => "");
            return /address already in use/.test(output) ? "port taken" : `it exited (${child.exitCode ?? child.signalCode})`;
        }
        try {
            const directory = await httpsGet(directoryUrl, apiCertificatePem);
            if (directory.status !== 200 || !("newOrder" in (JSON.parse(directory.body) as object))) throw new Error(`directory: HTTP ${directory.status}: ${directory.body}`);
            const root = await httpsGet(rootUrl, apiCertificatePem);
            if (root.status !== 200 || !root.body.includes("-----BEGIN CERTIFICATE-----")) throw new Error(`${rootUrl}: HTTP ${root.status}: ${root.body}`);
            // The management listener binds in its own goroutine; a failed bind kills pebble.
            await delay(100);
            if (!exited(child)) return { rootPem: root.body };
        } catch (e) {
            last = e instanceof Error ? e.message : String(e);
        }
        if (Date.now() > deadline) return `not ready after ${startTimeoutMs / 1000} s: ${last}`;
        await delay(100);
    }
}

interface HttpAnswer {
    status: number;
    body: string;
}

/** GET over HTTPS trusting only `ca`. */
function httpsGet(url: string, ca: string): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
        const req = httpsRequest(url, { ca, timeout: 2_000 }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (c: string) => (body += c));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
            res.on("error", reject);
        });
        req.on("timeout", () => req.destroy(new Error(`${url}: timeout`)));
        req.on("error", reject);
        req.end();
    });
}

/** POST of a JSON body over plain HTTP (challtestsrv's management interface). */
function httpPost(url: string, body: string): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
        const req = httpRequest(url, { method: "POST", headers: { "content-type": "application/json" }, timeout: 2_000 }, (res) => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", (c: string) => (text += c));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
            res.on("error", reject);
        });
        req.on("timeout", () => req.destroy(new Error(`${url}: timeout`)));
        req.on("error", reject);
        req.end(body);
    });
}

/** One DNS A query over UDP to 127.0.0.1:`port`; the IPv4 addresses answered. */
function queryA(port: number, name: string, timeoutMs: number): Promise<string[]> {
    const id = randomInt(0x10000);
    const header = Buffer.alloc(12);
    header.writeUInt16BE(id, 0);
    header.writeUInt16BE(0x0100, 2); // recursion desired
    header.writeUInt16BE(1, 4); // one question
    const labels = name.split(".").map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, "ascii")]));
    const query = Buffer.concat([header, ...labels, Buffer.from([0, 0, 1, 0, 1])]); // root, type A, class IN
    return new Promise((resolve, reject) => {
        const socket = createSocket("udp4");
        const done = (error: Error | undefined, addresses?: string[]) => {
            clearTimeout(timer);
            socket.close();
            if (error) reject(error);
            else resolve(addresses ?? []);
        };
        const timer = setTimeout(() => done(new Error("DNS query: timeout")), timeoutMs);
        socket.on("error", (e) => done(e));
        socket.on("message", (m) => {
            try {
                if (m.readUInt16BE(0) !== id) return;
                if ((m.readUInt16BE(2) & 0xf) !== 0) return done(new Error(`DNS rcode ${m.readUInt16BE(2) & 0xf}`));
                const answers = m.readUInt16BE(6);
                let offset = skipName(m, 12) + 4;
                const addresses: string[] = [];
                for (let i = 0; i < answers; i++) {
                    offset = skipName(m, offset);
                    const type = m.readUInt16BE(offset);
                    const length = m.readUInt16BE(offset + 8);
                    if (type === 1 && length === 4) addresses.push([...m.subarray(offset + 10, offset + 14)].join("."));
                    offset += 10 + length;
                }
                done(undefined, addresses);
            } catch (e) {
                done(e instanceof Error ? e : new Error(String(e)));
            }
        });
        socket.send(query, port, "127.0.0.1");
    });
}

/** The offset after a DNS name at `offset` (labels, ended by a zero byte or a compression pointer). */
function skipName(m: Buffer, offset: number): number {
    for (;;) {
        const length = m.readUInt8(offset);
        if (length === 0) return offset + 1;
        if ((length & 0xc0) === 0xc0) return offset + 2;
        offset += 1 + length;
    }
}
