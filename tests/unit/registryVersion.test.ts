/**
 * Distribution 2.8 and 3.x: the major is known before anything is declared (from the image's tag
 * or `registryVersion`), each major gets its own config keys, paths, command and environment, and
 * what a major lacks is refused at preview.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { findProblems, PrivateRegistryArgs, resolveSettings } from "../../components";
import { renderRegistry, uploadedFiles } from "../kit/render/render";

const settingsOf = (args: Partial<PrivateRegistryArgs>) => resolveSettings("registry", { hostnames: ["registry.example.com"], ...args });
const problemsOf = (args: Partial<PrivateRegistryArgs>) => findProblems(settingsOf(args));

test("the major comes from the image's tag, with a registry host, a port or a digest", () => {
    const digest = `@sha256:${"a".repeat(64)}`;
    const cases: [string, number][] = [
        ["registry:2", 2], ["registry:2.8.3", 2], ["registry:3", 3], ["registry:3.1.2", 3], ["registry:3.0.0-rc.1", 3],
        ["docker.io/library/registry:3.1", 3], ["mirror.example.com:5000/library/registry:2.8", 2],
        [`registry:3${digest}`, 3], [`ghcr.io/org/registry:2.8.3${digest}`, 2], ["registry:v3.1.2", 3],
    ];
    for (const [image, major] of cases) {
        assert.equal(settingsOf({ image }).version.major, major, image);
        assert.deepEqual(problemsOf({ image }), [], image);
    }
    assert.equal(settingsOf({}).version.major, 2, "the default image registry:2 is Distribution 2.8");
});

test("an image whose tag tells no version needs registryVersion, which then decides", () => {
    const digest = `@sha256:${"b".repeat(64)}`;
    for (const image of ["registry:latest", "registry", `registry${digest}`, "mirror.example.com:5000/registry", "registry:edge", "registry:20240101"]) {
        const problems = problemsOf({ image });
        assert.equal(problems.length, 1, `${image}: ${JSON.stringify(problems)}`);
        assert.ok(problems[0].startsWith(`image: ${JSON.stringify(image)} is not allowed;`), problems[0]);
        assert.match(problems[0], /major version is unknown .* use a version tag such as registry:3 or registry:2\.8\.3, or set registryVersion to 2 or 3/);
        assert.deepEqual(problemsOf({ image, registryVersion: 3 }), [], `${image} with registryVersion 3`);
        assert.equal(settingsOf({ image, registryVersion: 3 }).version.major, 3);
        assert.equal(settingsOf({ image, registryVersion: 2 }).version.major, 2);
    }
});

test("a major other than 2 or 3, and a setting that contradicts the tag, are refused naming both settings", () => {
    const [four] = problemsOf({ image: "registry:4.0.0" });
    assert.match(four, /^image: "registry:4\.0\.0" is not allowed; its tag names Distribution 4; this component renders configs for Distribution 2 or 3/);
    assert.equal(problemsOf({ image: "registry:4.0.0", registryVersion: 3 }).length, 1, "the tag's 4 is not overridden");
    const [five] = problemsOf({ image: "registry:latest", registryVersion: 5 as 2 });
    assert.match(five, /^registryVersion: 5 is not allowed; expected 2 or 3/);
    assert.deepEqual(problemsOf({ image: "registry:latest", registryVersion: "3" as unknown as 3 }).length, 1, "a string is not a major");
    const [conflict] = problemsOf({ image: "registry:2.8.3", registryVersion: 3 });
    assert.match(conflict, /^registryVersion: 3 is not allowed; image registry:2\.8\.3 names Distribution 2 in its tag; leave registryVersion unset or set it to 2/);
    assert.deepEqual(problemsOf({ image: "registry:3", registryVersion: 3 }), [], "agreeing is fine");
    const [malformed, ...rest] = problemsOf({ image: "Registry 3" });
    assert.deepEqual(rest, [], "a malformed image is reported once");
    assert.match(malformed, /^image: "Registry 3" is not allowed; expected an image reference/);
});

test("tracingEndpoint exists on 3.x only and must be an OTLP/HTTP URL", () => {
    const [on2] = problemsOf({ tracingEndpoint: "http://otel:4318" });
    assert.match(on2, /^tracingEndpoint: "http:\/\/otel:4318" is not allowed; Distribution 2\.8 has no OpenTelemetry tracing: leave it unset, or run registry:3/);
    assert.deepEqual(problemsOf({ image: "registry:3", tracingEndpoint: "http://otel-collector:4318" }), []);
    assert.deepEqual(problemsOf({ image: "registry:3", tracingEndpoint: "https://[fd00::1]:4318/otlp" }), []);
    for (const bad of ["otel:4318", "http://user:pw@otel:4318", "http://otel:4318?x=1", "ftp://otel"]) {
        const [problem] = problemsOf({ image: "registry:3", tracingEndpoint: bad });
        assert.match(problem ?? "", /^tracingEndpoint: .* is not allowed; expected an OTLP\/HTTP base URL/, bad);
    }
});

test("each major's container: its config path, an explicit serve command, its environment and labels", async () => {
    for (const [major, folder] of [[2, "/etc/docker/registry"], [3, "/etc/distribution"]] as const) {
        const r = await renderRegistry({ hostnames: ["registry.example.com"], image: `registry:${major}` });
        const c = r.mocks.inputsOf("registry-container");
        assert.deepEqual(c.command, ["serve", `${folder}/config.yml`], `${major}: never the image's default command`);
        const files = uploadedFiles(r);
        assert.deepEqual([...files.keys()].sort(), [`${folder}/auth/htpasswd`, `${folder}/config.yml`, `${folder}/tls/server.crt`, `${folder}/tls/server.key`]);
        const config = parse(r.outputs.registryConfig);
        assert.equal(config.auth.htpasswd.path, `${folder}/auth/htpasswd`);
        assert.deepEqual(config.http.tls, { certificate: `${folder}/tls/server.crt`, key: `${folder}/tls/server.key`, minimumtls: "tls1.2" });
        const labels = Object.fromEntries((c.labels as { label: string; value: string }[]).map((l) => [l.label, l.value]));
        assert.equal(labels["private-registry.config-path"], `${folder}/config.yml`, "npm run gc finds the config by this label");
        assert.deepEqual(c.envs, major === 3 ? ["OTEL_TRACES_EXPORTER=none"] : undefined, `${major}: tracing off on 3.x, nothing on 2.8`);
    }
    const traced = await renderRegistry({ hostnames: ["registry.example.com"], image: "registry:3", tracingEndpoint: "http://otel:4318" });
    assert.deepEqual(traced.mocks.inputsOf("registry-container").envs, [
        "OTEL_TRACES_EXPORTER=otlp", "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf", "OTEL_EXPORTER_OTLP_ENDPOINT=http://otel:4318",
    ]);
});

test("3.x config: Redis as addrs with go-redis pool keys, path-style S3; 2.8 keeps addr, pool and no forcepathstyle", async () => {
    const args: PrivateRegistryArgs = {
        hostnames: ["registry.example.com"],
        storage: "s3",
        s3: { bucket: "images", region: "us-east-1", endpoint: "http://127.0.0.1:7480", secure: false, accessKey: "AK", secretKey: "SK" },
        redis: { address: "10.0.0.7:6379", password: "pw", db: 1 },
    };
    const three = parse((await renderRegistry({ ...args, image: "registry:3" })).outputs.registryConfig);
    assert.deepEqual(three.redis, {
        addrs: ["10.0.0.7:6379"], password: "pw", db: 1, dialtimeout: "1s", readtimeout: "1s", writetimeout: "1s",
        poolsize: 64, maxidleconns: 16, connmaxidletime: "300s",
    });
    assert.equal(three.storage.s3.forcepathstyle, true);
    const two = parse((await renderRegistry({ ...args, image: "registry:2" })).outputs.registryConfig);
    assert.equal(two.redis.addr, "10.0.0.7:6379");
    assert.deepEqual(two.redis.pool, { maxidle: 16, maxactive: 64, idletimeout: "300s" });
    assert.equal(two.storage.s3.forcepathstyle, undefined, "2.8 has no such key");
    const { forcepathstyle, ...rest3 } = three.storage.s3;
    assert.equal(forcepathstyle, true);
    assert.deepEqual(rest3, two.storage.s3, "otherwise the same S3 keys");
});

test("a bad major stops the component before anything is declared", async () => {
    await assert.rejects(renderRegistry({ hostnames: ["registry.example.com"], image: "registry:latest" }), /image: "registry:latest" is not allowed; it has the tag "latest", which names no version/);
});
