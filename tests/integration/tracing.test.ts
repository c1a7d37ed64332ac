/**
 * Distribution 3.x traces requests with OpenTelemetry, configured by OTEL_* variables. The
 * component turns it off unless `tracingEndpoint` is set (3.x would otherwise export to
 * localhost:4318 and log an error per batch), and with it sends OTLP/HTTP to that collector.
 * The real 3.1.2 runs in the host's network namespace with its ports on 127.0.0.1 (as the
 * shared-storage instances do), and a small OTLP receiver on loopback records what arrives.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, IncomingMessage, Server } from "node:http";
import { createServer as createTcpServer, Server as TcpServer } from "node:net";
import { ContainerInputs, removeContainerAndVolume, runContainer } from "../kit/registry/container";
import { requireDockerAndImage } from "../kit/docker";
import { renderRegistry } from "../kit/render/render";
import { RegistryApi } from "../kit/registry/api";
import { removeDockerLeftovers } from "../kit/registry/leftovers";
import { onLoopbackPorts } from "../kit/registry/sharedInstances";
import { testImages, testRegistryArgs } from "../kit/registry/testRegistry";
import { freePort } from "../kit/host/net";
import { uniqueName } from "../kit/host/owner";

/** What an OTLP/HTTP receiver got: one entry per export request. */
interface Export {
    path: string;
    contentType: string;
    body: Buffer;
}

/** An OTLP/HTTP receiver on `host:port` that answers 200 to every export and records it. */
async function otlpReceiver(host: string, port: number, exports: Export[]): Promise<Server> {
    const server = createServer((req: IncomingMessage, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            exports.push({ path: req.url ?? "", contentType: String(req.headers["content-type"]), body: Buffer.concat(chunks) });
            res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
        });
    });
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, host, resolve));
    return server;
}

/** A TCP listener that counts connections: OpenTelemetry's default exporter speaks TLS to localhost:4318, so any connection is an attempt. */
async function connectionCounter(host: string, port: number, counted: string[]): Promise<TcpServer> {
    const server = createTcpServer((socket) => {
        counted.push(host);
        socket.destroy();
    });
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, host, resolve));
    return server;
}

const close = (s: Server | TcpServer | undefined) => new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("tracing on Distribution 3.1.2: off by default, to tracingEndpoint when set", () => {
    const unique = uniqueName("otel");
    const started: string[] = [];

    /** Renders a 3.x registry and runs its exact inputs in the host network on 127.0.0.1 ports; `edit` changes the inputs (the control case). */
    async function startRegistry(name: string, tracingEndpoint: string | undefined, edit = (c: ContainerInputs) => c) {
        const port = await freePort();
        const debugPort = await freePort();
        const rendered = await renderRegistry(
            testRegistryArgs(`${unique}-${name}`, port, { hostnames: ["127.0.0.1"], image: testImages[3], ...(tracingEndpoint ? { tracingEndpoint } : {}) }),
            { tls: "openssl" },
        );
        const declared = rendered.mocks.inputsOf("registry-container") as ContainerInputs;
        // No data volume: nothing is stored, and a named one would be created and left behind.
        const inputs = edit({ ...onLoopbackPorts(declared, declared.name!, port, debugPort), volumes: [] });
        await removeContainerAndVolume(inputs.name!, undefined);
        started.push(inputs.name!);
        await runContainer(inputs, { network: "host" });
        const { passwords, caCertificatePem } = rendered.outputs;
        const api = new RegistryApi(port, caCertificatePem!, { user: "admin", password: passwords.admin });
        for (let i = 0; i < 5; i++) assert.equal((await api.request("GET", "/v2/")).status, 200);
        return { declared, inputs };
    }

    before(async () => {
        await requireDockerAndImage(testImages[3]);
        await removeDockerLeftovers();
    });

    after(async () => {
        for (const name of started) await removeContainerAndVolume(name, undefined);
    });

    test("with tracingEndpoint, request spans of service distribution arrive at the collector as OTLP/HTTP protobuf", async () => {
        const exports: Export[] = [];
        const collectorPort = await freePort();
        const collector = await otlpReceiver("127.0.0.1", collectorPort, exports);
        try {
            const { inputs } = await startRegistry("on", `http://127.0.0.1:${collectorPort}`);
            const deadline = Date.now() + 30_000;
            while (Date.now() < deadline && !exports.some((e) => e.path === "/v1/traces")) await sleep(500);
            const traces = exports.filter((e) => e.path === "/v1/traces");
            assert.ok(traces.length > 0, `no export reached the collector; got ${JSON.stringify(exports.map((e) => e.path))}`);
            assert.equal(traces[0].contentType, "application/x-protobuf");
            const body = Buffer.concat(traces.map((t) => t.body)).toString("latin1");
            assert.ok(body.includes("distribution"), "the spans carry the registry's service name");
            await removeContainerAndVolume(inputs.name!, undefined);
        } finally {
            await close(collector);
        }
    });

    test("without it nothing is exported, not even to OpenTelemetry's default localhost:4318", async () => {
        // The default endpoint: a listener there sees what a 3.x registry tries when nobody turns tracing off.
        const attempts: string[] = [];
        const receivers = [await connectionCounter("127.0.0.1", 4318, attempts), await connectionCounter("::1", 4318, attempts)];
        try {
            const off = await startRegistry("off", undefined);
            assert.deepEqual(off.declared.envs, ["OTEL_TRACES_EXPORTER=none"]);
            await sleep(8_000); // the batch span processor exports every 5 s
            assert.deepEqual(attempts, [], "tracing is off");
            await removeContainerAndVolume(off.inputs.name!, undefined);

            // Control: the same inputs without the component's variable do export there, so the
            // silence above is the variable's doing.
            const control = await startRegistry("control", undefined, (c) => ({ ...c, envs: (c.envs ?? []).filter((e) => !e.startsWith("OTEL_")) }));
            const deadline = Date.now() + 30_000;
            while (Date.now() < deadline && attempts.length === 0) await sleep(500);
            assert.ok(attempts.length > 0, "without OTEL_TRACES_EXPORTER=none, 3.1.2 exports to localhost:4318");
            await removeContainerAndVolume(control.inputs.name!, undefined);
        } finally {
            await Promise.all(receivers.map(close));
        }
    });
});
