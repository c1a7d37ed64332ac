import { test } from "node:test";
import assert from "node:assert/strict";
import { defaults, findProblems, PrivateRegistryArgs, resolveSettings } from "../../components";

const problemsOf = (args: Partial<PrivateRegistryArgs>) =>
    findProblems(resolveSettings("registry", { hostnames: ["registry.example.com"], ...args }));

/** Asserts exactly one problem, naming the key, quoting the value and saying what is allowed. */
function assertOneProblem(args: Partial<PrivateRegistryArgs>, key: string, value: string, allowed: RegExp) {
    const problems = problemsOf(args);
    assert.equal(problems.length, 1, `expected one problem, got: ${JSON.stringify(problems)}`);
    const [message] = problems;
    assert.ok(message.startsWith(`${key}:`), `message should name ${key}: ${message}`);
    assert.ok(message.includes(value), `message should quote ${value}: ${message}`);
    assert.match(message, allowed);
}

test("the defaults are valid and match the documented values", () => {
    assert.deepEqual(problemsOf({}), []);
    const s = resolveSettings("registry", { hostnames: ["a.example"] });
    assert.equal(s.endpoint.port, 5000);
    assert.equal(s.registryConfig.debugPort, 5001);
    assert.deepEqual(s.credentials.users, ["admin"]);
    assert.equal(s.credentials.bcryptCost, 4);
    assert.equal(s.credentials.passwordLength, 32);
    assert.equal(s.deployment.image, "registry:2");
    assert.equal(s.deployment.containerName, "registry");
    assert.equal(s.deployment.dataVolumeName, "registry-data");
    assert.equal(s.deployment.retainDataOnDestroy, true);
    assert.equal(defaults.tlsEarlyRenewalHours < defaults.tlsValidityHours, true);
});

test("hostnames: empty list, invalid names and duplicates are refused", () => {
    const empty = problemsOf({ hostnames: [] });
    assert.equal(empty.length, 1);
    assert.match(empty[0], /^hostnames: is empty; list at least one DNS name or IP address/);
    for (const bad of ["", "exa mple.com", "-lead.example", "trail-.example", "under_score.example", "*.example.com", "10.0.0.300",
        "a".repeat(64) + ".example", "registry.example.com.", "0.0.0.0", "::", "fe80::1%eth0"]) {
        assertOneProblem({ hostnames: [bad] }, "hostnames[0]", JSON.stringify(bad), /DNS name .* or an IP address/);
    }
    assertOneProblem({ hostnames: ["reg.example", "REG.example"] }, "hostnames[1]", '"REG.example"', /listed once/);
});

test("hostnames: DNS names, IPv4 and IPv6 literals are accepted", () => {
    assert.deepEqual(problemsOf({ hostnames: ["localhost", "registry.internal.example.com", "10.0.0.5", "::1", "fd00::5"] }), []);
});

test("port and debugPort: out of range, not whole, or equal", () => {
    for (const port of [0, 65536, -1, 5000.5]) {
        assertOneProblem({ port }, "port", String(port), /whole number from 1 to 65535/);
    }
    assertOneProblem({ debugPort: 70000 }, "debugPort", "70000", /whole number from 1 to 65535/);
    assertOneProblem({ port: 5443, debugPort: 5443 }, "debugPort", "5443", /must differ from port \(5443\)/);
});

test("bindAddress must be an IP address", () => {
    assertOneProblem({ bindAddress: "localhost" }, "bindAddress", '"localhost"', /IP address/);
    assert.deepEqual(problemsOf({ bindAddress: "::" }), []);
});

test("users: empty, htpasswd-unsafe and duplicate names are refused", () => {
    assert.match(problemsOf({ users: [] })[0], /^users: is empty/);
    for (const bad of ["a:b", "bob smith", "", "-x", "tab\tname", "é"]) {
        assertOneProblem({ users: ["admin", bad] }, "users[1]", JSON.stringify(bad), /letters, digits and \. _ @ -/);
    }
    assertOneProblem({ users: ["ci", "admin", "ci"] }, "users[2]", '"ci"', /listed once/);
    assert.deepEqual(problemsOf({ users: ["admin", "ci-bot", "jane.doe@example.com", "svc_1"] }), []);
});

test("passwords: length 16 to 72, at least one character class", () => {
    assertOneProblem({ passwordLength: 15 }, "passwordLength", "15", /16 to 72/);
    assertOneProblem({ passwordLength: 73 }, "passwordLength", "73", /bcrypt ignores bytes past 72/);
    assert.deepEqual(problemsOf({ passwordLength: 16 }), []);
    const none = problemsOf({ passwordUpper: false, passwordLower: false, passwordNumeric: false, passwordSpecial: false });
    assert.equal(none.length, 1);
    assert.match(none[0], /enable at least one character class/);
});

