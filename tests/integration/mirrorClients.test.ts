/**
 * Client hosts that pull through the Docker Hub mirror, configured by the component's own client
 * command: the mirror runs from its exact container inputs (proxy mode, the registry's
 * certificate, anonymous) in front of an anonymous upstream standing in for Docker Hub, and the
 * client command's create and delete scripts run over a real sshd into a host root folder (as in
 * clientTrust.test.ts). The judges are real clients: a throwaway dockerd whose daemon.json and pid
 * file are in that host root (the script edits and reloads it), and ctr against the engine's
 * containerd with the script's hosts dir. There is no internet here, so docker.io itself cannot
 * answer: what pulls, pulls through the mirror. The mirror is reached by a name that resolves to
 * ::1 only, because Docker skips TLS checks for 127.0.0.0/8. Once per Distribution major.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { lstat, mkdir, readdir, readFile, rm, rmdir, writeFile } from "node:fs/promises";
import { Server } from "node:net";
import { join } from "node:path";
import { requireDockerAndImage } from "../kit/docker";
import { renderRegistry, RenderedRegistry } from "../kit/render/render";
import { valueOf } from "../kit/render/mocks";
import { reroot } from "../kit/render/reroot";
import { testedMajors, testImages, testRegistryArgs, testVersions } from "../kit/registry/testRegistry";
import { ContainerInputs, removeContainerAndVolume, runContainer } from "../kit/registry/container";
import { onLoopbackPorts } from "../kit/registry/sharedInstances";
import { containerLogs, waitFor } from "../kit/registry/containerOps";
import { volumeMountpoint } from "../kit/registry/storedFiles";
import { containerdSocket, removeCtrNamespace, removeDockerLeftovers } from "../kit/registry/leftovers";
import { startUpstream, Upstream } from "../kit/registry/upstream";
import { forwardIpv6Loopback, freePort } from "../kit/host/net";
import { runProcess } from "../kit/host/process";
import { addLoopbackNames, LoopbackNames } from "../kit/host/loopbackNames";
import { uniqueName } from "../kit/host/owner";
import { freshTempDir } from "../kit/host/tempDirs";
import { snapshotTree } from "../kit/host/treeSnapshot";
import { hostRoot } from "../kit/host/hostRoot";
import { startSshd, Sshd } from "../kit/services/sshd";
import { DockerDaemon, startDockerDaemon } from "../kit/services/dockerDaemon";

interface Command {
    create: string;
    delete: string;
}

/** `text` for a RegExp, literally. */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The mirror's access log has a successful request for this manifest (by tag; containerd adds `?ns=docker.io`). */
function servedManifest(log: string, repo: string, tag: string): boolean {
    return new RegExp(`"(GET|HEAD) /v2/${literal(repo)}/manifests/${literal(tag)}(\\?ns=docker\\.io)? HTTP/1\\.1" 200 `).test(log);
}

/** Runs ctr against the engine's containerd. */
const ctr = (...args: string[]) => runProcess("ctr", ["--address", containerdSocket, ...args]);

