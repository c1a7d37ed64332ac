/**
 * Per-request authentication cost: N sequential `GET /v2/` on one kept-alive HTTP/1.1
 * connection (curl, URL globbing), with Basic credentials against registries at the default
 * bcrypt cost (the deployed container) and the comparison costs (bench/targets/costs.ts), and without
 * credentials against the same registry rendered without `auth` (baseline only). The registry
 * checks the bcrypt hash on every request; nothing is cached.
 */
import { allCosts, comparisonCosts, costId, costLabel, defaultCost } from "../targets/costs";
import type { Endpoint } from "../targets/deploy";
import { curlFlags, runCurl, url } from "../clients/curl";
import type { Results } from "../report/results";
import { progress } from "../report/progress";
import { rotated } from "./rounds";

/** Mean milliseconds per request over requests 2..n (the first carries the TLS handshake). */
async function msPerRequest(ep: Endpoint, n: number): Promise<number> {
    const out = await runCurl([...curlFlags(ep, "1.1"), "-o", "/dev/null", "-w", "%{http_code} %{time_total}\n", url(ep, `/v2/?n=[0-${n}]`)]);
    const lines = out.trim().split("\n").map((l) => l.split(" "));
    const bad = lines.filter(([status]) => status !== "200");
    if (lines.length !== n + 1 || bad.length > 0) throw new Error(`${ep.label}: ${bad.length} of ${lines.length} requests failed (${bad[0]?.[0]})`);
    const seconds = lines.slice(1).reduce((sum, [, t]) => sum + Number(t), 0);
    return (seconds / n) * 1000;
}

/** `byCost` holds an endpoint for every cost in bench/targets/costs.ts `allCosts`. */
export async function measureAuthCost(none: Endpoint, byCost: Map<number, Endpoint>, n: number, runs: number, results: Results): Promise<void> {
    const section = `Per-request authentication: ${n} sequential GET /v2/, one HTTP/1.1 keep-alive connection (curl)`;
    const variants = [
        { id: "auth.none", label: "no auth (baseline only: config without `auth`)", ep: none },
        ...allCosts.map((cost) => ({ id: `auth.${costId(cost)}`, label: `htpasswd, bcrypt ${costLabel(cost)}`, ep: byCost.get(cost)! })),
    ];
    for (let round = 0; round < runs; round++) {
        progress(`authentication round ${round + 1}/${runs}`);
        for (const v of rotated(variants, round)) results.add(section, v.id, v.label, "ms/request", await msPerRequest(v.ep, n), "HTTP/1.1");
    }
}

export function authRatios(results: Results): void {
    const s = "Per-request authentication";
    const d = costId(defaultCost);
    for (const cost of allCosts) results.ratio(s, `auth.${costId(cost)}/none`, `request time, ${costLabel(cost)} / no auth`, `auth.${costId(cost)}`, "auth.none");
    for (const cost of comparisonCosts) {
        results.ratio(s, `auth.${costId(cost)}/${d}`, `request time, ${costLabel(cost)} / ${costLabel(defaultCost)}`, `auth.${costId(cost)}`, `auth.${d}`);
    }
}
