import { portRange, Problems } from "../shared/problems";
import type { RegistryMajor } from "../version/args";
import { logLevels, RegistryConfigSettings } from "./args";

const origin = /^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^https?:\/\/\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$/;

// An OTLP/HTTP base URL: scheme, host, optional port and path; no credentials, query or spaces.
const otlpEndpoint = /^https?:\/\/(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?(?:\/[A-Za-z0-9._~\/-]*)?$/;

/**
 * Problems of the config.yml settings; `port` is the registry's own listener, which the debug one
 * must not take; `major` (when known) refuses what that major lacks.
 */
export function findRegistryConfigProblems(s: RegistryConfigSettings, port: number, major: RegistryMajor | undefined): string[] {
    const problems = new Problems();
    problems.wholeNumber("debugPort", s.debugPort, portRange);
    if (s.debugPort === port) {
        problems.bad("debugPort", s.debugPort, `must differ from port (${port}): the debug listener is a second, unpublished port`);
    }
    if (s.authRealm.length === 0 || /["\\\r\n]/.test(s.authRealm)) {
        problems.bad("authRealm", s.authRealm, "expected a non-empty text without quotes, backslashes or line breaks");
    }
    s.corsOrigins.forEach((o, i) => {
        if (o !== "*" && !origin.test(o)) {
            problems.bad(`corsOrigins[${i}]`, o, "expected an origin like https://ui.example.com[:port] (scheme and host, no path) or *");
        }
    });
    if (s.corsOrigins.length > 1) {
        // Distribution 2.8 only sends static headers: several values of
        // Access-Control-Allow-Origin become several header lines, which browsers reject.
        problems.bad("corsOrigins", s.corsOrigins, "at most one origin: the registry sends Access-Control-Allow-Origin as a fixed header, and browsers reject more than one value");
    }
    if (s.tracingEndpoint !== "" && major === 2) {
        problems.bad("tracingEndpoint", s.tracingEndpoint, "Distribution 2.8 has no OpenTelemetry tracing: leave it unset, or run registry:3");
    } else if (s.tracingEndpoint !== "" && !otlpEndpoint.test(s.tracingEndpoint)) {
        problems.bad("tracingEndpoint", s.tracingEndpoint, "expected an OTLP/HTTP base URL such as http://otel-collector:4318 (no credentials or query)");
    }
    if (!logLevels.includes(s.logLevel)) {
        problems.bad("logLevel", s.logLevel, `expected one of ${logLevels.join(", ")}`);
    }
    return problems.lines;
}
