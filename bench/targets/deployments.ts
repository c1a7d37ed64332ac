/**
 * Everything measured, started side by side: the product's container at its defaults, the
 * variants (each a documented edit of the rendered inputs), the bare process, nginx and
 * docker-proxy. All listen on 127.0.0.1 only.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { containerPaths } from "../../components/instances/containerLayout";
import type { RegistryMajor } from "../../components/version/args";
import { freePort } from "../../tests/kit/host/net";
import { startBareRegistry } from "./bareRegistry";
import { dropAuth, dropTls, EditableConfig, enableHttp2, listenOn, uploadContent } from "./configEdits";
import { comparisonCosts, costId, costLabel, defaultCost, htpasswdCosts } from "./costs";
import { BenchRender, deployContainer, Endpoint, renderBench, runId } from "./deploy";
import { createNamespace } from "./netns";
import { startDockerProxy } from "./dockerProxy";
import { majorLabel } from "./majors";
import { startNginx } from "./nginx";
import type { Suite } from "../options";

export interface Deployments {
    /** The product's container exactly as rendered: default bcrypt cost, HTTP/2 off, published port. */
    deployed: Endpoint;
    /**
     * The product's container on Distribution 3.1 (its test image), otherwise as `deployed`: the
     * same rendering, unedited. Measured beside `deployed` (2.8) in pushpull, throughput and parallel.
     */
    deployed3?: Endpoint;
    /** Every bcrypt cost measured, by cost: the default (= deployed) and the comparison costs. */
    byCost?: Map<number, Endpoint>;
    noAuth?: Endpoint;
    hostNetwork?: Endpoint;
    /** Comparison only: `http.http2.disabled: false`, otherwise as deployed. */
    http2On?: Endpoint;
    userland?: Endpoint;
    /** The bare process with the rendered config (HTTP/2 off, as deployed). */
    bare?: Endpoint;
    /** The bare process in the bench's own network namespace, reached over a veth pair. */
    bareVeth?: Endpoint;
    nginxFront?: Endpoint;
    nginxLimits?: Endpoint;
}

const endpoint = (r: BenchRender, label: string, container: string, credentials = true): Endpoint => ({
    label,
    port: r.port,
    scheme: "https",
    caFile: r.caFile,
    credentials: credentials ? r.credentials : undefined,
    container,
});

/**
 * Checks that the rendered container is what the labels say: htpasswd at `cost` and (unless
 * `http2` is undefined) `http.http2.disabled` as given.
 */
function checkRendered(r: BenchRender, cost: number, http2Disabled?: boolean): void {
    const costs = htpasswdCosts(uploadContent(r.container, containerPaths(r.major).htpasswd));
    if (costs.length === 0 || costs.some((c) => c !== cost)) throw new Error(`${r.variant}: htpasswd costs ${costs.join(",")}, expected ${cost}`);
    if (http2Disabled === undefined) return;
    const config = parse(uploadContent(r.container, containerPaths(r.major).config)) as EditableConfig;
    if ((config.http.http2?.disabled ?? false) !== http2Disabled) {
        throw new Error(`${r.variant}: rendered http.http2.disabled is ${config.http.http2?.disabled}; the bench assumes ${http2Disabled} (update bench/)`);
    }
}

