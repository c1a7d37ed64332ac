/**
 * Renewal of the generated server certificate, end to end where it can be here: a registry
 * serves certificate A (real openssl certificates, real Docker engine); the next run, told what
 * the stack served, changes nothing just outside A's early-renewal window, and just inside it
 * replaces the certificate (the engine's part, emulated: only the certificate gets new outputs)
 * and so the container, whose successor serves the new certificate from the same CA.
 */
import { after, before, describe, mock, test } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { connect } from "node:tls";
import * as pulumi from "@pulumi/pulumi";
import { renderRegistry, RenderedRegistry } from "../kit/render/render";
import { valueOf } from "../kit/render/mocks";
import { dockerCli, requireDockerAndImage } from "../kit/docker";
import { ContainerInputs, removeContainerAndVolume, runContainer } from "../kit/registry/container";
import { removeDockerLeftovers } from "../kit/registry/leftovers";
import { testImage, testRegistryArgs } from "../kit/registry/testRegistry";
import { freePort } from "../kit/host/net";
import { uniqueName } from "../kit/host/owner";
import type { PrivateRegistryArgs } from "../../components";

const earlyRenewalHours = 720;
const minute = 60_000;

/** The certificate the registry on `port` presents, verified against `ca` (as a client that installed the CA would). */
function servedCertificate(port: number, ca: string): Promise<X509Certificate> {
    return new Promise((resolve, reject) => {
        const socket = connect({ host: "127.0.0.1", port, ca, rejectUnauthorized: true }, () => {
            const peer = socket.getPeerX509Certificate();
            socket.end();
            if (peer) resolve(peer);
            else reject(new Error("no peer certificate"));
        });
        socket.on("error", reject);
    });
}

describe("renewal of the generated server certificate (real certificates, real Docker engine)", () => {
    const unique = uniqueName("renew");
    let port: number;
    let args: PrivateRegistryArgs;
    let first: RenderedRegistry;
    let windowStart: number;
    let container: ContainerInputs;
    let volume: string;

    /** The next run at `now`, after a deployment that served `first`; `renewed` names the resources the engine replaced (new outputs). */
    const nextRun = async (now: number, renewed: string[]) => {
        const state = new Map([...first.mocks.outputsByName].filter(([name]) => !renewed.includes(name)));
        // What program/deployedCertificate.ts reads from the stack's outputs.
        const deployed = { certificatePem: first.outputs.serverCertificatePem, renewal: await valueOf(first.registry.serverCertificateRenewal) };
        mock.timers.enable({ apis: ["Date"], now });
        try {
            return await renderRegistry({ ...args, deployedServerCertificate: deployed }, { tls: "openssl", state });
        } finally {
            mock.timers.reset();
        }
    };
    const triggerOf = (r: RenderedRegistry) => valueOf(pulumi.output(r.options.find((o) => o.name === "registry-server-cert")!.replacementTrigger));

    before(async () => {
        await requireDockerAndImage(testImage);
        await removeDockerLeftovers();
        port = await freePort();
        args = testRegistryArgs(unique, port, { hostnames: ["127.0.0.1"], tlsEarlyRenewalHours: earlyRenewalHours });
        first = await renderRegistry(args, { tls: "openssl" });
        container = first.mocks.inputsOf("registry-container") as ContainerInputs;
        volume = first.outputs.dataVolumeName!;
        await removeContainerAndVolume(container.name!, volume);
        await dockerCli("volume", "create", volume);
        await runContainer(container);
        windowStart = new Date(new X509Certificate(first.outputs.serverCertificatePem!).validTo).getTime() - earlyRenewalHours * 3_600_000;
    });

    after(async () => {
        if (container) await removeContainerAndVolume(container.name!, volume);
    });

    test("the registry serves the first certificate", async () => {
        const served = await servedCertificate(port, first.outputs.caCertificatePem!);
        assert.ok(served.raw.equals(new X509Certificate(first.outputs.serverCertificatePem!).raw));
    });

    test("a minute before the window: the same trigger, so the certificate and the container stay as they are", async () => {
        const next = await nextRun(windowStart - minute, []);
        assert.equal(await triggerOf(next), await valueOf(first.registry.serverCertificateRenewal));
        assert.deepEqual(next.mocks.inputsOf("registry-container"), first.mocks.inputsOf("registry-container"));
    });

    test("a minute into the window: a new trigger, a new certificate from the same CA, a new container that clients trust unchanged", async () => {
        const before = await triggerOf(first);
        // Without the engine's replacement nothing would change: the trigger is what asks for it.
        const decided = await nextRun(windowStart + minute, []);
        assert.notEqual(await triggerOf(decided), before);
        // The engine replaces the certificate (new outputs); the container's upload changes with it, which forces a new container.
        const renewed = await nextRun(windowStart + minute, ["registry-server-cert"]);
        assert.equal(await triggerOf(renewed), await triggerOf(decided));
        assert.notEqual(renewed.outputs.serverCertificatePem, first.outputs.serverCertificatePem);
        assert.equal(renewed.outputs.caCertificatePem, first.outputs.caCertificatePem, "same CA: clients change nothing");
        const successor = renewed.mocks.inputsOf("registry-container") as ContainerInputs;
        assert.notDeepEqual(successor.uploads, container.uploads);
        await removeContainerAndVolume(container.name!, undefined);
        await runContainer(successor);
        const served = await servedCertificate(port, first.outputs.caCertificatePem!);
        assert.ok(served.raw.equals(new X509Certificate(renewed.outputs.serverCertificatePem!).raw), "the new certificate is served");
    });
});
