/**
 * What the real providers and engine will do with the program's resources, where the program
 * decides it (docs/provider-behaviour.md): the image follows its tag, a container whose health
 * wait failed is replaced on the next `up`, the daemon's log defaults never reach a diff, and
 * the failed health wait says what to look at.
 */
import { afterEach, mock, test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { renderRegistry } from "../kit/render/render";
import { setEngineFeatures } from "../kit/render/engineFeatures";
import type { RecordedOptions } from "../kit/render/mocks";
import { PrivateRegistryArgs } from "../../components";
import { withoutDaemonLogDefaults } from "../../components/instances/logging";
import { imageAtDigest, isPinnedToDigest } from "../../components/instances/image";
import { unhealthyAdvice } from "../../components/instances/health";

const args: PrivateRegistryArgs = {
    hostnames: ["registry.example.com"],
    image: "registry:3",
    mirrors: [{ name: "hub", port: 5001, access: "anonymous" }],
};

const containers = (options: RecordedOptions[]) => options.filter((o) => o.type === "docker:index/container:Container");

afterEach(() => setEngineFeatures());

test("a floating tag is looked up on every run and named at its digest, so a moved tag is a new image to pull", async () => {
    const [a, b] = ["sha256:" + "a".repeat(64), "sha256:" + "b".repeat(64)];
    const before = await renderRegistry(args, { tls: "fake", registryDigests: { "registry:3": a } });
    assert.deepEqual(before.mocks.digestLookups, ["registry:3"]);
    assert.deepEqual(before.mocks.digestLookupProviders, [""], "the local daemon's: the default provider");
    assert.deepEqual(before.mocks.inputsOf("registry-image"), { name: `registry:3@${a}`, keepLocally: true, triggers: { dockerHost: "local" } });
    // A new name forces a new image resource, which pulls (Docker has no image of that name); its new imageId is
    // every container's image, which forces new containers.
    const moved = await renderRegistry(args, { tls: "fake", registryDigests: { "registry:3": b } });
    assert.equal(moved.mocks.inputsOf("registry-image").name, `registry:3@${b}`);
    for (const container of ["registry-container", "registry-mirror-hub-container"]) {
        assert.equal(moved.mocks.inputsOf(container).image, moved.mocks.outputsByName.get("registry-image")!.imageId, `${container} runs the image resource's ID`);
    }
    const again = await renderRegistry(args, { tls: "fake", registryDigests: { "registry:3": b } });
    assert.deepEqual(again.mocks.inputsOf("registry-image"), moved.mocks.inputsOf("registry-image"), "an unmoved tag changes nothing");
});

test("an image pinned to a digest is not looked up and keeps its name", async () => {
    const pinned = `registry:3@sha256:${"c".repeat(64)}`;
    assert.equal(isPinnedToDigest(pinned), true);
    assert.equal(isPinnedToDigest("registry:3"), false);
    assert.equal(isPinnedToDigest("registry@sha256:short"), false);
    assert.equal(imageAtDigest(pinned, "sha256:" + "d".repeat(64)), pinned);
    const r = await renderRegistry({ ...args, image: pinned });
    assert.deepEqual(r.mocks.digestLookups, []);
    assert.deepEqual(r.mocks.inputsOf("registry-image"), { name: pinned, keepLocally: true, triggers: { dockerHost: "local" } });
});

test("each instance looks its image up through its own Docker host's provider", async () => {
    const r = await renderRegistry({
        hostnames: ["registry.example.com"],
        storage: "s3",
        s3: { bucket: "images" },
        instances: [
            { name: "a", dockerHost: "ssh://a", hostname: "a.example.com" },
            { name: "b", dockerHost: "ssh://b", hostname: "b.example.com" },
        ],
    });
    assert.deepEqual(r.mocks.digestLookups, ["registry:2", "registry:2"]);
    const providers = r.mocks.digestLookupProviders.map((p) => p?.split("::")[3]);
    assert.deepEqual(providers.map((p) => p?.replace(/-[0-9a-f]{8}$/, "")), ["registry-a-docker", "registry-b-docker"]);
    assert.match(String(r.mocks.inputsOf("registry-a-image").name), /^registry:2@sha256:/);
    assert.match(String(r.mocks.inputsOf("registry-b-image").name), /^registry:2@sha256:/);
});

test("every registry container is replaced, not updated, after a failed health wait, and old ones go first", async () => {
    const r = await renderRegistry(args);
    const found = containers(r.options);
    assert.deepEqual(found.map((o) => o.name).sort(), ["registry-container", "registry-mirror-hub-container"]);
    for (const o of found) {
        // The engine turns an initialization error into a replacement only for "*" (step_generator applyReplaceOnChanges).
        assert.deepEqual(o.replaceOnChanges, ["*"], o.name);
        assert.equal(o.deleteBeforeReplace, true, o.name);
    }
});

test("a failed health wait logs what to look at and how to recover, and is not retried", async () => {
    const r = await renderRegistry({ ...args, debugPort: 5002 });
    const errors = mock.method(pulumi.log, "error", () => undefined);
    try {
        const [hook] = containers(r.options).find((o) => o.name === "registry-container")!.onError;
        assert.ok(hook, "the registry container has an error hook");
        const failed = { urn: "urn", id: "id", name: "registry-container", type: "docker:index/container:Container", failedOperation: "create" };
        assert.equal(await hook.callback({ ...failed, errors: ["container failed to be in healthy state"] }), false);
        assert.equal(errors.mock.callCount(), 1);
        const message = String(errors.mock.calls[0].arguments[0]);
        assert.equal(message, unhealthyAdvice({ containerName: "registry", dockerHost: "", debugPort: 5002 }));
        assert.match(message, /docker logs registry\b/);
        assert.match(message, /http:\/\/127\.0\.0\.1:5002\/debug\/health/);
        assert.match(message, /replaces this container and waits again/);
        // Any other failure is the provider's own message, with nothing added.
        assert.equal(await hook.callback({ ...failed, errors: ["Unable to create container: port is already allocated"] }), false);
        assert.equal(errors.mock.callCount(), 1);
    } finally {
        errors.mock.restore();
    }
});

test("the advice names the instance's Docker host for a remote daemon, and the TLS flags a tcp:// one needs", () => {
    const advice = unhealthyAdvice({ containerName: "registry", dockerHost: "ssh://ops@a.example.com", debugPort: 5001 });
    assert.match(advice, /docker -H ssh:\/\/ops@a\.example\.com logs registry/);
    assert.match(advice, /Docker host ssh:\/\/ops@a\.example\.com/);
    assert.doesNotMatch(advice, /tlsverify/);
    assert.match(unhealthyAdvice({ containerName: "registry", dockerHost: "tcp://a.example.com:2376", debugPort: 5001 }), /--tlsverify/);
    assert.match(unhealthyAdvice({ containerName: "registry", dockerHost: "", debugPort: 5001 }), /DOCKER_HOST or the local socket/);
});

/** The container's prior state as the engine would hand it to a state migration after Docker merged `added`. */
function priorState(sent: Record<string, string>, added: Record<string, string>) {
    return [
        {
            urn: "urn:pulumi:test::private-registry::docker:index/container:Container::registry-container",
            custom: true,
            id: "abc",
            type: "docker:index/container:Container",
            inputs: { name: "registry", logOpts: sent },
            outputs: { name: "registry", logOpts: { ...added, ...sent }, logDriver: "json-file" },
        },
    ];
}

test("the state migration drops only the log options the daemon added, so a changed limit still shows", async () => {
    const r = await renderRegistry({ ...args, logMaxSize: "20m", logMaxFiles: 5 });
    const sent = r.mocks.inputsOf("registry-container").logOpts as Record<string, string>;
    assert.deepEqual(sent, { "max-size": "20m", "max-file": "5" });
    for (const o of containers(r.options)) {
        assert.equal(o.stateMigrations.length, 1, o.name);
        const [migrate] = o.stateMigrations;
        const old = priorState(sent, { compress: "true", mode: "non-blocking" });
        const result = await migrate({ urn: old[0].urn, oldState: old });
        assert.ok(result, "the merged state is rewritten");
        const [migrated] = result.newState as ReturnType<typeof priorState>;
        assert.deepEqual(migrated.outputs.logOpts, sent, "what the provider will diff equals what the program sends");
        assert.deepEqual({ ...migrated, outputs: undefined }, { ...old[0], outputs: undefined }, "nothing else changes");
        assert.equal(await migrate({ urn: old[0].urn, oldState: priorState(sent, {}) }), undefined, "nothing to drop: no rewrite");
    }
    // A limit the user changed stays in the prior state as it was: the diff shows it and replaces the container.
    const changed = withoutDaemonLogDefaults(priorState({ "max-size": "10m", "max-file": "5" }, { compress: "true" })[0]);
    assert.deepEqual(changed?.outputs?.logOpts, { "max-size": "10m", "max-file": "5" });
    assert.notDeepEqual(changed?.outputs?.logOpts, sent);
});

test("an engine without state migrations or error hooks gets neither, and a warning that says what it costs", async () => {
    setEngineFeatures({ stateMigrations: false, errorHooks: false });
    const warnings = mock.method(pulumi.log, "warn", () => undefined);
    try {
        const r = await renderRegistry(args);
        for (const o of containers(r.options)) {
            assert.deepEqual(o.stateMigrations, [], o.name);
            assert.deepEqual(o.onError, [], o.name);
            assert.deepEqual(o.replaceOnChanges, ["*"], o.name);
        }
        const said = warnings.mock.calls.map((c) => String(c.arguments[0]));
        assert.equal(said.filter((w) => /state migrations/.test(w)).length, 1);
        assert.match(said.find((w) => /state migrations/.test(w))!, /log-opts.*replaces the registry containers/s);
    } finally {
        warnings.mock.restore();
    }
    const quiet = mock.method(pulumi.log, "warn", () => undefined);
    try {
        setEngineFeatures();
        await renderRegistry(args);
        assert.equal(quiet.mock.calls.filter((c) => /state migrations/.test(String(c.arguments[0]))).length, 0);
    } finally {
        quiet.mock.restore();
    }
});