export async function deployAll(workDir: string, suites: readonly Suite[], majors: readonly RegistryMajor[], staticDir: string): Promise<Deployments> {
    const has = (s: Suite) => suites.includes(s);
    const need3 = majors.includes(3) && (has("pushpull") || has("throughput") || has("parallel"));
    const needAuthVariants = has("auth") || has("pushpull");
    const needThroughput = has("throughput");
    const needFront = has("throughput") || has("parallel");

    // Renders one at a time (they share the mock monitor), then all containers start at once.
    // The deployed container gets no bcryptCost: it runs with the component's default.
    const deployed = await renderBench(workDir, "deployed", await freePort());
    checkRendered(deployed, defaultCost, true);
    const deployed3 = need3 ? await renderBench(workDir, "deployed3", await freePort(), {}, 3) : undefined;
    if (deployed3) checkRendered(deployed3, defaultCost, true);
    const costs: BenchRender[] = [];
    if (needAuthVariants) {
        for (const cost of comparisonCosts) {
            const r = await renderBench(workDir, costId(cost), await freePort(), { bcryptCost: cost });
            checkRendered(r, cost);
            costs.push(r);
        }
    }
    const noAuth = needAuthVariants ? await renderBench(workDir, "noauth", await freePort()) : undefined;
    const host = needThroughput ? await renderBench(workDir, "hostnet", await freePort(), { debugPort: await freePort() }) : undefined;
    const h2on = needThroughput ? await renderBench(workDir, "h2on", await freePort()) : undefined;
    const plain = needFront ? await renderBench(workDir, "plain", await freePort()) : undefined;
    const bare = needFront ? await renderBench(workDir, "bare", await freePort()) : undefined;
    const bareVeth = needFront ? await renderBench(workDir, "bareveth", await freePort()) : undefined;
    // The bare processes run the rendered config as is: HTTP/2 off, like the deployed container.
    for (const r of [bare, bareVeth]) if (r) checkRendered(r, defaultCost, true);

    const [deployedName, deployed3Name, noAuthName, hostName, h2onName, , ...costNames] = await Promise.all([
        deployContainer(deployed, "published"),
        deployed3 && deployContainer(deployed3, "published"),
        noAuth && deployContainer(noAuth, "published", dropAuth),
        // Host networking would listen on every host interface; keep it on loopback like the others.
        host && deployContainer(host, "host", listenOn(`127.0.0.1:${host.port}`)),
        h2on && deployContainer(h2on, "published", enableHttp2),
        plain && deployContainer(plain, "published", dropTls),
        ...costs.map((r) => deployContainer(r, "published")),
    ]);
    const d: Deployments = { deployed: endpoint(deployed, `container as deployed (bcrypt ${costLabel(defaultCost)}, HTTP/2 off)`, deployedName) };
    if (deployed3 && deployed3Name) d.deployed3 = endpoint(deployed3, `container as deployed on ${majorLabel(3)} (bcrypt ${costLabel(defaultCost)}, HTTP/2 off)`, deployed3Name);
    if (needAuthVariants) {
        d.byCost = new Map([[defaultCost, d.deployed]]);
        costs.forEach((r, i) => d.byCost!.set(comparisonCosts[i], endpoint(r, `container, bcrypt ${costLabel(comparisonCosts[i])}`, costNames[i] as string)));
    }
    if (noAuth && noAuthName) d.noAuth = endpoint(noAuth, "container without auth (baseline)", noAuthName, false);
    if (host && hostName) d.hostNetwork = endpoint(host, "container, --network host", hostName);
    if (h2on && h2onName) d.http2On = endpoint(h2on, "container, http.http2.disabled: false", h2onName);
    if (bare) d.bare = await startBareRegistry(bare, workDir, "bare process (same binary and config, TLS, HTTP/2 off)");
    if (bareVeth) d.bareVeth = await startBareRegistry(bareVeth, workDir, "bare process in a netns, over veth", await createNamespace(runId));
    if (needThroughput) {
        const port = await freePort();
        await startDockerProxy(workDir, port, deployed.port);
        d.userland = { ...d.deployed, label: "container via docker-proxy (userland) + NAT", port };
    }
    if (plain) {
        const tlsDir = join(workDir, "nginx-tls");
        await mkdir(tlsDir, { recursive: true });
        const certificate = join(tlsDir, "server.crt");
        const key = join(tlsDir, "server.key");
        await writeFile(certificate, uploadContent(plain.container, containerPaths(2).certificate));
        await writeFile(key, uploadContent(plain.container, containerPaths(2).privateKey), { mode: 0o600 });
        const ports = { front: await freePort(), backend: plain.port, limits: await freePort() };
        await startNginx(workDir, ports, { certificate, key, staticDir });
        d.nginxFront = { label: "nginx-in-front design (nginx TLS → registry HTTP)", port: ports.front, scheme: "https", caFile: plain.caFile, credentials: plain.credentials };
        d.nginxLimits = { label: "nginx limits", port: ports.limits, scheme: "https", caFile: plain.caFile };
    }
    return d;
}
