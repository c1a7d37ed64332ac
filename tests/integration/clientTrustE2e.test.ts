/**
 * End to end: the registry runs from the component's container inputs, and the component's own
 * client command runs over a real sshd on this machine (user with sudo, Docker and containerd).
 * The real Docker engine and containerd client are the judges: before the command, x509 errors;
 * after it, login, push, pull and run work (and the SSH user is logged in); after the delete
 * command, x509 errors again. The registry is reached by a name that resolves only to ::1,
 * because Docker skips TLS checks for 127.0.0.0/8. It runs once per Distribution major
 * (`registry:2`, `registry:3` stand-ins), sharing the SSH user and sshd.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, copyFile } from "node:fs/promises";
import { Server } from "node:net";
import { join } from "node:path";
import { Docker, docker as hostDocker } from "../kit/docker";
import { RenderedRegistry } from "../kit/render/render";
import { startTestRegistry, testedMajors, testImages, TestRegistry, testVersions } from "../kit/registry/testRegistry";
import { forwardIpv6Loopback, freePort } from "../kit/host/net";
import { runProcess } from "../kit/host/process";
import { addLoopbackNames, LoopbackNames } from "../kit/host/loopbackNames";
import { startSshd, Sshd } from "../kit/services/sshd";
import { createTestUsers, TestUsers } from "../kit/host/testUsers";
import { uniqueName } from "../kit/host/owner";
import { containerdSocket, ownerLabelChange, removeCtrNamespace } from "../kit/registry/leftovers";
import { freshTempDir } from "../kit/host/tempDirs";

describe("end to end: Docker and containerd on a client host trust the registry through the component's command", () => {
    let users: TestUsers | undefined;
    /** The SSH user: passwordless sudo and the docker group. */
    let sudoUser: string;
    let userConfig: string;
    let sshd: Sshd;
    /** The busybox root file system of the test images, and each major's docker CLI config folder. */
    let work: string | undefined;

    before(async () => {
        users = await createTestUsers();
        sudoUser = users.sudoUser;
        userConfig = `/home/${sudoUser}/.docker/config.json`;
        sshd = await startSshd();
        // A one-binary test image: busybox, imported per registry below (no pull from anywhere).
        work = await freshTempDir("trust-e2e-");
        await mkdir(join(work, "rootfs/bin"), { recursive: true });
        await copyFile("/bin/busybox", join(work, "rootfs/bin/busybox"));
    });

    after(async () => {
        await sshd?.stop();
        await users?.remove();
        if (work) await rm(work, { recursive: true, force: true });
    });

    for (const major of testedMajors) {
        describe(`Distribution ${testVersions[major]}`, () => {
            const unique = uniqueName(`e2e${major}`);
            const name = `registry-${unique}.test`;
            let rendered: RenderedRegistry;
            let deployed: TestRegistry | undefined;
            let forwarder: Server | undefined;
            /** The registry's name, resolving to ::1 only, in /etc/hosts while the tests run. */
            let names: LoopbackNames | undefined;
            let address: string;
            let ref: string;
            let command: { create: string; delete: string; stdin: string };
            /** The docker CLI with its own config folder (one per major), so the tests' logins stay out of root's. */
            const docker = (args: string[], stdin?: string) => new Docker(join(work!, `docker-${major}`)).run(args, stdin);
            const login = () => docker(["login", "--username", "admin", "--password-stdin", address], rendered.outputs.passwords.admin);

            before(async () => {
                const port = await freePort();
                deployed = await startTestRegistry(unique, port, {
                    image: testImages[major],
                    hostnames: [name],
                    sshPrivateKey: sshd.privateKey,
                    clients: [
                        { name: "node", host: "127.0.0.1", port: sshd.port, user: sudoUser, hostKey: sshd.hostKey, runtimes: ["docker", "containerd"], dockerLogin: "ci" },
                    ],
                });
                rendered = deployed.rendered;
                // The container runs this major's image (not the component's default).
                assert.equal(deployed.container.image, testImages[major]);
                address = rendered.outputs.address;
                ref = `${address}/e2e/busybox:1`;
                command = rendered.mocks.inputsOf("registry-client-node") as unknown as typeof command;
                forwarder = await forwardIpv6Loopback(port);
                names = await addLoopbackNames([name]);
                // The test image under this registry's name, with its owner label.
                const imported = await runProcess("bash", ["-c", 'tar -C "$1" -c . | docker import "$2" "$3" - "$4"', "import", join(work!, "rootfs"), ...ownerLabelChange, ref]);
                assert.equal(imported.code, 0, imported.stderr);
            });

            after(async () => {
                if (command && sshd) await sshd.run(sudoUser, command.delete);
                forwarder?.close();
                await names?.remove();
                await deployed?.remove();
                if (ref) await hostDocker.run(["rmi", "-f", ref]);
                // containerd's namespace of this registry (ctr made it on the first pull), with anything left in it.
                await removeCtrNamespace(unique);
            });

            test("before the command: docker login fails on the unknown CA", async () => {
                assert.equal(existsSync(`/etc/docker/certs.d/${address}`), false);
                const result = await login();
                assert.notEqual(result.code, 0);
                assert.match(result.stderr, /x509: certificate signed by unknown authority/);
            });

            test("after the create command over SSH: login, push, rmi, pull, run; the SSH user is logged in; nothing secret printed", async () => {
                const created = await sshd.run(sudoUser, command.create, command.stdin);
                assert.equal(created.code, 0, created.stderr);
                for (const password of Object.values(rendered.outputs.passwords)) {
                    assert.ok(!created.stdout.includes(password) && !created.stderr.includes(password), "no password in the output");
                }
                assert.match(created.stdout, new RegExp(`installed /etc/docker/certs.d/${address.replace(/\./g, "\\.")}/ca.crt`));
                assert.match(created.stdout, new RegExp(`docker login ${address.replace(/\./g, "\\.")}: ${sudoUser} is logged in as ci`));

                const loggedIn = await login();
                assert.equal(loggedIn.code, 0, loggedIn.stderr);
                for (const step of [["push", ref], ["rmi", ref], ["pull", ref], ["run", "--rm", ref, "/bin/busybox", "true"]]) {
                    const result = await docker(step);
                    assert.equal(result.code, 0, `docker ${step.join(" ")}: ${result.stderr}`);
                }

                // The host's own login: the SSH user pulls without logging in.
                const auths = JSON.parse(await readFile(userConfig, "utf8")).auths as Record<string, unknown>;
                assert.ok(address in auths, "the SSH user's Docker config has the registry");
                await hostDocker.run(["rmi", ref]);
                const userPull = await runProcess("sudo", ["-n", "-u", sudoUser, "-H", "docker", "pull", ref]);
                assert.equal(userPull.code, 0, userPull.stderr);

                // containerd (ctr resolves with the hosts dir the script wrote) pulls with the CA from hosts.toml.
                assert.ok(existsSync(containerdSocket), `no containerd socket (${containerdSocket})`);
                {
                    const pulled = await runProcess("ctr", [
                        "--address", containerdSocket, "--namespace", unique, "images", "pull",
                        "--hosts-dir", "/etc/containerd/certs.d", "--user", `ci:${rendered.outputs.passwords.ci}`, ref,
                    ]);
                    assert.equal(pulled.code, 0, pulled.stderr);
                    await runProcess("ctr", ["--address", containerdSocket, "--namespace", unique, "images", "rm", ref]);
                }
            });

            test("after the delete command: the trust and the login are gone, and Docker fails on the CA again", async () => {
                const removed = await sshd.run(sudoUser, command.delete);
                assert.equal(removed.code, 0, removed.stderr);
                assert.match(removed.stdout, new RegExp(`docker logout ${address.replace(/\./g, "\\.")} for ${sudoUser}`));
                assert.equal(existsSync(`/etc/docker/certs.d/${address}`), false);
                assert.equal(existsSync(`/etc/containerd/certs.d/${address}`), false);
                const auths = JSON.parse(await readFile(userConfig, "utf8")).auths as Record<string, unknown>;
                assert.ok(!(address in auths), "the SSH user's login is removed");

                await docker(["logout", address]);
                const result = await login();
                assert.notEqual(result.code, 0);
                assert.match(result.stderr, /x509: certificate signed by unknown authority/);
                {
                    const refused = await runProcess("ctr", [
                        "--address", containerdSocket, "--namespace", unique, "images", "pull",
                        "--hosts-dir", "/etc/containerd/certs.d", "--user", `ci:${rendered.outputs.passwords.ci}`, ref,
                    ]);
                    assert.notEqual(refused.code, 0);
                    assert.match(refused.stderr, /x509: certificate signed by unknown authority/);
                }
            });
        });
    }
});