describe("mirrors on client hosts: Docker and containerd pull docker.io images through the Docker Hub mirror the client command set up, and its removal leaves the host as it was", () => {
    let sshd: Sshd | undefined;
    let upstream: Upstream | undefined;
    /** Every host root of these tests is in here. */
    let rootsDir: string | undefined;

    before(async () => {
        rootsDir = await freshTempDir("mirror-roots-");
        sshd = await startSshd();
        // Docker Hub's stand-in: anonymous, plain HTTP on 127.0.0.1.
        upstream = await startUpstream({ credentials: false });
    });

    after(async () => {
        await upstream?.remove();
        await sshd?.stop();
        if (rootsDir) await rm(rootsDir, { recursive: true, force: true });
    });

    const newRoot = () => hostRoot(rootsDir!);

    for (const major of testedMajors) {
        describe(`Distribution ${testVersions[major]}`, () => {
            const unique = uniqueName(`mclient${major}`);
            const name = `registry-${unique}.test`;
            let rendered: RenderedRegistry;
            let mirror: ContainerInputs | undefined;
            let mirrorVolume: string | undefined;
            let forwarder: Server | undefined;
            let names: LoopbackNames | undefined;
            /** `<name>:<port>` of the mirror, as clients use it. */
            let mirrorAddress: string;
            let ca: string;
            const commands = new Map<string, Command>();
            const run = (client: string, action: "create" | "delete", root: string) => sshd!.run("root", reroot(commands.get(client)![action], root));

            before(async () => {
                await requireDockerAndImage(testImages[major]);
                await removeDockerLeftovers();
                const mirrorPort = await freePort();
                const client = { host: "127.0.0.1", port: sshd!.port, hostKey: sshd!.hostKey, mirrors: ["hub"] };
                rendered = await renderRegistry(
                    testRegistryArgs(unique, await freePort(), {
                        image: testImages[major],
                        hostnames: [name],
                        sshPrivateKey: sshd!.privateKey,
                        mirrors: [{ name: "hub", upstream: upstream!.url, mirrorOf: "docker.io", port: mirrorPort, access: "anonymous" }],
                        clients: [
                            { name: "docker", ...client, runtimes: ["docker"] },
                            { name: "containerd", ...client, runtimes: ["containerd"] },
                        ],
                    }),
                    { tls: "openssl" },
                );
                for (const c of ["docker", "containerd"]) commands.set(c, rendered.mocks.inputsOf(`registry-client-${c}`) as unknown as Command);
                const summary = (await valueOf(rendered.registry.mirrors)).hub;
                mirrorAddress = summary.address;
                assert.equal(mirrorAddress, `${name}:${mirrorPort}`);
                ca = rendered.outputs.caCertificatePem!;

                // The mirror's exact container, in the host network (it reaches the upstream on 127.0.0.1) on its port.
                const declared = rendered.mocks.inputsOf("registry-mirror-hub-container") as ContainerInputs;
                assert.equal(declared.image, testImages[major]);
                mirrorVolume = declared.volumes![0].volumeName!;
                await removeContainerAndVolume(declared.name!, mirrorVolume);
                mirror = onLoopbackPorts(declared, declared.name!, mirrorPort, await freePort());
                await runContainer(mirror, { network: "host" });
                forwarder = await forwardIpv6Loopback(mirrorPort);
                names = await addLoopbackNames([name]);
                // The throwaway dockerd reads the machine's certs.d, not the host root's the script writes.
                await names.trust(mirrorAddress, ca);
            });

            after(async () => {
                forwarder?.close();
                await names?.remove();
                if (mirror) await removeContainerAndVolume(mirror.name!, mirrorVolume);
            });

            /** Files the mirror stored for a repository: its manifest revisions prove it cached what it served. */
            const cachedManifests = async (repo: string) => {
                const dir = join(await volumeMountpoint(mirrorVolume!), "docker/registry/v2/repositories", repo, "_manifests/revisions/sha256");
                return (await readdir(dir).catch(() => [] as string[])).map((hex) => `sha256:${hex}`);
            };

            describe("Docker: a client host with pre-existing daemon.json settings", () => {
                const repo = `library/docker-${unique}`;
                // The host's own settings, formatted as no JSON library writes them, and a mode of its own.
                const original = '{"log-level":"warn",   "max-concurrent-downloads": 3}';
                let root: string;
                let daemonJson: string;
                let dockerd: DockerDaemon | undefined;
                /** The host root before the create script. */
                let untouched: Record<string, string>;
                /** Manifest digests of tags 1 and 2 at the upstream. */
                let digests: string[];
                /** The `registry-mirrors` entry of the mirror. */
                let url: string;

                before(async () => {
                    digests = [await upstream!.pushImage(repo, "1"), await upstream!.pushImage(repo, "2")];
                    url = `https://${mirrorAddress}`;
                    root = await newRoot();
                    daemonJson = join(root, "etc/docker/daemon.json");
                    await mkdir(join(root, "etc/docker"));
                    await writeFile(daemonJson, original, { mode: 0o640 });
                    dockerd = await startDockerDaemon(root);
                });

                after(async () => {
                    await dockerd?.stop();
                    if (root) assert.equal(existsSync(join(root, "var/run")), false, "the daemon's pid file, socket and their folders are gone");
                });

                test("before the create script: no mirror, and docker.io is not reachable here", async () => {
                    assert.deepEqual(await dockerd!.registryMirrors(), []);
                    const direct = await dockerd!.docker(["pull", `${repo}:1`]);
                    assert.notEqual(direct.code, 0);
                    assert.match(direct.stderr, /registry-1\.docker\.io/);
                    untouched = await snapshotTree(root);
                });

                test("the create script merges registry-mirrors into daemon.json keeping its settings and reloads dockerd, which pulls docker.io through the mirror", async () => {
                    const created = await run("docker", "create", root);
                    assert.equal(created.code, 0, created.stderr);
                    assert.match(created.stdout, new RegExp(`^registry-mirrors: added ${literal(url)}$`, "m"));
                    assert.match(created.stdout, new RegExp(`^reloaded Docker \\(SIGHUP to dockerd, pid ${dockerd!.pid}\\)$`, "m"));
                    assert.deepEqual(JSON.parse(await readFile(daemonJson, "utf8")), { "log-level": "warn", "max-concurrent-downloads": 3, "registry-mirrors": [url] });
                    assert.equal(((await lstat(daemonJson)).mode & 0o777).toString(8), "640", "daemon.json keeps its mode");
                    assert.equal(await readFile(`${daemonJson}.private-registry.bak`, "utf8"), original);
                    assert.equal(await readFile(join(root, `etc/docker/certs.d/${mirrorAddress}/ca.crt`), "utf8"), ca.endsWith("\n") ? ca : `${ca}\n`);
                    await waitFor("dockerd to reload registry-mirrors", async () => ((await dockerd!.registryMirrors()).includes(`${url}/`) ? true : undefined), 10_000);

                    const pulled = await dockerd!.docker(["pull", `${repo}:1`]);
                    assert.equal(pulled.code, 0, pulled.stderr);
                    assert.match(pulled.stdout, new RegExp(`Digest: ${digests[0]}`));
                    assert.match(pulled.stdout, new RegExp(`docker\\.io/${literal(repo)}:1`));
                    const repoDigests = await dockerd!.docker(["image", "inspect", "--format", "{{json .RepoDigests}}", `${repo}:1`]);
                    assert.ok((JSON.parse(repoDigests.stdout) as string[]).some((d) => d.endsWith(`@${digests[0]}`)), repoDigests.stdout);
                    assert.ok(servedManifest(await containerLogs(mirror!.name!), repo, "1"), "the mirror's access log has the pull");
                    const cached = await waitFor("the mirror to cache the manifest", async () => ((await cachedManifests(repo)).includes(digests[0]) ? cachedManifests(repo) : undefined), 10_000);
                    assert.deepEqual(cached, [digests[0]]);
                });

                test("the delete script restores daemon.json byte for byte, removes every file it wrote, and reloads dockerd", async () => {
                    const removed = await run("docker", "delete", root);
                    assert.equal(removed.code, 0, removed.stderr);
                    assert.match(removed.stdout, new RegExp(`^registry-mirrors: removed ${literal(url)}$`, "m"));
                    assert.match(removed.stdout, new RegExp(`^reloaded Docker \\(SIGHUP to dockerd, pid ${dockerd!.pid}\\)$`, "m"));
                    assert.equal(await readFile(daemonJson, "utf8"), original, "daemon.json byte for byte");
                    assert.deepEqual(await snapshotTree(root), untouched, "every file the script wrote is gone, the rest as it was");
                });

                test("after the delete script, the reloaded dockerd no longer uses the mirror", async () => {
                    // The script reloaded it with an empty list and waited for Docker to drop it, before restoring the file.
                    assert.deepEqual(await dockerd!.registryMirrors(), []);
                    // The upstream has tag 2 too, but without the mirror Docker asks docker.io for it.
                    const withoutMirror = await dockerd!.docker(["pull", `${repo}:2`]);
                    assert.notEqual(withoutMirror.code, 0, `pulled ${digests[1]} without the mirror`);
                    assert.match(withoutMirror.stderr, /registry-1\.docker\.io/);
                });
            });

            test("containerd: the create script sends docker.io to the mirror in hosts.toml, ctr pulls through it; the delete script leaves the host root as it was", async () => {
                const repo = `library/ctr-${unique}`;
                const digest = await upstream!.pushImage(repo, "1");
                const root = await newRoot();
                const before = await snapshotTree(root);
                const created = await run("containerd", "create", root);
                assert.equal(created.code, 0, created.stderr);
                assert.ok(!existsSync(join(root, "etc/docker/daemon.json")), "containerd only: Docker's config is not touched");

                const caPath = `/etc/containerd/certs.d/${mirrorAddress}/ca.crt`;
                const toml = await readFile(join(root, "etc/containerd/certs.d/docker.io/hosts.toml"), "utf8");
                assert.match(toml, /^server = "https:\/\/registry-1\.docker\.io"$/m);
                assert.match(toml, new RegExp(`^\\[host\\."https://${literal(mirrorAddress)}"\\]$`, "m"));
                assert.match(toml, /^ {2}capabilities = \["pull", "resolve"\]$/m);
                assert.match(toml, new RegExp(`^ {2}ca = "${literal(caPath)}"$`, "m"));
                assert.equal(await readFile(join(root, caPath), "utf8"), ca.endsWith("\n") ? ca : `${ca}\n`);

                // hosts.toml names the CA where the host has it; on this machine the host is the root folder,
                // so the same file goes to that path here while ctr pulls.
                const madeCertsDir = !existsSync("/etc/containerd/certs.d");
                await mkdir(join("/etc/containerd/certs.d", mirrorAddress), { recursive: true });
                await writeFile(caPath, await readFile(join(root, caPath)));
                const namespace = uniqueName("mclientctr");
                const ref = `docker.io/${repo}:1`;
                try {
                    const pulled = await ctr("--namespace", namespace, "images", "pull", "--hosts-dir", join(root, "etc/containerd/certs.d"), ref);
                    assert.equal(pulled.code, 0, `${pulled.stdout}${pulled.stderr}`);
                    const images = await ctr("--namespace", namespace, "images", "ls");
                    assert.match(images.stdout, new RegExp(`^${literal(ref)}\\s+\\S+\\s+${literal(digest)}\\s`, "m"));
                    assert.ok(servedManifest(await containerLogs(mirror!.name!), repo, "1"), "the mirror's access log has the pull");
                    assert.ok((await cachedManifests(repo)).includes(digest), "the mirror cached the manifest");
                } finally {
                    await removeCtrNamespace(namespace);
                    await rm(join("/etc/containerd/certs.d", mirrorAddress), { recursive: true, force: true });
                    if (madeCertsDir) await rmdir("/etc/containerd/certs.d").catch(() => undefined);
                }
                assert.ok(!(await ctr("namespaces", "ls", "-q")).stdout.split("\n").includes(namespace), "the ctr namespace is gone");

                const removed = await run("containerd", "delete", root);
                assert.equal(removed.code, 0, removed.stderr);
                assert.match(removed.stdout, /^removed \/etc\/containerd\/certs\.d\/docker\.io\/hosts\.toml$/m);
                assert.deepEqual(await snapshotTree(root), before, "every file the script wrote is gone");
            });
        });
    }
});
