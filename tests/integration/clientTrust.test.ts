/**
 * The client trust scripts exactly as the component renders them, run over a real sshd (as the
 * command provider runs them) against a host root in a temporary folder: files and modes,
 * idempotence, removal of exactly what was added, the daemon.json merge, sudo and its absence.
 * No registry runs here, and the commands do not depend on the Distribution major (the last test
 * checks that), so these tests run once; clientTrustE2e.test.ts runs the real clients per major.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { chown, lstat, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ClientHostArgs, ClientRuntime, PrivateRegistryArgs } from "../../components";
import { renderRegistry, RenderedRegistry } from "../kit/render/render";
import { reroot } from "../kit/render/reroot";
import { RunResult } from "../kit/host/process";
import { startSshd, Sshd } from "../kit/services/sshd";
import { createTestUsers, TestUsers } from "../kit/host/testUsers";
import { freshTempDir } from "../kit/host/tempDirs";
import { snapshotTree } from "../kit/host/treeSnapshot";
import { hostRoot } from "../kit/host/hostRoot";
import { testedMajors, testImages } from "../kit/registry/testRegistry";
import { startDaemon, stopDaemon } from "../kit/services/daemons";

interface Command {
    create: string;
    delete: string;
    stdin?: string;
}

/** Every path under a root with its type, mode, content hash and mtime: equal snapshots mean nothing was touched. */
const snapshot = (root: string) => snapshotTree(root, { mtimes: true });

/**
 * A stand-in dockerd: its pid file in the host root, counting the SIGHUPs (reloads) it gets (in a
 * dir of its own). `flags` appear on its command line, as dockerd's own flags would.
 */
async function fakeDockerd(root: string, flags: string[] = []): Promise<{ reloads: () => Promise<number>; stop: () => Promise<void> }> {
    const dir = await freshTempDir("trust-hup-");
    const log = join(dir, "hup.log");
    await writeFile(log, "");
    const proc = startDaemon("bash", ["-c", `trap 'echo hup >> ${log}' HUP; while :; do sleep 0.05; done`, "dockerd", ...flags], join(dir, "output.log"), { cwd: dir });
    await mkdir(join(root, "var/run"), { recursive: true });
    await writeFile(join(root, "var/run/docker.pid"), `${proc.pid}\n`);
    await new Promise((r) => setTimeout(r, 200));
    return {
        // bash runs the trap between two sleeps: give it that long.
        reloads: async () => {
            await new Promise((r) => setTimeout(r, 300));
            return (await readFile(log, "utf8")).split("\n").filter(Boolean).length;
        },
        stop: async () => {
            await stopDaemon(proc, 0);
            await rm(dir, { recursive: true, force: true });
        },
    };
}

