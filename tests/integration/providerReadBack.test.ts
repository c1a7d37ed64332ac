/**
 * What the docker provider will read back from a real Docker host, and what a failed health
 * wait leaves an operator to go on (docs/provider-behaviour.md):
 * - a Docker daemon whose daemon.json sets log-opts of its own runs the exact container the
 *   component renders; Docker merges its defaults into the container's log config, so what
 *   the provider reads back is not what the program sent, until the component's state
 *   migration takes the daemon's keys out again; the container's own limits apply all along;
 * - a registry whose storage never answers never becomes healthy, and each command the
 *   failed `up` prints leads to the cause.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { docker, requireDockerAndImage } from "../kit/docker";
import { renderRegistry } from "../kit/render/render";
import type { RecordedOptions } from "../kit/render/mocks";
import { ContainerInputs, removeContainerAndVolume, runContainer } from "../kit/registry/container";
import { containerState, waitFor } from "../kit/registry/containerOps";
import { removeDockerLeftovers } from "../kit/registry/leftovers";
import { testedMajors, testImage, testImages, testRegistryArgs, testVersions } from "../kit/registry/testRegistry";
import { freePort } from "../kit/host/net";
import { uniqueName } from "../kit/host/owner";
import { runProcess } from "../kit/host/process";
import { freshTempDir } from "../kit/host/tempDirs";
import { hostRoot } from "../kit/host/hostRoot";
import { DockerDaemon, startDockerDaemon } from "../kit/services/dockerDaemon";
import type { RegistryMajor } from "../../components";

/** The host's own log defaults: every kind of key Docker merges into a json-file container (driver, generic and json-file options). */
const daemonLogOpts = { compress: "true", mode: "non-blocking", "max-buffer-size": "4m", tag: "{{.Name}}", labels: "team", env: "TEAM" };

const containerOptions = (options: RecordedOptions[], name: string) => options.find((o) => o.name === name)!;

