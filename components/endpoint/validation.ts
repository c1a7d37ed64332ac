import { isDnsName, isHostAddress } from "../shared/hostnames";
import { portRange, Problems } from "../shared/problems";
import type { EndpointSettings } from "./args";

/** Problems of `hostnames` and `port`. */
export function findEndpointProblems(s: EndpointSettings): string[] {
    const problems = new Problems();
    if (s.hostnames.length === 0) {
        problems.add("hostnames: is empty; list at least one DNS name or IP address clients use");
    }
    s.hostnames.forEach((host, i) => {
        if (typeof host !== "string" || !(isHostAddress(host) || isDnsName(host))) {
            problems.bad(`hostnames[${i}]`, host, "expected a DNS name (letters, digits, hyphens, dots; no trailing dot or wildcard) or an IP address other than 0.0.0.0 or :: (no IPv6 zone)");
        }
    });
    const lowered = s.hostnames.map((h) => String(h).toLowerCase());
    lowered.forEach((host, i) => {
        if (lowered.indexOf(host) !== i) {
            problems.bad(`hostnames[${i}]`, s.hostnames[i], "each hostname may be listed once");
        }
    });
    problems.wholeNumber("port", s.port, portRange);
    return problems.lines;
}
