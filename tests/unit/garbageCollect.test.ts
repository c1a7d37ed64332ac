/** The garbage collector's pure parts: the collector output parse, the command line, the tar files, read-only mode and the Redis flush. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCollectorOutput } from "../../operations/gc/collector";
import { formatReport, humanBytes, parseGcCommand } from "../../operations/gc/gcCommand";
import { singleFileFromTar, tarWithFile } from "../../operations/gc/tarFile";
import { isReadOnly, readOnlyConfig, writableConfig } from "../../operations/gc/readOnlyMode";
import { flushCommands, flushSucceeded, redisCacheOf } from "../../operations/gc/redisFlush";
import { parse } from "yaml";
import { buildRegistryConfig, RegistryConfigInput, renderRegistryConfig } from "../../components/registryConfig/render";

const d = (c: string) => `sha256:${c.repeat(64)}`;

// Distribution 2.8.2's own output with --delete-untagged (digests shortened to one repeated digit).
const collectorStdout = [
    "private-registry-gc: kib-before 224",
    "private-registry-gc: uploads 2 1020",
    "team/app",
    `manifest eligible for deletion: ${d("1")}`,
    `team/app: marking manifest ${d("2")} `,
    `team/app: marking blob ${d("3")}`,
    "library/base",
    `library/base: marking manifest ${d("4")} `,
    `library/base: marking blob ${d("3")}`,
    "",
    "3 blobs marked, 2 blobs and 1 manifests eligible for deletion",
    `blob eligible for deletion: ${d("1")}`,
    `blob eligible for deletion: ${d("5")}`,
    "private-registry-gc: kib-after 192",
].join("\n");

test("the collector's output gives the removed blobs and manifests (with their repository) and the sizes", () => {
    const parsed = parseCollectorOutput(collectorStdout, "");
    assert.deepEqual(parsed.repositories, ["team/app", "library/base"]);
    assert.deepEqual(parsed.blobsEligible, [d("1"), d("5")]);
    assert.deepEqual(parsed.manifestsEligible, [{ repository: "team/app", digest: d("1") }]);
    assert.equal(parsed.blobsMarked, 3);
    assert.equal(parsed.kibBefore, 224);
    assert.equal(parsed.kibAfter, 192);
    assert.equal(parsed.kibEligible, undefined);
    assert.deepEqual(parsed.uploads, { count: 2, kib: 1020 });
    assert.equal(parsed.emptyStorage, false);
});

// Distribution 3.1.2's output with --delete-untagged: untagged manifests after every repository,
// each with its repository and that repository's tags, and layer links at the end.
const collectorStdout3 = [
    "team/app",
    `team/app: marking manifest ${d("2")} `,
    `team/app: marking blob ${d("3")}`,
    "library/base",
    `library/base: marking manifest ${d("4")} `,
    `manifest eligible for deletion: {team/app ${d("1")} [latest v1]}`,
    `manifest eligible for deletion: {library/base ${d("6")} []}`,
    "",
    "3 blobs marked, 2 blobs and 2 manifests eligible for deletion",
    `blob eligible for deletion: ${d("1")}`,
    `blob eligible for deletion: ${d("6")}`,
    `team/app: layer link eligible for deletion: ${d("5")}`,
].join("\n");

test("3.x's collector output gives each untagged manifest with its own repository, not the last one listed", () => {
    const parsed = parseCollectorOutput(collectorStdout3, "");
    assert.deepEqual(parsed.repositories, ["team/app", "library/base"]);
    assert.deepEqual(parsed.manifestsEligible, [
        { repository: "team/app", digest: d("1") },
        { repository: "library/base", digest: d("6") },
    ]);
    assert.deepEqual(parsed.blobsEligible, [d("1"), d("6")]);
    assert.equal(parsed.blobsMarked, 3);
});

test("a storage with no repositories yet is empty, not a failure; an image without du gives no sizes", () => {
    const parsed = parseCollectorOutput("private-registry-gc: kib-before \n", "failed to garbage collect: failed to mark: filesystem: Path not found: /docker/registry/v2/repositories");
    assert.equal(parsed.emptyStorage, true);
    assert.equal(parsed.kibBefore, undefined);
    assert.deepEqual(parsed.blobsEligible, []);
});

test("the command line takes the documented options and names a bad argument, its value and what is allowed", () => {
    assert.deepEqual(parseGcCommand(["--container", "registry", "--dry-run", "--docker-host", "ssh://ops@build-1"]), {
        container: "registry",
        dockerHosts: ["ssh://ops@build-1"],
        stack: undefined,
        dryRun: true,
        deleteUntagged: false,
        purgeUploads: false,
        json: false,
    });
    assert.equal(parseGcCommand(["--container=r", "--delete-untagged", "--stack", "prod", "--json"]).deleteUntagged, true);
    assert.throws(() => parseGcCommand([]), /--container is required.*\nusage: npm run gc -- --container NAME/s);
    assert.throws(() => parseGcCommand(["--container", "r", "--force"]), /Unknown option '--force'.*\nusage:/s);
    assert.throws(() => parseGcCommand(["--container", "r", "extra"]), /positional argument.*\nusage:/s);
    assert.throws(() => parseGcCommand(["--container", "r", "--docker-host", "10.0.0.5:2375"]), /--docker-host "10.0.0.5:2375" is not allowed; give unix:\/\/\/path\/docker.sock, tcp:\/\/host:port or ssh:\/\/user@host/);
    // Several instances over one bucket: every host, in order; the first one's runs the collector.
    assert.deepEqual(parseGcCommand(["--container", "r", "--docker-host", "ssh://a", "--docker-host", "ssh://b"]).dockerHosts, ["ssh://a", "ssh://b"]);
    assert.deepEqual(parseGcCommand(["--container", "r"]).dockerHosts, []);
    assert.throws(() => parseGcCommand(["--container", "r", "--docker-host", "ssh://a", "--docker-host", "ssh://a"]), /--docker-host "ssh:\/\/a" is given twice/);
});

test("shared storage: read-only mode on and off leaves the deployed config byte for byte; an interrupted collection's config is recognised", () => {
    const input: RegistryConfigInput = {
        major: 2, port: 5000, debugPort: 5001, debugOnNetwork: false, httpSecret: "x".repeat(64), authRealm: "Registry Realm", corsOrigins: [], logLevel: "info", accessLog: true, tracingEndpoint: "",
        storage: { driver: "s3", s3: { endpoint: "http://127.0.0.1:7480", region: "us-east-1", bucket: "b", rootDirectory: "", hasAccessKey: true, hasSecretKey: true, secure: false, v4auth: true, chunkSize: 5242880, redirect: false }, accessKey: "AK", secretKey: "SK" },
        redis: { address: "127.0.0.1:6379", password: "p w\"d", db: 2 },
    };
    const deployed = renderRegistryConfig(buildRegistryConfig(input));

    const readOnly = readOnlyConfig(deployed);
    assert.equal(isReadOnly(deployed), false);
    assert.equal(isReadOnly(readOnly), true);
    assert.deepEqual(parse(readOnly).storage.maintenance, { ...parse(deployed).storage.maintenance, readonly: { enabled: true } });
    assert.equal(writableConfig(readOnly), deployed, "switching back restores the deployed text exactly");
    assert.equal(writableConfig(deployed), deployed);

    const target = redisCacheOf(deployed)!;
    assert.deepEqual(target, { host: "127.0.0.1", port: 6379, password: "p w\"d", db: 2 });
    assert.equal(flushCommands(target), "*2\r\n$4\r\nAUTH\r\n$5\r\np w\"d\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n*1\r\n$7\r\nFLUSHDB\r\n*1\r\n$4\r\nQUIT\r\n");
    assert.equal(flushSucceeded(target, "+OK\r\n+OK\r\n+OK\r\n+OK\r\n"), true);
    assert.equal(flushSucceeded(target, "-WRONGPASS invalid username-password pair\r\n-NOAUTH Authentication required.\r\n"), false);
    assert.equal(flushSucceeded(target, ""), false, "no answer is no flush");
    assert.deepEqual(redisCacheOf("storage:\n  cache:\n    blobdescriptor: redis\nredis:\n  addr: '[fd00::6]:6380'\n"), { host: "fd00::6", port: 6380, password: undefined, db: 0 });
    assert.equal(redisCacheOf("storage:\n  cache:\n    blobdescriptor: inmemory\n"), undefined);
    // Distribution 3.x names the server in a list, addrs: the same cache is found and flushed.
    assert.deepEqual(redisCacheOf(renderRegistryConfig(buildRegistryConfig({ ...input, major: 3 }))), target);
});

test("a config file goes into a container as a one-file tar that tar itself reads back", () => {
    const tar = tarWithFile("config.yml", "version: 0.1\nsecret: é\n");
    assert.equal(tar.length % 512, 0);
    assert.equal(singleFileFromTar(tar).toString(), "version: 0.1\nsecret: é\n");
    const listed = execFileSync("tar", ["-tvf", "-"], { input: tar }).toString();
    assert.match(listed, /^-rw------- 0\/0 +\d+ .* config\.yml$/m);
});

test("the report says what was removed, the space freed and the time out of service", () => {
    const text = formatReport({
        container: "registry",
        stack: "private-registry/dev",
        dryRun: false,
        deleteUntagged: true,
        blobsKept: 3,
        blobsRemoved: [d("1"), d("5")],
        manifestsRemoved: [{ repository: "team/app", digest: d("1") }],
        uploadsRemoved: 2,
        bytesBefore: 224 * 1024,
        bytesFreed: 32 * 1024 * 1024,
        outOfServiceMs: 2400,
        collectorOutput: "",
    });
    assert.match(text, /^Garbage collection of registry "registry" \(stack private-registry\/dev\)\n  removed 2 blob\(s\), freed 32.0 MiB \(the data used 224.0 KiB\)\n    sha256:1{64}/);
    assert.match(text, /removed 1 untagged manifest\(s\)\n    team\/app@sha256:1{64}/);
    assert.match(text, /removed 2 upload\(s\) in _uploads/);
    assert.match(text, /out of service for 2.4 s; back with a fresh cache/);
    assert.equal(humanBytes(512), "512 B");

    const shared = formatReport({
        container: "registry", stack: "private-registry/prod", dryRun: false, deleteUntagged: false, blobsKept: 9, blobsRemoved: [d("2")],
        manifestsRemoved: [], uploadsRemoved: 0, outOfServiceMs: 5100, collectorOutput: "", cacheFlushed: true,
        instances: [{ instance: "ssh://a/registry", readOnly: true, running: true }, { instance: "ssh://b/registry", readOnly: false, running: false }],
    });
    assert.match(shared, /removed 1 blob\(s\)\n/);
    assert.match(shared, /pushes refused for 5.1 s while every instance was read-only; back read-write with fresh caches/);
    assert.match(shared, /ssh:\/\/a\/registry: read-only during the collection\n    ssh:\/\/b\/registry: not running, left stopped/);
    assert.match(shared, /the Redis blob descriptor cache was flushed/);
});

test("a file copied out of a container (a tar stream) is read without the local disk", () => {
    const dir = mkdtempSync(join(tmpdir(), "tar-"));
    const long = `${"deep/".repeat(30)}config.yml`;
    let tar: Buffer;
    try {
        execFileSync("mkdir", ["-p", join(dir, long, "..")]);
        writeFileSync(join(dir, long), "version: 0.1\n");
        // GNU tar writes a long-name record first, as docker cp writes PAX headers for long names.
        tar = execFileSync("tar", ["-C", dir, "-cf", "-", long]);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(singleFileFromTar(tar).toString(), "version: 0.1\n");
    assert.throws(() => singleFileFromTar(Buffer.alloc(1024)), /no regular file/);
});