describe("client trust scripts over a real sshd, into a host root", () => {
    let users: TestUsers | undefined;
    let sudoUser: string;
    let plainUser: string;
    let sshd: Sshd;
    let rendered: RenderedRegistry;
    /** Every host root of these tests is in here. */
    let rootsDir: string | undefined;
    const commands = new Map<string, Command>();
    let loginPassword: string;
    const commandOf = (client: string) => commands.get(client)!;
    const run = async (user: string, client: string, action: "create" | "delete", root: string): Promise<RunResult> => {
        const c = commandOf(client);
        return sshd.run(user, reroot(c[action], root), c.stdin);
    };
    const newRoot = () => hostRoot(rootsDir!);
    /** The command of client `mirrored` (listing the anonymous Docker Hub mirror `hub` unless `client` says otherwise). */
    const mirroredCommand = async (client: Partial<ClientHostArgs> = {}) =>
        (
            await renderRegistry({
                hostnames: ["registry.test"],
                port: 5000,
                mirrors: [{ name: "hub", port: 5001, access: "anonymous" }],
                sshPrivateKey: sshd.privateKey,
                clients: [{ name: "mirrored", host: "127.0.0.1", port: sshd.port, mirrors: ["hub"], ...client }],
            })
        ).mocks.inputsOf("registry-client-mirrored") as unknown as Command;

    before(async () => {
        rootsDir = await freshTempDir("trust-roots-");
        users = await createTestUsers();
        ({ sudoUser, plainUser } = users);
        sshd = await startSshd();
        const client = { host: "127.0.0.1", port: sshd.port, hostKey: sshd.hostKey };
        rendered = await renderRegistry({
            hostnames: ["registry.test", "10.1.2.3"],
            port: 5000,
            users: ["admin", "ci"],
            sshPrivateKey: sshd.privateKey,
            clients: [
                { name: "both", ...client, runtimes: ["docker", "containerd"] },
                { name: "legacy", ...client, insecureRegistry: true },
                { name: "sudo", ...client, user: sudoUser },
                { name: "nosudo", ...client, user: plainUser },
                { name: "renamed", ...client, runtimes: ["docker", "containerd"] },
            ],
        });
        for (const c of ["both", "legacy", "sudo", "nosudo", "renamed"]) {
            commands.set(c, rendered.mocks.inputsOf(`registry-client-${c}`) as unknown as Command);
        }
        // Logins reach out to the registry: only names that resolve nowhere (or to loopback) here.
        const logins = await renderRegistry({
            hostnames: ["registry.test"],
            port: 5000,
            users: ["admin", "ci"],
            sshPrivateKey: sshd.privateKey,
            clients: [
                { name: "login", ...client, dockerLogin: "ci" },
                { name: "sudologin", ...client, user: sudoUser, dockerLogin: "ci" },
            ],
        });
        loginPassword = logins.outputs.passwords.ci;
        for (const c of ["login", "sudologin"]) {
            commands.set(c, logins.mocks.inputsOf(`registry-client-${c}`) as unknown as Command);
        }
    });

    after(async () => {
        await sshd?.stop();
        await users?.remove();
        if (rootsDir) await rm(rootsDir, { recursive: true, force: true });
    });

    test("create writes the CA for every address and runtime with the right modes; a second run changes nothing; delete removes only ours", async () => {
        const root = await newRoot();
        // Someone else's registry trust, already on the host: must survive everything.
        await mkdir(join(root, "etc/docker/certs.d/other.example:443"), { recursive: true });
        await writeFile(join(root, "etc/docker/certs.d/other.example:443/ca.crt"), "OTHER CA\n", { mode: 0o644 });
        const before = await snapshot(root);

        const first = await run("root", "both", "create", root);
        assert.equal(first.code, 0, first.stderr);
        const ca = `${rendered.outputs.caCertificatePem}\n`;
        for (const address of ["registry.test:5000", "10.1.2.3:5000"]) {
            for (const dir of [`etc/docker/certs.d/${address}`, `etc/containerd/certs.d/${address}`]) {
                assert.equal(((await lstat(join(root, dir))).mode & 0o777).toString(8), "755", dir);
                assert.equal(await readFile(join(root, dir, "ca.crt"), "utf8"), ca);
                assert.equal(((await lstat(join(root, dir, "ca.crt"))).mode & 0o777).toString(8), "644");
            }
            const toml = await readFile(join(root, `etc/containerd/certs.d/${address}/hosts.toml`), "utf8");
            assert.match(toml, new RegExp(`server = "https://${address.replace(/\./g, "\\.")}"`));
            assert.ok(toml.includes(`ca = "/etc/containerd/certs.d/${address}/ca.crt"`));
        }
        assert.match(first.stdout, /installed \/etc\/docker\/certs\.d\/registry\.test:5000\/ca\.crt/);
        assert.ok(!first.stdout.includes("created /etc/docker/certs.d\n"), "an existing certs.d is not ours");
        const manifest = await readFile(join(root, "var/lib/private-registry/private-registry.test.registry.both.manifest"), "utf8");
        assert.ok(manifest.includes("file /etc/docker/certs.d/10.1.2.3:5000/ca.crt"));
        assert.ok(!manifest.includes("dir /etc/docker/certs.d\n"));
        assert.ok(manifest.includes("dir /etc/containerd/certs.d\n"));

        const afterCreate = await snapshot(root);
        const second = await run("root", "both", "create", root);
        assert.equal(second.code, 0, second.stderr);
        assert.equal(second.stdout.trim().split("\n").pop(), "nothing to change");
        assert.deepEqual(await snapshot(root), afterCreate, "the second run must not rewrite anything");

        const removed = await run("root", "both", "delete", root);
        assert.equal(removed.code, 0, removed.stderr);
        assert.deepEqual(await snapshot(root), before, "delete leaves the host as it was");
    });

    test("a file in the way that this stack did not write stops the run before anything changes", async () => {
        const root = await newRoot();
        await mkdir(join(root, "etc/docker/certs.d/registry.test:5000"), { recursive: true });
        await writeFile(join(root, "etc/docker/certs.d/registry.test:5000/ca.crt"), "A DIFFERENT CA\n");
        const before = await snapshot(root);
        const result = await run("root", "both", "create", root);
        assert.equal(result.code, 1);
        assert.match(result.stderr, /not written by this stack, so left alone: \/etc\/docker\/certs\.d\/registry\.test:5000\/ca\.crt\. .*nothing was changed/);
        assert.deepEqual(await snapshot(root), before);
    });

    test("legacy insecure-registries: merged into daemon.json keeping every key, backed up, reloaded only on change, removed alone", async () => {
        const root = await newRoot();
        const dockerd = await fakeDockerd(root);
        try {
            await mkdir(join(root, "etc/docker"), { recursive: true });
            const original = '{\n  "log-level": "warn",\n  "insecure-registries": ["legacy.lan:5000"],\n  "default-address-pools": [{"base": "10.10.0.0/16", "size": 24}]\n}\n';
            await writeFile(join(root, "etc/docker/daemon.json"), original);

            const created = await run("root", "legacy", "create", root);
            assert.equal(created.code, 0, created.stderr);
            const merged = JSON.parse(await readFile(join(root, "etc/docker/daemon.json"), "utf8"));
            assert.deepEqual(merged, { ...JSON.parse(original), "insecure-registries": ["legacy.lan:5000", "registry.test:5000", "10.1.2.3:5000"] });
            assert.equal(await readFile(join(root, "etc/docker/daemon.json.private-registry.bak"), "utf8"), original);
            assert.equal(await dockerd.reloads(), 1);
            assert.match(created.stdout, /reloaded Docker \(SIGHUP/);

            const mtime = (await lstat(join(root, "etc/docker/daemon.json"))).mtimeMs;
            const again = await run("root", "legacy", "create", root);
            assert.equal(again.code, 0, again.stderr);
            assert.equal(again.stdout.trim(), "nothing to change");
            assert.equal((await lstat(join(root, "etc/docker/daemon.json"))).mtimeMs, mtime);
            assert.equal(await dockerd.reloads(), 1, "no reload when nothing changed");

            const removed = await run("root", "legacy", "delete", root);
            assert.equal(removed.code, 0, removed.stderr);
            assert.equal(await readFile(join(root, "etc/docker/daemon.json"), "utf8"), original, "restored byte for byte");
            assert.equal(existsSync(join(root, "etc/docker/daemon.json.private-registry.bak")), false);
            assert.equal(await dockerd.reloads(), 2);
            assert.equal(existsSync(join(root, "var/lib/private-registry")), false, "no manifest left");
        } finally {
            await dockerd.stop();
        }
    });

    test("mirrors: registry-mirrors merged beside insecure-registries and other keys, hosts.toml per mirrored registry, all undone byte for byte", async () => {
        const client = { hostKey: sshd.hostKey, runtimes: ["docker", "containerd"] as ClientRuntime[], insecureRegistry: true };
        const [withMirror, withoutMirror] = [await mirroredCommand({ ...client, mirrors: ["hub"] }), await mirroredCommand({ ...client, mirrors: [] })];
        const root = await newRoot();
        const dockerd = await fakeDockerd(root);
        try {
            await mkdir(join(root, "etc/docker"), { recursive: true });
            const original = '{"log-level":"warn",   "registry-mirrors": ["https://other-mirror.example"],\n "max-concurrent-downloads": 3}\n';
            await writeFile(join(root, "etc/docker/daemon.json"), original);
            const before = await snapshotTree(root);

            const created = await sshd.run("root", reroot(withMirror.create, root));
            assert.equal(created.code, 0, created.stderr);
            assert.deepEqual(JSON.parse(await readFile(join(root, "etc/docker/daemon.json"), "utf8")), {
                "log-level": "warn",
                "registry-mirrors": ["https://other-mirror.example", "https://registry.test:5001"],
                "max-concurrent-downloads": 3,
                "insecure-registries": ["registry.test:5000"],
            });
            assert.match(created.stdout, /registry-mirrors: added https:\/\/registry\.test:5001/);
            assert.equal(await dockerd.reloads(), 1, "one reload for both lists");
            const hostsToml = await readFile(join(root, "etc/containerd/certs.d/docker.io/hosts.toml"), "utf8");
            assert.match(hostsToml, /^server = "https:\/\/registry-1\.docker\.io"\n\n\[host\."https:\/\/registry\.test:5001"\]\n {2}capabilities = \["pull", "resolve"\]\n {2}ca = "\/etc\/containerd\/certs\.d\/registry\.test:5001\/ca\.crt"$/m);
            for (const dir of ["etc/docker/certs.d/registry.test:5001", "etc/containerd/certs.d/registry.test:5001"]) assert.ok(existsSync(join(root, dir, "ca.crt")), dir);

            const again = await sshd.run("root", reroot(withMirror.create, root));
            assert.equal(again.stdout.trim().split("\n").pop(), "nothing to change", again.stdout);
            assert.equal(await dockerd.reloads(), 1, "no reload when nothing changed");

            // The host stops using the mirror; the legacy entry stays.
            const dropped = await sshd.run("root", reroot(withoutMirror.create, root));
            assert.equal(dropped.code, 0, dropped.stderr);
            assert.match(dropped.stdout, /registry-mirrors: removed https:\/\/registry\.test:5001/);
            const daemon = JSON.parse(await readFile(join(root, "etc/docker/daemon.json"), "utf8"));
            assert.deepEqual([daemon["registry-mirrors"], daemon["insecure-registries"]], [["https://other-mirror.example"], ["registry.test:5000"]]);
            assert.equal(existsSync(join(root, "etc/containerd/certs.d/docker.io")), false, "the mirrored registry's folder goes with the mirror");
            assert.equal(await dockerd.reloads(), 2);

            const removed = await sshd.run("root", reroot(withoutMirror.delete, root));
            assert.equal(removed.code, 0, removed.stderr);
            assert.equal(await readFile(join(root, "etc/docker/daemon.json"), "utf8"), original, "daemon.json byte for byte as it was");
            // daemon.json was written back (the same bytes, a new mtime); everything else as it was.
            assert.deepEqual(await snapshotTree(root), before, "nothing of the stack's is left");
            assert.equal(await dockerd.reloads(), 3);
        } finally {
            await dockerd.stop();
        }
    });

    test("daemon.json shared by two stacks: the backup stays until the last one leaves, which restores the file byte for byte", async () => {
        const mirrored = await mirroredCommand();
        const root = await newRoot();
        await mkdir(join(root, "etc/docker"), { recursive: true });
        const original = '{ "log-level": "warn" }\n';
        await writeFile(join(root, "etc/docker/daemon.json"), original);
        const backup = join(root, "etc/docker/daemon.json.private-registry.bak");

        assert.equal((await run("root", "legacy", "create", root)).code, 0);
        assert.equal((await sshd.run("root", reroot(mirrored.create, root))).code, 0);
        assert.equal(await readFile(backup, "utf8"), original, "the first stack's backup, not overwritten by the second");
        assert.equal((await run("root", "legacy", "delete", root)).code, 0);
        assert.equal(await readFile(backup, "utf8"), original, "kept for the stack still in the file");
        const last = await sshd.run("root", reroot(mirrored.delete, root));
        assert.equal(last.code, 0, last.stderr);
        assert.equal(await readFile(join(root, "etc/docker/daemon.json"), "utf8"), original);
        assert.equal(existsSync(backup), false);
        assert.equal(existsSync(join(root, "var/lib/private-registry")), false, "no manifest left");
    });

    test("mirrors: a dockerd started with --registry-mirror flags is refused before anything changes", async () => {
        const command = await mirroredCommand();
        const root = await newRoot();
        const dockerd = await fakeDockerd(root, ["--registry-mirror=https://mirror.example"]);
        try {
            const before = await snapshot(root);
            const refused = await sshd.run("root", reroot(command.create, root));
            assert.equal(refused.code, 1);
            assert.match(refused.stderr, /dockerd runs with --registry-mirror flags, and Docker refuses the same setting in daemon\.json too; move them into .*daemon\.json first/);
            assert.deepEqual(await snapshot(root), before);
            assert.equal(await dockerd.reloads(), 0);
        } finally {
            await dockerd.stop();
        }
    });

    test("legacy mode survives a missing or empty daemon.json, and refuses an invalid one untouched", async () => {
        const missing = await newRoot();
        const first = await run("root", "legacy", "create", missing);
        assert.equal(first.code, 0, first.stderr);
        assert.deepEqual(JSON.parse(await readFile(join(missing, "etc/docker/daemon.json"), "utf8")), {
            "insecure-registries": ["registry.test:5000", "10.1.2.3:5000"],
        });
        assert.match(first.stderr, /Docker is not running/);
        assert.equal((await run("root", "legacy", "delete", missing)).code, 0);
        assert.equal(existsSync(join(missing, "etc/docker/daemon.json")), false, "a daemon.json this stack created goes again");
        // Created by the stack, then deleted by hand: the delete neither fails nor writes a new one.
        assert.equal((await run("root", "legacy", "create", missing)).code, 0);
        await rm(join(missing, "etc/docker/daemon.json"));
        const afterManualDelete = await run("root", "legacy", "delete", missing);
        assert.equal(afterManualDelete.code, 0, afterManualDelete.stderr);
        assert.equal(existsSync(join(missing, "etc/docker/daemon.json")), false);

        const empty = await newRoot();
        await mkdir(join(empty, "etc/docker"));
        await writeFile(join(empty, "etc/docker/daemon.json"), "");
        assert.equal((await run("root", "legacy", "create", empty)).code, 0);
        assert.deepEqual(JSON.parse(await readFile(join(empty, "etc/docker/daemon.json"), "utf8"))["insecure-registries"], ["registry.test:5000", "10.1.2.3:5000"]);
        assert.equal((await run("root", "legacy", "delete", empty)).code, 0);
        assert.equal(await readFile(join(empty, "etc/docker/daemon.json"), "utf8"), "", "the empty file it was, byte for byte");

        const invalid = await newRoot();
        await mkdir(join(invalid, "etc/docker"));
        await writeFile(join(invalid, "etc/docker/daemon.json"), '{"log-level": "warn",}\n');
        const before = await snapshot(invalid);
        const refused = await run("root", "legacy", "create", invalid);
        assert.equal(refused.code, 1);
        assert.match(refused.stderr, /daemon\.json is not valid JSON .*nothing was changed, fix it first/);
        assert.deepEqual(await snapshot(invalid), before);
    });

    test("a non-root user runs it through sudo -n; without sudo the error says what to do and nothing changes", async () => {
        const root = await newRoot();
        const viaSudo = await run(sudoUser, "sudo", "create", root);
        assert.equal(viaSudo.code, 0, viaSudo.stderr);
        const ca = join(root, "etc/docker/certs.d/registry.test:5000/ca.crt");
        assert.equal((await lstat(ca)).uid, 0, "written as root");
        assert.equal((await run(sudoUser, "sudo", "delete", root)).code, 0);
        assert.equal(existsSync(ca), false);

        const other = await newRoot();
        const before = await snapshot(other);
        const refused = await run(plainUser, "nosudo", "create", other);
        assert.equal(refused.code, 1);
        assert.match(
            refused.stderr,
            new RegExp(`user ${plainUser} is not root and cannot use sudo without a password \\(sudo -n true: .+\\)\\. Connect as root, or allow this user passwordless sudo\\.`),
        );
        assert.deepEqual(await snapshot(other), before);
    });

    test("containerd: says whether containerd's config_path reads certs.d (1.x and 2.x quoting); its config.toml is left alone", async () => {
        const configured = await newRoot();
        await mkdir(join(configured, "etc/containerd"), { recursive: true });
        await writeFile(
            join(configured, "etc/containerd/config.toml"),
            'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
        );
        const reads = await run("root", "both", "create", configured);
        assert.equal(reads.code, 0, reads.stderr);
        assert.match(reads.stdout, /containerd reads \/etc\/containerd\/certs\.d \(config_path\); no restart needed/);
        assert.ok(!reads.stderr.includes("config_path"));
        assert.equal((await run("root", "both", "delete", configured)).code, 0);
        assert.ok(existsSync(join(configured, "etc/containerd/config.toml")), "containerd's own config is never touched");

        // containerd 2.x writes TOML strings in single quotes, and reads certs.d by default.
        const v2 = await newRoot();
        await mkdir(join(v2, "etc/containerd"), { recursive: true });
        await writeFile(join(v2, "etc/containerd/config.toml"), "version = 3\n[plugins.'io.containerd.cri.v1.images'.registry]\n  config_path = '/etc/containerd/certs.d:/etc/docker/certs.d'\n");
        const reads2 = await run("root", "both", "create", v2);
        assert.equal(reads2.code, 0, reads2.stderr);
        assert.match(reads2.stdout, /containerd reads \/etc\/containerd\/certs\.d \(config_path\)/);
        assert.equal((await run("root", "both", "delete", v2)).code, 0);

        const unconfigured = await newRoot();
        const warned = await run("root", "both", "create", unconfigured);
        assert.equal(warned.code, 0, warned.stderr);
        assert.match(warned.stderr, /containerd's config_path is not set, so Kubernetes \(CRI\) pulls ignore \/etc\/containerd\/certs\.d until you set config_path/);
        assert.equal((await run("root", "both", "delete", unconfigured)).code, 0);
        assert.equal(existsSync(join(unconfigured, "etc/containerd")), false, "the folders this stack created go too");
    });

    test("a changed plan is reconciled in place: a new CA is updated, a dropped address and runtime are removed", async () => {
        const provided = (ca: string, hostnames: string[], runtimes: ("docker" | "containerd")[]) =>
            renderRegistry({
                hostnames,
                port: 5000,
                tlsCertificate: "SERVER CERT",
                tlsPrivateKey: "SERVER KEY",
                tlsCaCertificate: ca,
                sshPrivateKey: sshd.privateKey,
                clients: [{ name: "both", host: "127.0.0.1", port: sshd.port, runtimes }],
            }).then((r) => r.mocks.inputsOf("registry-client-both") as unknown as Command);
        const v1 = await provided("CA ONE", ["registry.test", "10.1.2.3"], ["docker", "containerd"]);
        const v2 = await provided("CA TWO", ["registry.test"], ["docker"]);
        const root = await newRoot();
        const before = await snapshot(root);
        assert.equal((await sshd.run("root", reroot(v1.create, root))).code, 0);
        const updated = await sshd.run("root", reroot(v2.create, root));
        assert.equal(updated.code, 0, updated.stderr);
        assert.match(updated.stdout, /updated \/etc\/docker\/certs\.d\/registry\.test:5000\/ca\.crt/);
        assert.match(updated.stdout, /removed \/etc\/docker\/certs\.d\/10\.1\.2\.3:5000\/ca\.crt/);
        assert.match(updated.stdout, /removed \/etc\/containerd\n/);
        assert.equal(await readFile(join(root, "etc/docker/certs.d/registry.test:5000/ca.crt"), "utf8"), "CA TWO\n");
        assert.equal(existsSync(join(root, "etc/docker/certs.d/10.1.2.3:5000")), false);
        assert.equal(existsSync(join(root, "etc/containerd")), false);
        assert.equal((await sshd.run("root", reroot(v2.delete, root))).code, 0);
        assert.deepEqual(await snapshot(root), before);
    });

    test("a stack moving from its generated CA to Let's Encrypt (acme): the CA files go, containerd's hosts.toml stays without one", async () => {
        const client = { name: "both", host: "127.0.0.1", port: sshd.port, runtimes: ["docker", "containerd"] as ("docker" | "containerd")[] };
        const commandFor = (args: Partial<PrivateRegistryArgs>) =>
            renderRegistry({ hostnames: ["registry.example.com"], port: 443, sshPrivateKey: sshd.privateKey, clients: [client], ...args }).then(
                (r) => r.mocks.inputsOf("registry-client-both") as unknown as Command,
            );
        const generated = await commandFor({});
        const acme = await commandFor({ image: "registry:3", tlsSource: "acme" });
        const root = await newRoot();
        const before = await snapshot(root);
        assert.equal((await sshd.run("root", reroot(generated.create, root))).code, 0);
        assert.ok(existsSync(join(root, "etc/docker/certs.d/registry.example.com/ca.crt")));

        const moved = await sshd.run("root", reroot(acme.create, root));
        assert.equal(moved.code, 0, moved.stderr);
        assert.match(moved.stdout, /removed \/etc\/docker\/certs\.d\/registry\.example\.com\/ca\.crt/);
        assert.match(moved.stdout, /removed \/etc\/containerd\/certs\.d\/registry\.example\.com\/ca\.crt/);
        assert.equal(existsSync(join(root, "etc/docker/certs.d/registry.example.com")), false, "no CA for a publicly trusted certificate");
        const toml = await readFile(join(root, "etc/containerd/certs.d/registry.example.com/hosts.toml"), "utf8");
        assert.match(toml, /^server = "https:\/\/registry\.example\.com"$/m);
        assert.doesNotMatch(toml, /\bca =/);
        assert.equal((await sshd.run("root", reroot(acme.delete, root))).code, 0);
        assert.deepEqual(await snapshot(root), before);

        // What `pulumi up` runs, since the changed CA replaces the command: the old delete, then the new create.
        assert.equal((await sshd.run("root", reroot(generated.create, root))).code, 0);
        assert.equal((await sshd.run("root", reroot(generated.delete, root))).code, 0);
        const replaced = await sshd.run("root", reroot(acme.create, root));
        assert.equal(replaced.code, 0, replaced.stderr);
        assert.equal(existsSync(join(root, "etc/docker/certs.d/registry.example.com")), false);
        assert.doesNotMatch(await readFile(join(root, "etc/containerd/certs.d/registry.example.com/hosts.toml"), "utf8"), /\bca =/);
        assert.equal((await sshd.run("root", reroot(acme.delete, root))).code, 0);
        assert.deepEqual(await snapshot(root), before);
    });

    test("a run that fails half-way keeps what it wrote in the manifest, so the delete still removes it", async () => {
        const root = await newRoot();
        const before = await snapshot(root);
        // docker login to registry.test fails here (the name does not resolve): after the CA files were written.
        const failed = await run("root", "login", "create", root);
        assert.equal(failed.code, 1);
        assert.match(failed.stderr, /docker login registry\.test:5000 as registry user ci \(for root\) failed/);
        assert.ok(!failed.stderr.includes(loginPassword) && !failed.stdout.includes(loginPassword));
        const manifest = await readFile(join(root, "var/lib/private-registry/private-registry.test.registry.login.manifest"), "utf8");
        assert.ok(manifest.includes("file /etc/docker/certs.d/registry.test:5000/ca.crt\n"));
        assert.ok(!manifest.includes("login "), "a login that failed is not recorded");
        const removed = await run("root", "login", "delete", root);
        assert.equal(removed.code, 0, removed.stderr);
        assert.deepEqual(await snapshot(root), before);
    });

    test("files two owners wrote (a renamed client, a second stack) stay until the last owner removes them", async () => {
        const root = await newRoot();
        const before = await snapshot(root);
        assert.equal((await run("root", "both", "create", root)).code, 0);
        const second = await run("root", "renamed", "create", root);
        assert.equal(second.code, 0, second.stderr);
        assert.match(second.stdout, /\/etc\/docker\/certs\.d\/registry\.test:5000\/ca\.crt: shared with another stack/);
        // Renaming a client creates the new command first and deletes the old one last.
        const oldGone = await run("root", "both", "delete", root);
        assert.equal(oldGone.code, 0, oldGone.stderr);
        assert.match(oldGone.stdout, /ca\.crt: kept for another stack/);
        assert.ok(existsSync(join(root, "etc/docker/certs.d/registry.test:5000/ca.crt")));
        assert.ok(existsSync(join(root, "etc/containerd/certs.d/10.1.2.3:5000/hosts.toml")));
        assert.equal((await run("root", "renamed", "delete", root)).code, 0);
        assert.deepEqual(await snapshot(root), before);
    });

    test("a Docker login that was there before is left alone, and not logged out on delete", async () => {
        const config = `/home/${sudoUser}/.docker/config.json`;
        const previous = existsSync(config) ? await readFile(config, "utf8") : undefined;
        const theirs = '{\n\t"auths": {\n\t\t"registry.test:5000": {\n\t\t\t"auth": "dGhlaXI6b3du"\n\t\t}\n\t}\n}';
        // The user's own login, so owned by the user, as `docker login` run by them leaves it.
        const { uid, gid } = await lstat(`/home/${sudoUser}`);
        await mkdir(`/home/${sudoUser}/.docker`, { recursive: true, mode: 0o700 });
        await chown(`/home/${sudoUser}/.docker`, uid, gid);
        await writeFile(config, theirs, { mode: 0o600 });
        await chown(config, uid, gid);
        try {
            const root = await newRoot();
            const created = await run(sudoUser, "sudologin", "create", root);
            assert.equal(created.code, 0, created.stderr);
            assert.match(created.stderr, new RegExp(`${sudoUser} is already logged in to registry\\.test:5000 with other credentials; left as it is`));
            const manifest = await readFile(join(root, "var/lib/private-registry/private-registry.test.registry.sudologin.manifest"), "utf8");
            assert.ok(!manifest.includes("login registry.test:5000"));
            assert.equal((await run(sudoUser, "sudologin", "delete", root)).code, 0);
            assert.equal(await readFile(config, "utf8"), theirs);
        } finally {
            if (previous === undefined) await rm(config, { force: true });
            else await writeFile(config, previous);
        }
    });

    test("the commands are the same for every Distribution major, so the tests above hold for 2.8 and 3.x alike", async () => {
        const commandsFor = async (image: string) => {
            const r = await renderRegistry({
                image,
                hostnames: ["registry.test", "10.1.2.3"],
                port: 5000,
                users: ["admin", "ci"],
                tlsCertificate: "SERVER CERT",
                tlsPrivateKey: "SERVER KEY",
                tlsCaCertificate: "CA",
                sshPrivateKey: sshd.privateKey,
                clients: [{ name: "both", host: "127.0.0.1", port: sshd.port, hostKey: sshd.hostKey, runtimes: ["docker", "containerd"], dockerLogin: "ci" }],
            });
            assert.equal((r.mocks.inputsOf("registry-container") as { image: string }).image, image);
            const inputs = r.mocks.inputsOf("registry-client-both") as unknown as Command;
            // The login password on stdin is random per render: the one thing allowed to differ.
            assert.ok(inputs.stdin?.includes(r.outputs.passwords.ci));
            return { ...inputs, stdin: inputs.stdin?.replaceAll(r.outputs.passwords.ci, "<password of ci>") };
        };
        // One after the other: every render resets the one mock monitor.
        const perMajor: Awaited<ReturnType<typeof commandsFor>>[] = [];
        for (const major of testedMajors) perMajor.push(await commandsFor(testImages[major]));
        assert.equal(perMajor.length, 2);
        for (const other of perMajor.slice(1)) assert.deepEqual(other, perMajor[0]);
    });
});
