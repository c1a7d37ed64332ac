import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { buildRegistryConfig, containerPaths, RegistryConfigInput, renderRegistryConfig } from "../../components";

const base: RegistryConfigInput = {
    major: 2,
    port: 5000,
    debugPort: 5001,
    debugOnNetwork: false,
    httpSecret: "s3cret-value",
    authRealm: "Registry Realm",
    corsOrigins: [],
    logLevel: "info",
    accessLog: true,
    tracingEndpoint: "",
    storage: { driver: "filesystem" },
};
const paths2 = containerPaths(2);

test("default config carries everything the runbooks set, plus TLS, secret, health and debug", () => {
    const c = buildRegistryConfig(base);
    assert.equal(c.version, "0.1");
    assert.equal(c.storage.delete.enabled, true);
    assert.equal(c.storage.cache.blobdescriptor, "inmemory");
    assert.equal(c.storage.filesystem?.rootdirectory, "/var/lib/registry");
    assert.equal(c.http.addr, ":5000");
    assert.deepEqual(c.http.headers, { "X-Content-Type-Options": ["nosniff"] });
    assert.deepEqual(c.auth?.htpasswd, { realm: "Registry Realm", path: paths2.htpasswd });
    assert.deepEqual(c.http.tls, { certificate: paths2.certificate, key: paths2.privateKey, minimumtls: "tls1.2" });
    assert.equal(c.http.secret, "s3cret-value");
    assert.deepEqual(c.health.storagedriver, { enabled: true, interval: "10s", threshold: 3 });
    assert.deepEqual(c.http.debug, { addr: "127.0.0.1:5001", prometheus: { enabled: true, path: "/metrics" } });
    assert.equal(c.log.accesslog.disabled, false);
    assert.deepEqual(c.http.http2, { disabled: true });
    assert.deepEqual(c.storage.maintenance.uploadpurging, { enabled: true, age: "24h", interval: "1h", dryrun: false });
});

test("non-default settings: ports, realm, log level, access log", () => {
    const c = buildRegistryConfig({ ...base, port: 443, debugPort: 9090, debugOnNetwork: true, authRealm: "Team", logLevel: "warn", accessLog: false });
    assert.equal(c.http.addr, ":443");
    assert.equal(c.http.debug.addr, ":9090", "debugOnNetwork listens on every container interface");
    assert.equal(c.auth?.htpasswd.realm, "Team");
    assert.equal(c.log.level, "warn");
    assert.equal(c.log.accesslog.disabled, true);
});

test("a CORS origin adds the web UI headers, with credentials only for a named origin", () => {
    const c = buildRegistryConfig({ ...base, corsOrigins: ["https://ui.example.com"] });
    assert.deepEqual(c.http.headers, {
        "X-Content-Type-Options": ["nosniff"],
        "Access-Control-Allow-Origin": ["https://ui.example.com"],
        "Access-Control-Allow-Methods": ["HEAD", "GET", "OPTIONS", "DELETE"],
        "Access-Control-Allow-Headers": ["Authorization", "Accept", "Cache-Control"],
        "Access-Control-Max-Age": ["1728000"],
        "Access-Control-Expose-Headers": ["Docker-Content-Digest"],
        "Access-Control-Allow-Credentials": ["true"],
    });
    const any = buildRegistryConfig({ ...base, corsOrigins: ["*"] });
    assert.equal(any.http.headers["Access-Control-Allow-Credentials"], undefined);
});

test("YAML rendering round-trips and is byte-identical for the same input", () => {
    const text = renderRegistryConfig(buildRegistryConfig(base));
    assert.deepEqual(parse(text), buildRegistryConfig(base));
    assert.equal(renderRegistryConfig(buildRegistryConfig({ ...base })), text);
    // A secret with YAML-special characters must stay one string.
    const tricky = renderRegistryConfig(buildRegistryConfig({ ...base, httpSecret: "a: b # c\n'\"" }));
    assert.equal(parse(tricky).http.secret, "a: b # c\n'\"");
});
