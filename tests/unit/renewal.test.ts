/**
 * The program's own renewal decision for the generated server certificate, from the validity
 * of the certificate the last deployment served (components/tls/renewal.ts), on real
 * certificates just inside and just outside the early-renewal window.
 */
import { afterEach, mock, test } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { renderRegistry } from "../kit/render/render";
import { valueOf } from "../kit/render/mocks";
import { renewalDue, serverCertificateRenewal } from "../../components/tls/renewal";
import type { PrivateRegistryArgs } from "../../components";
import * as pulumi from "@pulumi/pulumi";

const earlyRenewalHours = 720;
const minute = 60_000;
const args: PrivateRegistryArgs = { hostnames: ["registry.example.com"], tlsEarlyRenewalHours: earlyRenewalHours };

/** A real certificate as the component issues it (openssl), and where its early-renewal window starts. */
async function issued(): Promise<{ pem: string; windowStart: number }> {
    const r = await renderRegistry(args, { tls: "openssl" });
    const pem = r.outputs.serverCertificatePem!;
    return { pem, windowStart: new Date(new X509Certificate(pem).validTo).getTime() - earlyRenewalHours * 3_600_000 };
}

/** Renders the registry at `now`, after a deployment that served `deployed`; the server certificate's recorded trigger and the renewal output. */
async function renderAt(now: number, deployed: { certificatePem?: string; renewal?: string } | undefined) {
    mock.timers.enable({ apis: ["Date"], now });
    try {
        const r = await renderRegistry({ ...args, deployedServerCertificate: deployed });
        const options = r.options.find((o) => o.name === "registry-server-cert")!;
        const trigger = await valueOf(pulumi.output(options.replacementTrigger));
        return { trigger, output: await valueOf(r.registry.serverCertificateRenewal) };
    } finally {
        mock.timers.reset();
    }
}

afterEach(() => mock.timers.reset());

test("due from the certificate's expiry minus tlsEarlyRenewalHours, to the minute", async () => {
    const { pem, windowStart } = await issued();
    assert.equal(renewalDue(pem, earlyRenewalHours, new Date(windowStart - minute)), false);
    assert.equal(renewalDue(pem, earlyRenewalHours, new Date(windowStart)), true);
    assert.equal(renewalDue(pem, earlyRenewalHours, new Date(windowStart + minute)), true);
    assert.equal(renewalDue(pem, 0, new Date(windowStart + minute)), false, "no early renewal: due at expiry only");
});

test("the trigger: a baseline first, the same outside the window, a new value inside it, stable after the renewal", async () => {
    const { pem, windowStart } = await issued();
    assert.equal(serverCertificateRenewal(undefined, earlyRenewalHours, new Date()), "first", "a new stack records a baseline");
    assert.equal(serverCertificateRenewal({ certificatePem: pem, renewal: "first" }, earlyRenewalHours, new Date(windowStart - minute)), "first");
    const renewed = serverCertificateRenewal({ certificatePem: pem, renewal: "first" }, earlyRenewalHours, new Date(windowStart + minute));
    assert.match(renewed, /^renewed-[0-9a-f]{16}$/);
    // The next deployment serves the new certificate, issued then (here: now) and not due: the trigger keeps the value that renewed.
    const next = await issued();
    assert.equal(serverCertificateRenewal({ certificatePem: next.pem, renewal: renewed }, earlyRenewalHours, new Date(next.windowStart - minute)), renewed);
    // And when that one is due in turn, a value of its own.
    const again = serverCertificateRenewal({ certificatePem: next.pem, renewal: renewed }, earlyRenewalHours, new Date(next.windowStart + minute));
    assert.notEqual(again, renewed);
    // A stack from before the renewal trigger existed records the baseline first, even when due (the engine never replaces on a first trigger).
    assert.equal(serverCertificateRenewal({ certificatePem: pem }, earlyRenewalHours, new Date(windowStart + minute)), "first");
});

test("the component hands the decision to the engine as the server certificate's replacement trigger, and exports it", async () => {
    const { pem, windowStart } = await issued();
    const outside = await renderAt(windowStart - minute, { certificatePem: pem, renewal: "first" });
    assert.deepEqual(outside, { trigger: "first", output: "first" }, "outside the window nothing changes");
    const inside = await renderAt(windowStart + minute, { certificatePem: pem, renewal: "first" });
    assert.match(String(inside.trigger), /^renewed-/, "inside the window the trigger changes: the engine replaces the certificate");
    assert.equal(inside.output, inside.trigger);
    assert.deepEqual(await renderAt(Date.now(), undefined), { trigger: "first", output: "first" });
});

test("a provided or ACME certificate carries no trigger and exports none", async () => {
    const provided = await renderRegistry({ hostnames: ["registry.example.com"], tlsCertificate: "CERT", tlsPrivateKey: pulumi.secret("KEY") });
    assert.equal(await valueOf(provided.registry.serverCertificateRenewal), undefined);
    assert.equal(provided.options.some((o) => o.replacementTrigger !== undefined), false);
});