describe("log options: a Docker host whose daemon.json sets log-opts of its own (throwaway dockerd, real Docker engine)", () => {
    const unique = uniqueName("logopts");
    let rootsDir: string | undefined;
    let dockerd: DockerDaemon | undefined;
    let sent: Record<string, string>;
    let inputs: ContainerInputs;
    let options: RecordedOptions[];
    /** `.HostConfig.LogConfig` of the running container, as `docker inspect` (and so the provider's Read) has it. */
    let readBack: { Type: string; Config: Record<string, string> };

    before(async () => {
        await requireDockerAndImage(testImage);
        rootsDir = await freshTempDir("logopts-roots-");
        const root = await hostRoot(rootsDir);
        await mkdir(join(root, "etc/docker"));
        await writeFile(join(root, "etc/docker/daemon.json"), JSON.stringify({ "log-driver": "json-file", "log-opts": daemonLogOpts }));
        dockerd = await startDockerDaemon(root);
        const load = await runProcess("sh", ["-c", `docker save ${testImage} | docker -H ${dockerd.host} load`]);
        assert.equal(load.code, 0, load.stderr);
        const rendered = await renderRegistry(
            testRegistryArgs(unique, await freePort(), { hostnames: ["127.0.0.1"], logMaxSize: "5m", logMaxFiles: 2 }),
            { tls: "openssl" },
        );
        inputs = rendered.mocks.inputsOf("registry-container") as ContainerInputs;
        options = rendered.options;
        sent = inputs.logOpts as Record<string, string>;
        await runContainer(inputs, { socket: dockerd.host.replace(/^unix:\/\//, "") });
        readBack = JSON.parse((await dockerd.docker(["inspect", "--format", "{{json .HostConfig.LogConfig}}", inputs.name!])).stdout) as typeof readBack;
    });

    after(async () => {
        await dockerd?.stop();
        if (rootsDir) await rm(rootsDir, { recursive: true, force: true });
    });

    test("Docker merges the daemon's defaults: the provider would read back keys the program never sent", () => {
        assert.deepEqual(sent, { "max-size": "5m", "max-file": "2" });
        assert.equal(readBack.Type, "json-file");
        assert.deepEqual(readBack.Config, { ...daemonLogOpts, ...sent }, "the container's own limits, and every daemon default beside them");
        assert.notDeepEqual(readBack.Config, sent, "without the migration, logOpts (which forces a new container) would differ at every up");
    });

    test("the component's state migration gives the engine the program's own options to diff: no change", async () => {
        const [migrate] = containerOptions(options, "registry-container").stateMigrations;
        const urn = "urn:pulumi:test::private-registry::docker:index/container:Container::registry-container";
        // The provider's Read stores `docker inspect`'s map whenever logOpts was given (containerLogOptsForState).
        const prior = { urn, custom: true, id: "id", type: "docker:index/container:Container", inputs, outputs: { ...inputs, logOpts: readBack.Config, logDriver: readBack.Type } };
        const result = await migrate({ urn, oldState: [prior] });
        const migrated = (result?.newState[0] ?? prior) as typeof prior;
        assert.deepEqual(migrated.outputs.logOpts, sent);
        assert.equal(migrated.outputs.logDriver, inputs.logDriver);
        // A second run of the migration on the rewritten state finds nothing to do.
        assert.equal(await migrate({ urn, oldState: [migrated] }), undefined);
    });

    test("a changed limit still differs after the migration, so it still replaces the container", async () => {
        const changed = await renderRegistry(testRegistryArgs(unique, 5000, { hostnames: ["127.0.0.1"], logMaxSize: "6m", logMaxFiles: 2 }));
        const [migrate] = containerOptions(options, "registry-container").stateMigrations;
        const prior = { urn: "u", custom: true, id: "id", type: "docker:index/container:Container", inputs, outputs: { ...inputs, logOpts: readBack.Config } };
        const migrated = ((await migrate({ urn: "u", oldState: [prior] }))?.newState[0] ?? prior) as typeof prior;
        assert.deepEqual(migrated.outputs.logOpts, { "max-size": "5m", "max-file": "2" }, "the running container's own limits");
        assert.deepEqual(changed.mocks.inputsOf("registry-container").logOpts, { "max-size": "6m", "max-file": "2" });
    });
});

describe("a registry that never becomes healthy: the failed up's advice leads to the cause (real Docker engine)", () => {
    const runs = testedMajors.map((major) => ({ major, unique: uniqueName(`unhealthy${major}`) }));
    const started: { major: RegistryMajor; name: string; advice: string }[] = [];

    before(async () => {
        for (const { major } of runs) await requireDockerAndImage(testImages[major]);
        await removeDockerLeftovers();
        const closedPort = await freePort();
        for (const { major, unique } of runs) {
            // S3 storage at a port nothing listens on: the registry starts, its storage health check never passes.
            const rendered = await renderRegistry(
                testRegistryArgs(unique, await freePort(), {
                    hostnames: ["127.0.0.1"],
                    image: testImages[major],
                    storage: "s3",
                    s3: { bucket: "images", endpoint: `http://127.0.0.1:${closedPort}`, secure: false, accessKey: "test", secretKey: pulumi.secret("test-secret") },
                }),
                { tls: "openssl" },
            );
            const inputs = rendered.mocks.inputsOf("registry-container") as ContainerInputs;
            await removeContainerAndVolume(inputs.name!, undefined);
            await runContainer(inputs, { waitUntilHealthy: false });
            const [hook] = containerOptions(rendered.options, "registry-container").onError;
            const said: string[] = [];
            const log = pulumi.log.error;
            (pulumi.log as { error: (m: string) => void }).error = (m: string) => said.push(m);
            try {
                await hook.callback({ urn: "u", id: "i", name: "registry-container", type: "t", failedOperation: "create", errors: ["container failed to be in healthy state"] });
            } finally {
                (pulumi.log as { error: typeof log }).error = log;
            }
            started.push({ major, name: inputs.name!, advice: said.join("\n") });
        }
        // The registry's storage check fails 3 times 10 s apart, then Docker's check 3 times 10 s apart.
        await Promise.all(
            started.map((s) => waitFor(`${s.name} unhealthy`, async () => ((await docker.cli("inspect", "--format", "{{.State.Health.Status}}", s.name)) === "unhealthy" ? true : undefined), 150_000)),
        );
    });

    after(async () => {
        for (const s of started) await removeContainerAndVolume(s.name, undefined);
    });

    for (const { major } of runs) {
        test(`Distribution ${testVersions[major]}: each command in the advice runs and shows why`, async () => {
            const s = started.find((x) => x.major === major)!;
            assert.ok(s.advice.includes(`did not become healthy within 120 s`), s.advice);
            const commands = s.advice
                .split("\n")
                .filter((line) => line.trim().startsWith("docker "))
                .map((line) => line.split("#")[0].trim());
            assert.equal(commands.length, 3, s.advice);
            const [logs, health, endpoint] = await Promise.all(commands.map((c) => runProcess("sh", ["-c", c])));
            assert.equal(logs.code, 0, logs.stderr);
            assert.match(logs.stdout + logs.stderr, new RegExp(`127\\.0\\.0\\.1:\\d+|connection refused|s3`, "i"), "the registry's log names the storage it cannot reach");
            assert.equal(health.code, 0, health.stderr);
            const state = JSON.parse(health.stdout) as { Status: string; Log: { ExitCode: number }[] };
            assert.equal(state.Status, "unhealthy");
            assert.ok(state.Log.some((l) => l.ExitCode !== 0));
            assert.notEqual(endpoint.code, 0, "the health endpoint itself refuses (503)");
            assert.match(endpoint.stderr, /503/);
            assert.equal((await containerState(s.name)).running, true, "left in place to inspect");
        });
    }
});
