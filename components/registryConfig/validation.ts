import { portRange, Problems } from "../shared/problems";
import { logLevels, RegistryConfigSettings } from "./args";

const origin = /^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^https?:\/\/\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$/;

/** Problems of the config.yml settings; `port` is the registry's own listener, which the debug one must not take. */
export function findRegistryConfigProblems(s: RegistryConfigSettings, port: number): string[] {
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
    if (!logLevels.includes(s.logLevel)) {
        problems.bad("logLevel", s.logLevel, `expected one of ${logLevels.join(", ")}`);
    }
    return problems.lines;
}
