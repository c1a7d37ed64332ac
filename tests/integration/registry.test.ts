/**
 * The registry as deployed, against the real software: the component is evaluated (mocks with
 * real openssl-made certificates of the component's specification), and its exact container
 * inputs — config.yml, htpasswd, certificate, key, ports, health check, command — run CNCF
 * Distribution on the real Docker engine, every test once per major: 2.8.2 (`registry:2`) and
 * 3.1.2 (`registry:3`), each from its stand-in image. Real clients (curl, openssl s_client,
 * htpasswd) check it.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { execFile, spawn } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { RenderedRegistry } from "../kit/render/render";
import { ContainerInputs } from "../kit/registry/container";
import { dockerCli } from "../kit/docker";
import { startTestRegistry, testedMajors, testImages, TestRegistry, testVersions } from "../kit/registry/testRegistry";
import { curl } from "../kit/registry/curl";
import { freePort } from "../kit/host/net";
import { runProcess } from "../kit/host/process";
import { uniqueName } from "../kit/host/owner";
import { freshTempDir } from "../kit/host/tempDirs";
import { containerPaths } from "../../components/instances/containerLayout";
import type { RegistryMajor } from "../../components";

const exec = promisify(execFile);
const hostname = "registry.test";

for (const major of testedMajors) describeRegistry(major);

function describeRegistry(major: RegistryMajor): void {
    const image = testImages[major];
    const unique = uniqueName(`it${major}`);

    describe(`the deployed registry, on the real Docker engine and Distribution ${testVersions[major]}`, () => {
        let rendered: RenderedRegistry;
        let container: ContainerInputs;
        let deployed: TestRegistry | undefined;
        let port: number;
        let work: string;
        let caFile: string;
        let base: string;
        /** curl, verifying TLS against our CA, with registry.test resolved to loopback. */
        let api: (path: string, extra?: string[], body?: Buffer) => ReturnType<typeof curl>;
        const auth = (user: string) => ["-u", `${user}:${rendered.outputs.passwords[user]}`];

        before(async () => {
            port = await freePort();
            deployed = await startTestRegistry(unique, port, { hostnames: [hostname, "127.0.0.1"], image });
            ({ rendered, container } = deployed);

            work = await freshTempDir("registry-it-");
            caFile = join(work, "ca.pem");
            await writeFile(caFile, rendered.outputs.caCertificatePem!);
            base = `https://${hostname}:${port}`;
            api = (path, extra = [], body) =>
                curl(["--cacert", caFile, "--resolve", `${hostname}:${port}:127.0.0.1`, ...extra, `${base}${path}`], body);
        });

        after(async () => {
            await deployed?.remove();
            if (work) await rm(work, { recursive: true, force: true });
        });

        test("Docker reports the container healthy through its debug-listener health check", async () => {
            assert.equal(await dockerCli("inspect", "-f", "{{.State.Health.Status}}", container.name!), "healthy");
            assert.equal(await dockerCli("inspect", "-f", "{{.HostConfig.RestartPolicy.Name}}", container.name!), "unless-stopped");
        });

        test("the container serves the rendered config, never the image's default (plain HTTP on :5000, no auth)", async () => {
            const paths = containerPaths(major);
            const configUpload = container.uploads!.find((u) => u.file === paths.config);
            assert.ok(configUpload?.content, `the component uploads its config to ${paths.config}`);
            // The command the container was created with, and what its main process really runs
            // (the entrypoint prefixes the binary): serve the uploaded file.
            assert.deepEqual(JSON.parse(await dockerCli("inspect", "-f", "{{json .Config.Cmd}}", container.name!)), ["serve", paths.config]);
            const cmdline = (await dockerCli("exec", container.name!, "cat", "/proc/1/cmdline")).split("\0").filter(Boolean);
            assert.deepEqual(cmdline, ["registry", "serve", paths.config]);
            // The file at that path is the rendered config, not the image's default.
            assert.equal(await dockerCli("exec", container.name!, "cat", paths.config), configUpload.content!.trimEnd());
            // The image's default would listen on :5000 in the container; the container's own
            // network namespace has exactly two listeners: the registry's port and its debug port.
            const listening = new Set<number>();
            for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
                for (const line of (await dockerCli("exec", container.name!, "cat", table)).split("\n").slice(1)) {
                    const [, local, , state] = line.trim().split(/\s+/);
                    if (state === "0A") listening.add(parseInt(local.split(":").pop()!, 16));
                }
            }
            assert.notEqual(port, 5000, "the default's port, so the check below would prove nothing");
            assert.deepEqual([...listening].sort((a, b) => a - b), [port, 5001].sort((a, b) => a - b));
            // Plain HTTP on the published port is not served: Go's TLS server answers 400.
            const plain = await curl([`http://127.0.0.1:${port}/v2/`]);
            assert.equal(plain.status, 400, plain.body.toString());
            assert.match(plain.body.toString(), /Client sent an HTTP request to an HTTPS server/);
            // HTTPS without credentials: 401 with the Basic challenge, never an open /v2/.
            const anonymous = await api("/v2/");
            assert.equal(anonymous.status, 401);
            assert.match(anonymous.headers["www-authenticate"], /^Basic realm="Registry Realm"/);
        });

        test("the health and Prometheus endpoints answer on the debug port, which is not published", async () => {
            const health = await dockerCli("exec", container.name!, "wget", "-q", "-O", "-", "http://127.0.0.1:5001/debug/health");
            assert.equal(health, "{}");
            const metrics = await dockerCli("exec", container.name!, "wget", "-q", "-O", "-", "http://127.0.0.1:5001/metrics");
            assert.match(metrics, /^registry_/m);
            const published = await dockerCli("port", container.name!);
            assert.equal(published, `${port}/tcp -> 127.0.0.1:${port}`);
        });

        test("TLS verifies against the generated CA for every DNS name and IP in the SANs", async () => {
            assert.equal((await api("/v2/")).exitCode, 0);
            const byIp = await curl(["--cacert", caFile, `https://127.0.0.1:${port}/v2/`]);
            assert.equal(byIp.exitCode, 0, byIp.stderr);
            assert.equal(byIp.status, 401);
        });

        test("TLS fails for a name not in the SANs, and without the CA", async () => {
            const wrongName = await curl(["--cacert", caFile, "--resolve", `other.test:${port}:127.0.0.1`, `https://other.test:${port}/v2/`]);
            assert.equal(wrongName.exitCode, 60, "curl exit 60: certificate does not match the name");
            assert.match(wrongName.stderr, /subject alternative name|certificate/i);
            const noCa = await curl(["--resolve", `${hostname}:${port}:127.0.0.1`, `${base}/v2/`]);
            assert.equal(noCa.exitCode, 60, "curl exit 60: unknown CA");
        });

        test("/v2/ answers 401 without credentials or with wrong ones, 200 with each generated user", async () => {
            const anonymous = await api("/v2/");
            assert.equal(anonymous.status, 401);
            assert.match(anonymous.headers["www-authenticate"], /^Basic realm="Registry Realm"/);
            assert.equal((await api("/v2/", ["-u", "admin:not-the-password"])).status, 401);
            assert.equal((await api("/v2/", ["-u", `nobody:${rendered.outputs.passwords.admin}`])).status, 401);
            assert.equal((await api("/v2/", ["-u", `ci:${rendered.outputs.passwords.admin}`])).status, 401);
            for (const user of ["admin", "ci"]) {
                const ok = await api("/v2/", auth(user));
                assert.equal(ok.status, 200, `${user}: ${ok.body.toString()}`);
                assert.equal(ok.headers["docker-distribution-api-version"], "registry/2.0");
                assert.equal(ok.headers["x-content-type-options"], "nosniff");
            }
        });

        test("a blob and a manifest push and pull, and _catalog lists the repository", async () => {
            const repo = `team/app-${unique}`;
            const push = async (data: Buffer) => {
                const digest = `sha256:${createHash("sha256").update(data).digest("hex")}`;
                const start = await api(`/v2/${repo}/blobs/uploads/`, ["-X", "POST", ...auth("ci")]);
                assert.equal(start.status, 202, start.body.toString());
                const location = new URL(start.headers.location, base);
                location.searchParams.set("digest", digest);
                const put = await curl(
                    ["--cacert", caFile, "--resolve", `${hostname}:${port}:127.0.0.1`, "-X", "PUT", "-H", "Content-Type: application/octet-stream", ...auth("ci"), location.toString()],
                    data,
                );
                assert.equal(put.status, 201, put.body.toString());
                assert.equal(put.headers["docker-content-digest"], digest);
                return { digest, size: data.length };
            };
            const layer = await push(randomBytes(256 * 1024));
            const config = await push(Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [layer.digest] } })));
            const manifest = Buffer.from(
                JSON.stringify({
                    schemaVersion: 2,
                    mediaType: "application/vnd.docker.distribution.manifest.v2+json",
                    config: { mediaType: "application/vnd.docker.container.image.v1+json", ...config },
                    layers: [{ mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", ...layer }],
                }),
            );
            const manifestDigest = `sha256:${createHash("sha256").update(manifest).digest("hex")}`;
            const mediaType = ["-H", "Content-Type: application/vnd.docker.distribution.manifest.v2+json"];
            const putManifest = await api(`/v2/${repo}/manifests/v1`, ["-X", "PUT", ...mediaType, ...auth("ci")], manifest);
            assert.equal(putManifest.status, 201, putManifest.body.toString());
            assert.equal(putManifest.headers["docker-content-digest"], manifestDigest);

            const pulled = await api(`/v2/${repo}/manifests/v1`, ["-H", "Accept: application/vnd.docker.distribution.manifest.v2+json", ...auth("admin")]);
            assert.equal(pulled.status, 200);
            assert.ok(pulled.body.equals(manifest), "the manifest comes back byte for byte");
            const blob = await api(`/v2/${repo}/blobs/${layer.digest}`, auth("admin"));
            assert.equal(blob.status, 200);
            assert.equal(`sha256:${createHash("sha256").update(blob.body).digest("hex")}`, layer.digest);

            assert.equal((await api(`/v2/${repo}/manifests/v1`)).status, 401, "pulls need credentials too");
            const catalog = await api("/v2/_catalog", auth("admin"));
            assert.equal(catalog.status, 200);
            assert.ok((JSON.parse(catalog.body.toString()) as { repositories: string[] }).repositories.includes(repo));
            // The blob landed in the data volume, not in the container's layer.
            const stored = await dockerCli("run", "--rm", "-v", `${rendered.outputs.dataVolumeName!}:/data:ro`, "--entrypoint", "/bin/ls", image,
                `/data/docker/registry/v2/repositories/${repo}/_manifests/tags`);
            assert.equal(stored, "v1");

            // storage.delete.enabled: a manifest can be deleted by digest (405 UNSUPPORTED otherwise).
            const deleted = await api(`/v2/${repo}/manifests/${manifestDigest}`, ["-X", "DELETE", ...auth("admin")]);
            assert.equal(deleted.status, 202, deleted.body.toString());
            assert.equal((await api(`/v2/${repo}/manifests/v1`, auth("admin"))).status, 404);
        });

        test("HTTP/2 is off: a client that offers it gets HTTP/1.1", async () => {
            const version = (http: string) =>
                runProcess("curl", ["-sS", http, "--cacert", caFile, "--resolve", `${hostname}:${port}:127.0.0.1`, "-o", "/dev/null", "-w", "%{http_version}", `${base}/v2/`]);
            const offered = await version("--http2");
            assert.equal(offered.code, 0, offered.stderr);
            assert.equal(offered.stdout, "1.1");
            // A curl without HTTP/2 would get 1.1 from any server and make this test prove nothing.
            assert.match((await runProcess("curl", ["--version"])).stdout, /\bHTTP2\b/);
        });

        test("TLS 1.1 is refused; TLS 1.2 and 1.3 are accepted", async () => {
            // stdin closed, so s_client ends right after the handshake.
            const handshake = (version: string) =>
                new Promise<{ ok: boolean; out: string }>((resolve) => {
                    const child = spawn("openssl", ["s_client", "-connect", `127.0.0.1:${port}`, "-servername", hostname, "-CAfile", caFile,
                        "-verify_return_error", `-${version}`, "-cipher", "DEFAULT:@SECLEVEL=0"], { stdio: ["ignore", "pipe", "pipe"], timeout: 15_000 });
                    let out = "";
                    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
                    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
                    child.on("close", (code) => resolve({ ok: code === 0, out }));
                });
            const tls11 = await handshake("tls1_1");
            assert.equal(tls11.ok, false, tls11.out);
            // The server's refusal (alert 70, protocol version), not a client that could not offer TLS 1.1.
            assert.match(tls11.out, /alert protocol version|tlsv1 alert protocol version|wrong version number|unsupported protocol/i);
            const tls12 = await handshake("tls1_2");
            assert.equal(tls12.ok, true, tls12.out);
            assert.match(tls12.out, /Protocol\s*: TLSv1\.2/);
            assert.match(tls12.out, /Verify return code: 0 \(ok\)/);
            const tls13 = await handshake("tls1_3");
            assert.equal(tls13.ok, true, tls13.out);
        });

        test("the rendered htpasswd verifies with Apache's htpasswd -v, at the default bcrypt cost 4", async () => {
            const file = join(work, "htpasswd");
            await writeFile(file, rendered.outputs.htpasswd);
            for (const user of ["admin", "ci"]) {
                await exec("htpasswd", ["-vb", file, user, rendered.outputs.passwords[user]]);
                await assert.rejects(exec("htpasswd", ["-vb", file, user, "wrong-password"]));
            }
            assert.match(rendered.outputs.htpasswd, /^admin:\$2y\$04\$/);
        });
    });
}
