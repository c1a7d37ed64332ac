/**
 * A throwaway single-node Ceph cluster (one monitor, one OSD on bluestore in a sparse file) with
 * a RADOS gateway: a real S3 server on 127.0.0.1, from Debian's ceph-mon, ceph-osd and radosgw.
 * Everything it writes lives in one temp dir, and every command gets `-c <that dir>/ceph.conf`,
 * so /etc/ceph and /var/lib/ceph are never used. See /work/shared/scale-out-testing.md.
 */
import { ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdir, readFile, rm, statfs, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../host/net";
import { ownedTempDir, reapStaleDirs } from "../host/tempDirs";
import { signalGroup, startDaemon, stopDaemon } from "./daemons";

export interface S3Server {
    /** "http://127.0.0.1:<port>", path-style. */
    endpoint: string;
    /** RGW accepts any region; this is the one the helper signs with. */
    region: string;
    /** Random per start. */
    accessKey: string;
    secretKey: string;
    createBucket(name: string): Promise<void>;
    /** Removes the bucket with every object and unfinished upload in it. */
    deleteBucket(name: string): Promise<void>;
    /** Object keys (ListObjectsV2, every page). */
    listKeys(bucket: string, prefix?: string): Promise<string[]>;
    /**
     * Frees the data of deleted objects now (`radosgw-admin gc process --include-all`). RGW
     * otherwise keeps it for 2 hours, and a registry upload deletes its temporary object at each
     * commit: a long benchmark would fill the OSD.
     */
    collectGarbage(): Promise<void>;
    /** Kills every process it started and removes its temp dir. Idempotent. */
    stop(): Promise<void>;
}

const dirPrefix = "ceph-rgw-";
const blockBytes = 8 * 1024 ** 3;
/** Messenger ports: mon v2, mon v1, then the OSD's public, cluster and heartbeat ports. */
const portCount = 24;

export async function startCephRgw(options: { log?: (m: string) => void } = {}): Promise<S3Server> {
    const started = Date.now();
    await reapStaleDirs(dirPrefix);
    const free = await statfs(tmpdir());
    if (free.bavail * free.bsize < blockBytes + 2 * 1024 ** 3) {
        throw new Error(`ceph: ${tmpdir()} has ${Math.floor((free.bavail * free.bsize) / 1024 ** 2)} MiB free; the OSD's sparse block may grow to ${blockBytes / 1024 ** 3} GiB`);
    }
    const dir = await ownedTempDir(dirPrefix);
    const daemons: Daemon[] = [];
    let stopped = false;
    const stop = async () => {
        if (stopped) return;
        stopped = true;
        // Throwaway data: no clean shutdown needed, and SIGKILL cannot hang.
        for (const d of [...daemons].reverse()) await stopDaemon(d.child, 0);
        await rm(dir, { recursive: true, force: true });
    };
    try {
        const s3 = await bootstrap(dir, daemons, options.log ?? (() => undefined));
        options.log?.(`ceph rgw: ${s3.endpoint} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        return { ...s3, stop };
    } catch (e) {
        await stop();
        throw e;
    }
}

type S3Api = Omit<S3Server, "stop">;

interface Daemon {
    name: string;
    child: ChildProcess;
    /** Its Ceph log file, and the file its stdout and stderr go to. */
    log: string;
    output: string;
}

async function bootstrap(dir: string, daemons: Daemon[], log: (m: string) => void): Promise<S3Api> {
    const conf = join(dir, "ceph.conf");
    const base = await freePortRange(portCount);
    let rgwPort = await freePort();
    while (rgwPort >= base && rgwPort < base + portCount) rgwPort = await freePort();
    const fsid = randomUUID();
    for (const sub of ["mon", "osd/ceph-0", "rgw", "run", "log", "crash"]) await mkdir(join(dir, sub), { recursive: true });
    await writeFile(conf, cephConf(dir, fsid, base, rgwPort));
    const logOf = (name: string) => join(dir, "log", `ceph-${name}.log`);
    const start = (program: string, name: string, args: string[]) => {
        const output = join(dir, "log", `${name}.out`);
        daemons.push({ name, child: startDaemon(program, ["-c", conf, "-f", ...args], output, { cwd: dir }), log: logOf(name), output });
    };
    const waitFor = (what: string, timeoutMs: number, logFile: string, check: () => Promise<boolean>) => poll(what, timeoutMs, logFile, daemons, check);
    const ceph = (args: string[], what: string, timeoutMs = 30_000) => run("ceph", ["-c", conf, "--connect-timeout", "15", ...args], timeoutMs, what, logOf("mon.a"));

    await run("monmaptool", ["--create", "--fsid", fsid, "--addv", "a", `[v2:127.0.0.1:${base},v1:127.0.0.1:${base + 1}]`, join(dir, "monmap")], 10_000, "monmaptool");
    await run("ceph-mon", ["-c", conf, "-i", "a", "--mkfs", "--monmap", join(dir, "monmap")], 30_000, "ceph-mon --mkfs", logOf("mon.a"));
    start("ceph-mon", "mon.a", ["-i", "a"]);
    await waitFor("the monitor to answer", 30_000, logOf("mon.a"), async () => (await exec("ceph", ["-c", conf, "--connect-timeout", "5", "mon", "stat"], 10_000)).code === 0);
    log("ceph rgw: monitor up");

    const osdUuid = randomUUID();
    const id = (await ceph(["osd", "create", osdUuid], "ceph osd create")).trim();
    if (id !== "0") throw new Error(`ceph osd create: expected id 0, got ${JSON.stringify(id)}`);
    await ceph(["osd", "crush", "add", "osd.0", "1", "root=default"], "ceph osd crush add");
    await run("ceph-osd", ["-c", conf, "-i", "0", "--mkfs", "--osd-uuid", osdUuid], 60_000, "ceph-osd --mkfs", logOf("osd.0"));
    start("ceph-osd", "osd.0", ["-i", "0"]);
    await waitFor("the OSD to come up", 60_000, logOf("osd.0"), async () => {
        const s = JSON.parse(await ceph(["osd", "stat", "-f", "json"], "ceph osd stat")) as { num_up_osds?: number };
        return s.num_up_osds === 1;
    });
    log("ceph rgw: OSD up");

    start("radosgw", "client.rgw", ["-n", "client.rgw"]);
    // Keys generated by RGW and read from its output: they never appear on a command line.
    const user = JSON.parse(
        await run("radosgw-admin", ["-c", conf, "user", "create", "--uid=tests", "--display-name=tests", "--gen-access-key", "--gen-secret"], 120_000, "radosgw-admin user create", logOf("client.admin")),
    ) as { keys: { access_key: string; secret_key: string }[] };
    log("ceph rgw: S3 user created");
    const s3: S3Api = s3Api(`http://127.0.0.1:${rgwPort}`, user.keys[0].access_key, user.keys[0].secret_key, {
        purge: async (bucket) => {
            await run("radosgw-admin", ["-c", conf, "bucket", "rm", `--bucket=${bucket}`, "--purge-objects", "--bypass-gc"], 300_000, "radosgw-admin bucket rm", logOf("client.admin"));
        },
        collectGarbage: async () => {
            await run("radosgw-admin", ["-c", conf, "gc", "process", "--include-all"], 120_000, "radosgw-admin gc process", logOf("client.admin"));
        },
    });
    await waitFor("the gateway to answer S3", 120_000, logOf("client.rgw"), async () => (await s3Request(s3, "GET", "/")).status === 200);
    return s3;
}

function cephConf(dir: string, fsid: string, base: number, rgwPort: number): string {
    return `[global]
fsid = ${fsid}
mon host = [v2:127.0.0.1:${base},v1:127.0.0.1:${base + 1}]
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
ms bind port min = ${base + 2}
ms bind port max = ${base + portCount - 1}
auth cluster required = none
auth service required = none
auth client required = none
# Without this radosgw waits 300 s for the monitor.
ms mon client mode = crc secure
run dir = ${dir}/run
log file = ${dir}/log/$cluster-$name.log
crash dir = ${dir}/crash
keyring = ${dir}/keyring
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0

[mon]
mon data = ${dir}/mon/$cluster-$id
admin socket = ${dir}/run/$cluster-$name.asok
pid file = ${dir}/run/$cluster-$name.pid
mon memory target = 268435456
# One map change per second by default: pool creation (by RGW) waits for each.
paxos propose interval = 0.05
paxos min wait = 0.01

[osd]
osd data = ${dir}/osd/$cluster-$id
admin socket = ${dir}/run/$cluster-$name.asok
pid file = ${dir}/run/$cluster-$name.pid
osd objectstore = bluestore
bluestore block path = ${dir}/osd/block
bluestore block create = true
bluestore block size = ${blockBytes}
bluestore block db create = false
bluestore block wal create = false
# Bounded memory: the machine also runs Docker and the registries.
bluestore cache autotune = false
bluestore cache size = 268435456

[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:${rgwPort}
rgw data = ${dir}/rgw
admin socket = ${dir}/run/$cluster-$name.asok
pid file = ${dir}/run/$cluster-$name.pid
rgw init timeout = 120
`;
}

/** The S3 calls the helper makes itself, signed by curl (SigV4; credentials via stdin). */
function s3Api(
    endpoint: string,
    accessKey: string,
    secretKey: string,
    admin: { purge: (bucket: string) => Promise<void>; collectGarbage: () => Promise<void> },
): S3Api {
    const s3: S3Api = {
        endpoint,
        region: "us-east-1",
        accessKey,
        secretKey,
        createBucket: async (name) => {
            await s3Expect(s3, "PUT", `/${name}`, "create bucket");
        },
        deleteBucket: async (name) => {
            if ((await s3Request(s3, "HEAD", `/${name}`)).status === 404) return;
            await admin.purge(name);
        },
        collectGarbage: admin.collectGarbage,
        listKeys: async (bucket, prefix) => {
            const keys: string[] = [];
            let token: string | undefined;
            do {
                // Already in canonical (sorted, fully encoded) form: curl 7.88 signs the query as given.
                const query = [
                    ...(token === undefined ? [] : [`continuation-token=${s3Encode(token)}`]),
                    "list-type=2",
                    ...(prefix === undefined ? [] : [`prefix=${s3Encode(prefix)}`]),
                ].join("&");
                const xml = await s3Expect(s3, "GET", `/${bucket}?${query}`, "list objects");
                for (const m of xml.matchAll(/<Key>([^<]*)<\/Key>/g)) keys.push(xmlDecode(m[1]));
                token = /<IsTruncated>true<\/IsTruncated>/.test(xml) ? xmlDecode(/<NextContinuationToken>([^<]*)</.exec(xml)?.[1] ?? "") : undefined;
            } while (token);
            return keys;
        },
    };
    return s3;
}

async function s3Expect(s3: S3Api, method: string, path: string, what: string): Promise<string> {
    const r = await s3Request(s3, method, path);
    if (r.status < 200 || r.status > 299) throw new Error(`S3 ${what} (${method} ${path}): HTTP ${r.status} ${r.body}`);
    return r.body;
}

async function s3Request(s3: S3Api, method: string, path: string): Promise<{ status: number; body: string }> {
    const config = [
        `user = "${s3.accessKey}:${s3.secretKey}"`,
        `aws-sigv4 = "aws:amz:${s3.region}:s3"`,
        `header = "x-amz-content-sha256: UNSIGNED-PAYLOAD"`,
        "",
    ].join("\n");
    const head = method === "HEAD" ? ["--head"] : ["-X", method];
    const r = await exec("curl", ["-sS", "--noproxy", "*", "--max-time", "30", "-K", "-", ...head, "-w", "\n%{http_code}", `${s3.endpoint}${path}`], 40_000, config);
    if (r.code !== 0) return { status: 0, body: r.stderr };
    const i = r.stdout.lastIndexOf("\n");
    return { status: Number(r.stdout.slice(i + 1)), body: r.stdout.slice(0, i) };
}

/** RFC 3986 encoding, as SigV4 canonical query strings want it. */
function s3Encode(value: string): string {
    return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function xmlDecode(text: string): string {
    const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
    return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, e: string) =>
        e.startsWith("#x") ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith("#") ? String.fromCodePoint(Number(e.slice(1))) : (named[e] ?? whole),
    );
}

