/**
 * A second `pulumi up` with unchanged config must change nothing. The engine diffs each
 * resource's inputs against state, so: evaluating the program again with the same config and
 * the provider outputs stored by the first run must give byte-identical inputs everywhere.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { renderRegistry } from "../kit/render/render";
import { reveal } from "../kit/render/secrets";
import * as pulumi from "@pulumi/pulumi";
import { PrivateRegistryArgs } from "../../components";

const args: PrivateRegistryArgs = {
    hostnames: ["registry.example.com", "10.0.0.5"],
    users: ["admin", "ci"],
    corsOrigins: ["https://ui.example.com"],
    sshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nk\n-----END OPENSSH PRIVATE KEY-----",
    // The trust scripts embed the CA and the password goes on stdin: both must be stable too.
    clients: [{ name: "web1", host: "10.0.0.21", runtimes: ["docker", "containerd"], dockerLogin: "ci", insecureRegistry: true }],
};

/** Each mirror's config, containers and volumes, and the clients' mirror settings, must be stable too. */
const withMirrors: PrivateRegistryArgs = {
    ...args,
    image: "registry:3",
    clients: [{ ...args.clients![0], mirrors: ["hub", "lab"] }],
    mirrors: [
        { name: "hub", port: 5002, access: "anonymous" },
        { name: "lab", upstream: "https://lab.example.com", upstreamUsername: "u", upstreamPassword: pulumi.secret("upstream-token"), port: 5003, access: "users", ttl: "72h" },
    ],
};

type Snapshot = Map<string, string>;

async function evaluate(a: PrivateRegistryArgs, state?: Map<string, Record<string, unknown>>) {
    const r = await renderRegistry(a, { tls: "fake", state });
    const inputs: Snapshot = new Map(r.mocks.resources.map((res) => [`${res.type}::${res.name}`, JSON.stringify(res.inputs)]));
    return { inputs, state: new Map(r.mocks.outputsByName) };
}

function changed(a: Snapshot, b: Snapshot): string[] {
    assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort(), "the same resources must be declared");
    return [...a.keys()].filter((key) => a.get(key) !== b.get(key));
}

test("no perpetual diff: same config and stored provider outputs give byte-identical inputs, on 2.8 and 3.x, with mirrors", async () => {
    for (const a of [args, { ...args, image: "registry:3.1.2", tracingEndpoint: "http://otel.internal:4318" }, withMirrors]) {
        const first = await evaluate(a);
        const second = await evaluate(a, first.state);
        assert.deepEqual(changed(first.inputs, second.inputs), [], a.image ?? "registry:2");
        const third = await evaluate(a, second.state);
        assert.deepEqual(changed(first.inputs, third.inputs), [], a.image ?? "registry:2");
    }
});

test("switching the image to registry:3 replaces the image and the container; the volume differs only in its ignored labels", async () => {
    const first = await evaluate(args);
    const upgraded = await evaluate({ ...args, image: "registry:3" }, first.state);
    assert.deepEqual(changed(first.inputs, upgraded.inputs).sort(), [
        "docker:index/container:Container::registry-container",
        "docker:index/remoteImage:RemoteImage::registry-image",
        // Its labels name the new config path; the volume ignores label changes (it is kept, not replaced).
        "docker:index/volume:Volume::registry-data",
    ]);
});

test("control: new provider outputs (new passwords, salts, keys) do show up as changed inputs", async () => {
    const first = await evaluate(args);
    const fresh = await evaluate(args);
    assert.ok(changed(first.inputs, fresh.inputs).includes("docker:index/container:Container::registry-container"));
});

test("changing bcryptCost re-renders only the container's htpasswd upload", async () => {
    const first = await evaluate(args);
    const costly = await evaluate({ ...args, bcryptCost: 6 }, first.state);
    assert.deepEqual(changed(first.inputs, costly.inputs), ["docker:index/container:Container::registry-container"]);
    type Upload = { file: string; content: string };
    const uploads = (s: Snapshot) =>
        (reveal(JSON.parse(s.get("docker:index/container:Container::registry-container")!)) as { uploads: Upload[] }).uploads;
    const before = uploads(first.inputs);
    const after = uploads(costly.inputs);
    const differing = before.filter((u, i) => u.content !== after[i].content).map((u) => u.file);
    assert.deepEqual(differing, ["/etc/docker/registry/auth/htpasswd"]);
});

test("changing passwordRotation changes only the keepers of every password and salt, so the engine replaces just those", async () => {
    const first = await evaluate(args);
    const rotated = await evaluate({ ...args, passwordRotation: "2027-01" }, first.state);
    assert.deepEqual(changed(first.inputs, rotated.inputs).sort(), [
        "random:index/randomBytes:RandomBytes::registry-salt-admin",
        "random:index/randomBytes:RandomBytes::registry-salt-ci",
        "random:index/randomPassword:RandomPassword::registry-password-admin",
        "random:index/randomPassword:RandomPassword::registry-password-ci",
    ]);
});

test("several instances over S3 with Redis: no perpetual diff either; a new instance declares only its own resources", async () => {
    const scaleOut: PrivateRegistryArgs = {
        ...args,
        storage: "s3",
        s3: { endpoint: "https://rgw.example.com", bucket: "team-registry", accessKey: "AK", secretKey: "SK" },
        redis: { address: "redis.internal:6379", password: "pw" },
        instances: [
            { name: "reg-1", dockerHost: "ssh://deploy@reg-1", hostname: "reg-1.example.com" },
            { name: "reg-2", dockerHost: "ssh://deploy@reg-2", hostname: "reg-2.example.com" },
        ],
    };
    const first = await evaluate(scaleOut);
    const second = await evaluate(scaleOut, first.state);
    assert.deepEqual(changed(first.inputs, second.inputs), []);
    // Its name goes into the certificate, which is therefore re-issued for every instance (README).
    const grown = await renderRegistry(
        { ...scaleOut, instances: [...scaleOut.instances!, { name: "reg-3", dockerHost: "ssh://deploy@reg-3", hostname: "reg-3.example.com" }] },
        { tls: "fake", state: first.state },
    );
    const added = grown.mocks.resources.map((r) => r.name).filter((n) => !second.state.has(n));
    assert.deepEqual(added.filter((n) => !n.startsWith("registry-reg-3-docker-")).sort(), ["registry-reg-3-container", "registry-reg-3-image"]);
});
