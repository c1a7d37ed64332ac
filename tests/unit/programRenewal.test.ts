/**
 * The stack program reads what its own last deployment exported (a stack reference to itself)
 * and hands it to the component, which renews a served certificate that is due.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { RegistryMocks, valueOf } from "../kit/render/mocks";
import { setEngineFeatures } from "../kit/render/engineFeatures";
import { stackConfigOf } from "../kit/stack/stackConfig";
import { projectName } from "../kit/stack/stackFiles";
import { runProcess } from "../kit/host/process";

let servedPem: string;
const mocks = new RegistryMocks({ tls: "fake" });
let program: Record<string, pulumi.Output<unknown>>;

before(async () => {
    // A certificate served until tomorrow: inside the default 30-day early-renewal window.
    const issued = await runProcess("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
        "-subj", "/CN=localhost", "-keyout", "/dev/null"]);
    assert.equal(issued.code, 0, issued.stderr);
    servedPem = issued.stdout;
    mocks.reset({ tls: "fake", stackOutputs: { serverCertificatePem: servedPem, serverCertificateRenewal: "first", passwords: "elsewhere" } });
    pulumi.runtime.setAllConfig((await stackConfigOf("dev")).config);
    await pulumi.runtime.setMocks(mocks, projectName, "dev", false, "organization");
    setEngineFeatures();
    program = await import("../../index");
});

test("a due certificate in the stack's last outputs: the program's renewal trigger changes, and is exported for the next run", async () => {
    const renewal = await valueOf(program.serverCertificateRenewal);
    assert.deepEqual(mocks.inputsOf("this-stack"), { name: "dev" });
    assert.match(String(renewal), /^renewed-[0-9a-f]{16}$/);
    assert.equal(await valueOf(program.serverCertificatePem), "FAKE SERVER CERT registry-server-cert", "the new certificate is exported");
});
