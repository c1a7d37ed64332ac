/**
 * Client hosts: one remote.Command each, with the right connection, triggers and options, no
 * secret in any command text, and validation that names the client and the setting.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { renderRegistry } from "../kit/render/render";
import { valueOf } from "../kit/render/mocks";
import { plainStrings, reveal, secretSignature } from "../kit/render/secrets";
import {
    findProblems,
    planTrust,
    PrivateRegistryArgs,
    RegistryConfigError,
    renderHostsToml,
    resolveSettings,
    trustOwner,
} from "../../components";
import { clientsFromConfig } from "../../program";

const sharedKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nSHARED-KEY-MATERIAL\n-----END OPENSSH PRIVATE KEY-----\n";
const ownKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nOWN-KEY-MATERIAL\n-----END OPENSSH PRIVATE KEY-----\n";
const hostKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeHostKeyForTestsOnly0000000000000000";

const args: PrivateRegistryArgs = {
    hostnames: ["registry.example.com", "10.0.0.5"],
    users: ["admin", "ci"],
    sshPrivateKey: pulumi.secret(sharedKey),
    clients: [
        { name: "web1", host: "10.0.0.21", hostKey },
        { name: "k8s-node", host: "node1.example.com", port: 2222, user: "deploy", privateKey: pulumi.secret(ownKey), runtimes: ["containerd"] },
        {
            name: "builder",
            host: "builder.internal",
            dockerLogin: "ci",
            insecureRegistry: true,
            proxy: { host: "bastion.example.com", user: "jump", hostKey },
        },
    ],
};

interface CommandInputs {
    connection: {
        host: string;
        port: number;
        user: string;
        privateKey?: string;
        agentSocketPath?: string;
        hostKey?: string;
        proxy?: { host: string; port: number; user: string; privateKey?: string; hostKey?: string };
    };
    create: string;
    delete: string;
    stdin?: string;
    triggers: string[];
    addPreviousOutputInEnv: boolean;
}

test("one remote.Command per client host, a child of the component, replaced delete-first after the registry is up", async () => {
    const r = await renderRegistry(args);
    const commands = r.mocks.resources.filter((res) => res.type === "command:remote:Command").map((res) => res.name);
    assert.deepEqual(commands, ["registry-client-web1", "registry-client-k8s-node", "registry-client-builder"]);
    for (const name of commands) {
        const o = r.options.find((opt) => opt.name === name)!;
        assert.equal(o.parentType, "registry:index:PrivateRegistry");
        assert.equal(o.parentName, "registry");
        assert.equal(o.deleteBeforeReplace, true, `${name}: the old delete must not undo the new create`);
        assert.deepEqual(o.dependsOn, ["registry-container"]);
    }
    const none = await renderRegistry({ hostnames: ["registry.example.com"] });
    assert.equal(none.mocks.resources.filter((res) => res.type === "command:remote:Command").length, 0);
    assert.deepEqual(await valueOf(none.registry.clients), {});
});

test("connection: defaults, own key over the shared one, host key pinning, bastion with the same key", async () => {
    const r = await renderRegistry(args);
    const web1 = r.mocks.inputsOf("registry-client-web1") as unknown as CommandInputs;
    assert.equal(web1.connection.host, "10.0.0.21");
    assert.equal(web1.connection.port, 22);
    assert.equal(web1.connection.user, "root");
    assert.equal(web1.connection.privateKey, sharedKey);
    assert.equal(web1.connection.hostKey, hostKey);
    assert.equal(web1.connection.proxy, undefined);
    assert.equal(web1.addPreviousOutputInEnv, false);

    const node = r.mocks.inputsOf("registry-client-k8s-node") as unknown as CommandInputs;
    assert.deepEqual([node.connection.port, node.connection.user, node.connection.privateKey], [2222, "deploy", ownKey]);
    assert.equal(node.connection.hostKey, undefined);

    const builder = r.mocks.inputsOf("registry-client-builder") as unknown as CommandInputs;
    const proxy = builder.connection.proxy!;
    assert.deepEqual(
        [proxy.host, proxy.port, proxy.user, proxy.privateKey, proxy.hostKey],
        ["bastion.example.com", 22, "jump", sharedKey, hostKey],
    );

    const agent = await renderRegistry({
        hostnames: ["registry.example.com"],
        clients: [{ name: "laptop", host: "laptop.lan", agentSocket: "/run/user/1000/ssh-agent.sock" }],
    });
    const laptop = agent.mocks.inputsOf("registry-client-laptop") as unknown as CommandInputs;
    assert.equal(laptop.connection.agentSocketPath, "/run/user/1000/ssh-agent.sock");
    assert.equal(laptop.connection.privateKey, undefined);
});

test("no secret in any command text, trigger or output: keys sit in the secret connection, the password on secret stdin", async () => {
    const r = await renderRegistry(args);
    const secrets = [sharedKey, ownKey, "SHARED-KEY-MATERIAL", "OWN-KEY-MATERIAL", ...Object.values(r.outputs.passwords), r.outputs.htpasswd];
    const httpSecret = /secret: (\S+)/.exec(r.outputs.registryConfig)![1];
    secrets.push(httpSecret);
    for (const name of ["registry-client-web1", "registry-client-k8s-node", "registry-client-builder"]) {
        const raw = r.mocks.resources.find((res) => res.name === name)!.inputs as Record<string, unknown>;
        assert.ok(JSON.stringify(raw.connection).startsWith(`{"${secretSignature}"`), `${name}: the whole connection is secret`);
        const plain = plainStrings(raw).join("\n");
        for (const secret of secrets) {
            assert.ok(!plain.includes(secret.trim()), `${name}: a secret is in plain inputs`);
        }
        const inputs = reveal(raw) as unknown as CommandInputs;
        for (const text of [inputs.create, inputs.delete, ...inputs.triggers]) {
            for (const secret of secrets) assert.ok(!text.includes(secret.trim()), `${name}: a secret is in a command or trigger`);
        }
    }
    const builder = r.mocks.resources.find((res) => res.name === "registry-client-builder")!.inputs;
    assert.ok(JSON.stringify(builder.stdin).startsWith(`{"${secretSignature}"`), "stdin is secret");
    assert.equal(reveal(builder.stdin), `${r.outputs.passwords.ci}\n`, "the login user's password, on stdin");
    assert.equal(r.mocks.resources.find((res) => res.name === "registry-client-web1")!.inputs.stdin, undefined, "no login, no stdin");
    const summary = await valueOf(r.registry.clients);
    for (const secret of secrets) assert.ok(!JSON.stringify(summary).includes(secret.trim()));
});

test("triggers: the CA, the addresses, the host's options and the SSH target; the command is replaced when any changes", async () => {
    const r = await renderRegistry(args);
    const ca = r.outputs.caCertificatePem!;
    const web1 = r.mocks.inputsOf("registry-client-web1") as unknown as CommandInputs;
    assert.equal(web1.triggers[0], ca);
    assert.equal(web1.triggers[1], "registry.example.com:5000,10.0.0.5:5000");
    assert.deepEqual(JSON.parse(web1.triggers[2]), { runtimes: ["docker"], dockerLogin: "", insecureRegistry: false });
    assert.equal(web1.triggers[3], "root@10.0.0.21:22");
    const builder = r.mocks.inputsOf("registry-client-builder") as unknown as CommandInputs;
    assert.deepEqual(JSON.parse(builder.triggers[2]), { runtimes: ["docker"], dockerLogin: "ci", insecureRegistry: true });
    assert.equal(builder.triggers[3], "root@builder.internal:22 via jump@bastion.example.com:22");
    // A new key for the same machine is no reason to remove and reinstall the trust.
    const rekeyed = await renderRegistry({ ...args, sshPrivateKey: pulumi.secret(ownKey) });
    assert.deepEqual((rekeyed.mocks.inputsOf("registry-client-web1") as unknown as CommandInputs).triggers, web1.triggers);

    const moved = await renderRegistry({ ...args, port: 5443 });
    const movedWeb1 = moved.mocks.inputsOf("registry-client-web1") as unknown as CommandInputs;
    assert.equal(movedWeb1.triggers[1], "registry.example.com:5443,10.0.0.5:5443");
    assert.ok(movedWeb1.create.includes("/etc/docker/certs.d/registry.example.com:5443/ca.crt"));
});

test("create installs the CA for every address and runtime; delete is the same script wanting nothing, for the same owner", async () => {
    const r = await renderRegistry(args);
    const web1 = r.mocks.inputsOf("registry-client-web1") as unknown as CommandInputs;
    assert.match(web1.create, /^bash -c '/);
    assert.match(web1.create, / private-registry-trust$/);
    assert.ok(web1.create.includes("set -euo pipefail"));
    assert.ok(web1.create.includes("ACTION=apply"));
    const owner = trustOwner("private-registry", "test", "registry", "web1");
    assert.equal(owner, "private-registry.test.registry.web1");
    assert.ok(web1.create.includes(`OWNER='\\''${owner}'\\''`));
    for (const address of ["registry.example.com:5000", "10.0.0.5:5000"]) {
        assert.ok(web1.create.includes(`/etc/docker/certs.d/${address}/ca.crt|0644|0`));
    }
    // The CA once, however many paths get it.
    const caBase64 = Buffer.from(r.outputs.caCertificatePem! + "\n").toString("base64");
    assert.ok(web1.create.includes(`CONTENTS=('\\''${caBase64}'\\'')`));
    assert.ok(!web1.create.includes("/etc/containerd/certs.d/registry"), "docker only by default");
    assert.ok(web1.delete.includes("ACTION=remove"));
    assert.ok(web1.delete.includes(`OWNER='\\''${owner}'\\''`));
    assert.ok(web1.delete.includes("FILES=()"));

    const node = r.mocks.inputsOf("registry-client-k8s-node") as unknown as CommandInputs;
    assert.ok(node.create.includes("/etc/containerd/certs.d/registry.example.com:5000/hosts.toml|0644|1"));
    assert.ok(!node.create.includes("/etc/docker/certs.d"));
    assert.ok(node.create.includes("CONTAINERD_CERTS_DIR='\\''/etc/containerd/certs.d'\\''"));
});

test("the clients output says per host what was configured", async () => {
    const r = await renderRegistry(args);
    const summary = (await valueOf(r.registry.clients)) as unknown as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(summary), ["web1", "k8s-node", "builder"]);
    assert.deepEqual(summary.web1, {
        host: "10.0.0.21",
        runtimes: ["docker"],
        addresses: ["registry.example.com:5000", "10.0.0.5:5000"],
        files: ["/etc/docker/certs.d/registry.example.com:5000/ca.crt", "/etc/docker/certs.d/10.0.0.5:5000/ca.crt"],
        dockerLogin: "",
        insecureRegistry: false,
        mirrors: [],
        registryMirrors: [],
        report: "ran registry-client-web1",
        warnings: "",
    });
    assert.equal(summary.builder.dockerLogin, "ci");
    assert.equal(summary.builder.insecureRegistry, true);
    assert.deepEqual((summary["k8s-node"].files as string[]).length, 4);
});

test("planTrust: paths per runtime, IPv6 addresses, containerd hosts.toml; no CA for a publicly trusted certificate", () => {
    const plan = planTrust({
        owner: "o",
        addresses: ["reg.test:5000", "[fd00::5]:5000"],
        caCertificatePem: "PEM",
        runtimes: ["docker", "containerd"],
        dockerLogin: "ci",
        insecureRegistry: false,
        mirrors: [],
        loginWaitSeconds: 0,
    });
    assert.deepEqual(plan.dirs, [
        "/etc/docker",
        "/etc/docker/certs.d",
        "/etc/docker/certs.d/reg.test:5000",
        "/etc/docker/certs.d/[fd00::5]:5000",
        "/etc/containerd",
        "/etc/containerd/certs.d",
        "/etc/containerd/certs.d/reg.test:5000",
        "/etc/containerd/certs.d/[fd00::5]:5000",
    ]);
    assert.equal(plan.files.find((f) => f.path === "/etc/docker/certs.d/reg.test:5000/ca.crt")!.content, "PEM\n");
    assert.equal(
        plan.files.find((f) => f.path === "/etc/containerd/certs.d/[fd00::5]:5000/hosts.toml")!.content,
        renderHostsToml("[fd00::5]:5000", "/etc/containerd/certs.d/[fd00::5]:5000/ca.crt"),
    );
    assert.match(renderHostsToml("reg.test:5000", "/x/ca.crt"), /^server = "https:\/\/reg\.test:5000"\n\n\[host\."https:\/\/reg\.test:5000"\]\n {2}capabilities = \["pull", "resolve", "push"\]\n {2}ca = "\/x\/ca\.crt"\n$/m);
    assert.deepEqual(plan.logins, ["reg.test:5000", "[fd00::5]:5000"]);
    assert.deepEqual(plan.insecureRegistries, []);

    const publicCa = planTrust({
        owner: "o",
        addresses: ["reg.test:5000"],
        caCertificatePem: undefined,
        runtimes: ["docker", "containerd"],
        dockerLogin: "ci",
        insecureRegistry: false,
        mirrors: [],
        loginWaitSeconds: 300,
    });
    // A publicly trusted certificate: no CA anywhere, containerd's hosts.toml without `ca`, the login still done.
    assert.deepEqual(publicCa.dirs, ["/etc/containerd", "/etc/containerd/certs.d", "/etc/containerd/certs.d/reg.test:5000"]);
    assert.deepEqual(publicCa.files.map((f) => f.path), ["/etc/containerd/certs.d/reg.test:5000/hosts.toml"]);
    assert.doesNotMatch(publicCa.files[0].content, /\bca =/);
    assert.match(publicCa.files[0].content, /^server = "https:\/\/reg\.test:5000"$/m);
    assert.deepEqual([publicCa.logins, publicCa.loginWaitSeconds, publicCa.containerdCertsDir], [["reg.test:5000"], 300, "/etc/containerd/certs.d"]);
    const dockerOnly = planTrust({ owner: "o", addresses: ["reg.test"], caCertificatePem: undefined, runtimes: ["docker"], dockerLogin: "", insecureRegistry: false, mirrors: [], loginWaitSeconds: 300 });
    assert.deepEqual([dockerOnly.dirs, dockerOnly.files, dockerOnly.logins, dockerOnly.loginWaitSeconds], [[], [], [], 0], "nothing to do, nothing to wait for");
    assert.equal(trustOwner("my proj", "dev/eu", "reg", "web1"), "my_proj.dev_eu.reg.web1");
});

test("validation names the client and the setting: duplicates, empty host, bad port, missing key material, and more", () => {
    const problems = (clients: PrivateRegistryArgs["clients"], extra: Partial<PrivateRegistryArgs> = {}) =>
        findProblems(resolveSettings("registry", { hostnames: ["reg.example.com"], users: ["admin", "ci"], clients, ...extra }));
    const key = pulumi.secret("k");
    assert.deepEqual(problems([{ name: "web1", host: "10.0.0.1", privateKey: key }]), []);
    assert.deepEqual(problems([{ name: "web1", host: "10.0.0.1" }], { sshPrivateKey: key }), []);

    assert.deepEqual(
        problems([
            { name: "web1", host: "10.0.0.1", privateKey: key },
            { name: "web1", host: "10.0.0.2", privateKey: key },
        ]),
        ['clients[1] (web1).name: "web1" is not allowed; each client name may be used once (also clients[0])'],
    );
    assert.deepEqual(problems([{ name: "web1", host: "", privateKey: key }]), [
        'clients[0] (web1).host: "" is not allowed; expected the DNS name or IP address to connect to over SSH',
    ]);
    assert.deepEqual(problems([{ name: "web1", host: "root@10.0.0.1", port: 70000, privateKey: key }]), [
        'clients[0] (web1).host: "root@10.0.0.1" is not allowed; expected a DNS name or an IP address (no port, no user@)',
        "clients[0] (web1).port: 70000 is not allowed; expected a whole number from 1 to 65535",
    ]);
    assert.deepEqual(problems([{ name: "web1", host: "10.0.0.1" }]), [
        "clients[0] (web1): no SSH credentials; set the secret sshPrivateKey (shared by all clients), clients[0].privateKey or clients[0].agentSocket",
    ]);
    assert.deepEqual(problems([{ name: "Web_1", host: "10.0.0.1", privateKey: key, agentSocket: "agent.sock" }]), [
        'clients[0] (Web_1).name: "Web_1" is not allowed; expected 1-40 lower-case letters, digits and hyphens (it names the resource)',
        'clients[0] (Web_1).agentSocket: "agent.sock" is not allowed; expected an absolute path of an SSH agent socket',
    ]);
    assert.deepEqual(
        problems([{ name: "web1", host: "10.0.0.1", privateKey: key, runtimes: ["containerd", "podman" as "docker"], dockerLogin: "bob", insecureRegistry: true }]),
        [
            'clients[0] (web1).runtimes[1]: "podman" is not allowed; expected one of docker, containerd',
            "clients[0] (web1).dockerLogin: \"bob\" is not allowed; expected one of the registry's users (admin, ci)",
            'clients[0] (web1).insecureRegistry: true is not allowed; needs "docker" in runtimes',
        ],
    );
    assert.deepEqual(problems([{ name: "web1", host: "10.0.0.1", privateKey: key, runtimes: ["containerd"], dockerLogin: "ci" }]), [
        'clients[0] (web1).dockerLogin: "ci" is not allowed; needs "docker" in runtimes',
    ]);
    assert.deepEqual(problems([{ name: "web1", host: "10.0.0.1", privateKey: key, runtimes: [] }]), [
        "clients[0] (web1).runtimes: [] is not allowed; expected a non-empty list of docker, containerd",
    ]);
    assert.deepEqual(problems([{ name: "web1", host: "10.0.0.1", privateKey: key, hostKey: "AAAAC3Nz", proxy: { host: "", port: 0 } }]), [
        'clients[0] (web1).hostKey: "AAAAC3Nz" is not allowed; expected a public key line such as "ssh-ed25519 AAAAC3Nza…" (from /etc/ssh/ssh_host_ed25519_key.pub)',
        'clients[0] (web1).proxy.host: "" is not allowed; expected the DNS name or IP address to connect to over SSH',
        "clients[0] (web1).proxy.port: 0 is not allowed; expected a whole number from 1 to 65535",
    ]);
});

test("bad client config fails before any resource is declared", async () => {
    await assert.rejects(
        renderRegistry({ hostnames: ["reg.example.com"], clients: [{ name: "web1", host: "", port: 0 }] }),
        (error: unknown) => error instanceof RegistryConfigError && error.problems.length === 3,
    );
});

test("clientsFromConfig: refuses unknown keys and wrong types, naming the client; makes privateKey secret", async () => {
    assert.deepEqual(clientsFromConfig(undefined), []);
    assert.throws(() => clientsFromConfig({ name: "web1" }), /clients: \{"name":"web1"\} is not allowed; expected a list of client hosts/);
    assert.throws(() => clientsFromConfig([{ name: "web1", host: "h", runtime: ["docker"] }]), /clients\[0\] \(web1\)\.runtime: unknown setting; expected one of name, host, port/);
    assert.throws(() => clientsFromConfig([{ name: "web1", host: "h", port: "22" }]), /clients\[0\] \(web1\)\.port: "22" is not allowed; expected a number/);
    assert.throws(() => clientsFromConfig([{ name: "web1", host: "h", proxy: { host: "b", key: "x" } }]), /clients\[0\] \(web1\)\.proxy\.key: unknown setting/);
    assert.throws(() => clientsFromConfig([{ name: "web1", host: "h", runtimes: "docker" }]), /clients\[0\] \(web1\)\.runtimes: "docker" is not allowed/);
    const [client] = clientsFromConfig([{ name: "web1", host: "h", privateKey: "KEY" }]);
    assert.equal(await pulumi.isSecret(pulumi.output(client.privateKey!)), true);
});