interface ExecResult {
    code: number;
    stdout: string;
    stderr: string;
}

/** Runs a command in its own process group; kills the group after `timeoutMs` (code -1). */
function exec(program: string, args: string[], timeoutMs: number, stdin = ""): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(program, args, { detached: true, stdio: ["pipe", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        const timer = setTimeout(() => signalGroup(child, "SIGKILL"), timeoutMs);
        child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
        child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
        child.on("error", (e) => {
            clearTimeout(timer);
            reject(e);
        });
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve({ code: code ?? -1, stdout, stderr });
        });
        child.stdin!.on("error", () => undefined);
        child.stdin!.end(stdin);
    });
}

/** `exec` that throws, with stderr and the tail of `logFile`, unless the command succeeds. */
async function run(program: string, args: string[], timeoutMs: number, what: string, logFile?: string): Promise<string> {
    const r = await exec(program, args, timeoutMs);
    if (r.code === 0) return r.stdout;
    const why = r.code === -1 ? `timed out after ${timeoutMs / 1000} s` : `exit code ${r.code}`;
    throw new Error(`ceph: ${what} failed (${why}):\n${r.stderr.trim()}${logFile ? await logTail(logFile) : ""}`);
}

/** Polls `check` until it holds; fails early, with its logs, if a daemon has exited. */
async function poll(what: string, timeoutMs: number, logFile: string, daemons: Daemon[], check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    for (;;) {
        const dead = daemons.find((d) => d.child.exitCode !== null || d.child.signalCode !== null);
        if (dead) {
            const how = dead.child.exitCode ?? dead.child.signalCode;
            throw new Error(`ceph: ${dead.name} exited (${how}) while waiting for ${what}${await logTail(dead.output, 10)}${await logTail(dead.log)}`);
        }
        try {
            if (await check()) return;
        } catch (e) {
            last = (e as Error).message;
        }
        if (Date.now() > deadline) throw new Error(`ceph: timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `\nlast error: ${last}` : ""}${await logTail(logFile)}`);
        await new Promise((r) => setTimeout(r, 500));
    }
}

async function logTail(file: string, lines = 30): Promise<string> {
    const text = await readFile(file, "utf8").catch(() => "(no log)");
    return `\n--- tail of ${file} ---\n${text.trimEnd().split("\n").slice(-lines).join("\n")}`;
}

/** A run of `count` consecutive ports free on 127.0.0.1 right now. */
async function freePortRange(count: number): Promise<number> {
    for (let attempt = 0; attempt < 50; attempt++) {
        const base = 20_000 + Math.floor(Math.random() * 30_000);
        let ok = true;
        for (let p = base; ok && p < base + count; p++) ok = await portFree(p);
        if (ok) return base;
    }
    throw new Error(`ceph: found no ${count} consecutive free ports`);
}

function portFree(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const server = createServer();
        server.once("error", () => resolve(false));
        server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
}
