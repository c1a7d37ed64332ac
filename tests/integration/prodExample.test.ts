/**
 * The prod example stack's own certificate, served by the real registry: its config is read by
 * the program's code (secrets decrypted by the real Pulumi CLI), rendered by the component, and run on
 * Distribution 2.8.2; curl, trusting only the company root CA (tlsCaCertificate), connects by the
 * stack's host name. Only the port, bind address, Docker host, names, image and client hosts are the test's.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { registryArgsFromConfig } from "../../program";
import { curl } from "../kit/registry/curl";
import { freePort } from "../kit/host/net";
import { stackConfigOf, useStackConfig } from "../kit/stack/stackConfig";
import { projectName } from "../kit/stack/stackFiles";
import { startTestRegistry, TestRegistry } from "../kit/registry/testRegistry";
import { uniqueName } from "../kit/host/owner";
import { freshTempDir } from "../kit/host/tempDirs";

const exec = promisify(execFile);
const unique = uniqueName("prod");
let deployed: TestRegistry | undefined;
let work: string;
let port: number;
let hostname: string;

before(async () => {
    useStackConfig(await stackConfigOf("prod"));
    const { port: _port, bindAddress: _bind, dockerHost: _host, clients: _clients, containerName: _c, dataVolumeName: _v, image: _i, ...prod } =
        registryArgsFromConfig(new pulumi.Config(projectName));
    hostname = prod.hostnames[0] as string;
    port = await freePort();
    deployed = await startTestRegistry(unique, port, prod);
    work = await freshTempDir("prod-example-");
    await writeFile(join(work, "root.pem"), deployed.rendered.outputs.caCertificatePem!);
});

after(async () => {
    await deployed?.remove();
    if (work) await rm(work, { recursive: true, force: true });
});

test("a client trusting only the company root reaches registry.example.com; the chain includes the issuing CA", async () => {
    const base = ["--cacert", join(work, "root.pem"), "--resolve", `${hostname}:${port}:127.0.0.1`];
    const anonymous = await curl([...base, `https://${hostname}:${port}/v2/`]);
    assert.equal(anonymous.exitCode, 0, anonymous.stderr);
    assert.equal(anonymous.status, 401);
    const password = deployed!.rendered.outputs.passwords.admin;
    const admin = await curl([...base, "-u", `admin:${password}`, `https://${hostname}:${port}/v2/`]);
    assert.equal(admin.status, 200);
    // Without the CA, the same request fails verification (the root is not a public one).
    const untrusted = await curl(["--resolve", `${hostname}:${port}:127.0.0.1`, `https://${hostname}:${port}/v2/`]);
    assert.equal(untrusted.exitCode, 60);
    const { stdout } = await exec("sh", ["-c", `openssl s_client -connect 127.0.0.1:${port} -servername ${hostname} -showcerts </dev/null 2>/dev/null`]);
    assert.equal(stdout.match(/-----BEGIN CERTIFICATE-----/g)?.length, 2, "leaf and issuing CA are served");
    assert.match(stdout, /Example Corp Issuing CA 1/);
});
