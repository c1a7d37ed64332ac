/** What each comparison point is, and the issue's targets in words. */
import { defaultCost, formerDefaultCost } from "../targets/costs";
import { majorLabel } from "../targets/majors";
import type { Machine } from "./machine";
import { meets } from "./report";
import type { Results } from "./results";

/** `measured3`: the container on Distribution 3.1 was measured (`--majors 2,3` and a suite that takes it). */
export function methodNotes(m: Machine, measured3: boolean): string[] {
    return [
        `Container as deployed: the rendered inputs unedited: bcrypt cost ${defaultCost} (default: components/credentials/args.ts credentialsDefaults.bcryptCost), http.http2.disabled: true, published port. Every target applies to it; cost ${formerDefaultCost} (the former default) and 10 are comparisons.`,
        "HTTP/2 on: the rendered config with http.http2.disabled: false, a comparison only; with curl's default (offers h2) it gets HTTP/2, the deployed container gives the same client HTTP/1.1.",
        `Kernel NAT path: ${m.userlandProxyOff ? "dockerd runs with --userland-proxy=false, so" : "WARNING: dockerd runs WITH the userland proxy, so NOT"} loopback traffic to the published port is DNATed by the kernel, the path remote clients take.`,
        "Userland-proxy path: Docker's docker-proxy binary between a loopback port and the published port (userland copy + the kernel NAT hop); no traffic goes to the container's own address.",
        "Bare process over veth: the same bare process in a network namespace of the bench's own, reached over a veth pair (MTU 1500, no NAT, no bridge), the way a remote client reaches a bare process; on loopback the bare process enjoys a 64 KiB MTU the container's path (docker0, MTU 1500) does not have.",
        `Bare process: ${m.bareRegistry.path} (${m.bareRegistry.sameAsImage2 ? "byte for byte the binary inside the 2.8 image" : "WARNING: NOT the binary inside the 2.8 image"}, ${m.bareRegistry.go}) with the rendered config (HTTP/2 off, as deployed), htpasswd, certificate and key; only paths and listen addresses changed.`,
        "nginx-in-front: Debian nginx with the runbook's server block (default proxy_request_buffering/proxy_buffering, proxy_http_version 1.0) terminating TLS, proxying over HTTP to the rendered container with http.tls removed (registry still checks htpasswd).",
        "No-auth registry: the rendered config with `auth` removed, a baseline only (the product has no such setting).",
        `sha256 limit: Go crypto/sha256 built with ${m.goForHasher}; the registry binaries were built with ${m.registries.map((r) => `${r.go} (${majorLabel(r.major)})`).join(", ")} (go version on each image's /bin/registry).`,
        ...(measured3
            ? [
                  `${majorLabel(3)}: the component rendered with image ${m.registries.find((r) => r.major === 3)!.image} (the major from the tag), otherwise as deployed and unedited, beside the 2.8 container in the pushpull, throughput and parallel suites: same clients, next to it in every round's rotation. Every other comparison is made on 2.8.`,
              ]
            : []),
    ];
}

export function targetSummary(results: Results): string[] {
    return results.ratios
        .filter((r) => r.target)
        .map((r) => `Target ${r.label} ${r.target!.op} ${r.target!.value}: ${r.value.toFixed(2)}× — ${meets(r) ? "met" : "NOT met"}`);
}