test("bcryptCost: 4 to 17", () => {
    assertOneProblem({ bcryptCost: 3 }, "bcryptCost", "3", /4 to 17/);
    assertOneProblem({ bcryptCost: 18 }, "bcryptCost", "18", /4 to 17/);
});

test("a provided certificate needs its key, and the reverse", () => {
    const noKey = problemsOf({ tlsCertificate: "PEM" });
    assert.equal(noKey.length, 1);
    assert.match(noKey[0], /^tlsCertificate: is set but tlsPrivateKey is not/);
    const noCert = problemsOf({ tlsPrivateKey: "PEM" });
    assert.equal(noCert.length, 1);
    assert.match(noCert[0], /^tlsPrivateKey: is set but tlsCertificate is not/);
    assert.deepEqual(problemsOf({ tlsCertificate: "PEM", tlsPrivateKey: "KEY" }), []);
    const caOnly = problemsOf({ tlsCaCertificate: "PEM" });
    assert.equal(caOnly.length, 1);
    assert.match(caOnly[0], /^tlsCaCertificate: is set but tlsCertificate is not/);
    assert.deepEqual(problemsOf({ tlsCertificate: "", tlsPrivateKey: "", tlsCaCertificate: "" }), [], '"" means not given');
});

test("certificate lifetimes: renewal inside validity, CA outlives the certificate", () => {
    const zero = problemsOf({ tlsValidityHours: 0 });
    assert.match(zero[0], /^tlsValidityHours: 0 is not allowed; expected a whole number from 1/);
    assert.match(zero[1], /^tlsEarlyRenewalHours: 720 is not allowed; .*less than tlsValidityHours \(0\)/);
    assertOneProblem({ tlsEarlyRenewalHours: 8760 }, "tlsEarlyRenewalHours", "8760", /less than tlsValidityHours \(8760\)/);
    assertOneProblem({ caValidityHours: 100 }, "caValidityHours", "100", /cannot outlive its CA/);
    assertOneProblem({ tlsKeyAlgorithm: "DSA" as never }, "tlsKeyAlgorithm", '"DSA"', /ECDSA, RSA/);
});

test("image, names, dockerHost, CORS origins and logging are checked", () => {
    for (const bad of ["registry 2", "Registry:2", "", "registry:", "registry@sha256:abc"]) {
        assertOneProblem({ image: bad }, "image", JSON.stringify(bad), /image reference/);
    }
    // Well-formed references; "registry" and a digest alone name no version, so registryVersion says it.
    for (const good of ["registry:2", "registry", "ghcr.io/org/registry:2.8.3", "localhost:5000/mirror/registry:2", `registry@sha256:${"a".repeat(64)}`]) {
        assert.deepEqual(problemsOf({ image: good, registryVersion: good.includes(":2") ? 2 : 3 }), [], good);
    }
    assertOneProblem({ containerName: "my registry" }, "containerName", '"my registry"', /letters, digits/);
    assertOneProblem({ containerName: "r" }, "containerName", '"r"', /at least 2 characters/);
    assertOneProblem({ dataVolumeName: "v" }, "dataVolumeName", '"v"', /at least 2 characters/);
    assertOneProblem({ dockerHost: "ssh://" }, "dockerHost", '"ssh://"', /ssh:\/\//);
    assertOneProblem({ dataVolumeName: "/data" }, "dataVolumeName", '"/data"', /letters, digits/);
    assertOneProblem({ dockerHost: "host:2375" }, "dockerHost", '"host:2375"', /ssh:\/\//);
    assert.deepEqual(problemsOf({ dockerHost: "ssh://deploy@reg.example" }), []);
    assertOneProblem({ corsOrigins: ["https://ui.example/path"] }, "corsOrigins[0]", '"https://ui.example/path"', /no path/);
    assertOneProblem({ corsOrigins: ["https://a.example", "https://b.example"] }, "corsOrigins", "https://b.example", /at most one origin/);
    assertOneProblem({ logLevel: "trace" as never }, "logLevel", '"trace"', /error, warn, info, debug/);
    assertOneProblem({ logMaxSize: "10MB" }, "logMaxSize", '"10MB"', /10m/);
    assertOneProblem({ logMaxFiles: 0 }, "logMaxFiles", "0", /1 to 100/);
});

test("every problem is reported at once", () => {
    const problems = problemsOf({ hostnames: ["bad name"], port: 0, users: ["x:y"], passwordLength: 8 });
    assert.equal(problems.length, 4);
});
