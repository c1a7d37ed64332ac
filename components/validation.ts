import { isDnsName, isHostAddress, isIpAddress } from "./shared/hostnames";
import { RegistrySettings } from "./args";
import { findClientProblems } from "./clientTrust/args";
import { notAllowed, RegistryConfigError } from "./shared/problems";
import { dockerHostAllowed, findInstanceProblems, isDockerHost } from "./instances/args";
import { findStorageProblems } from "./instances/storage";

export { RegistryConfigError };

const userName = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
// Docker's own rule for container and volume names: at least two characters.
const containerName = /^[A-Za-z0-9][A-Za-z0-9_.-]+$/;
// Docker's image reference grammar, simplified: [registry[:port]/]lower-case/path[:tag][@sha256:digest].
const imageReference =
    /^(?:(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const logSize = /^[1-9][0-9]*[kmg]$/;
const origin = /^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^https?:\/\/\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$/;
const logLevels = ["error", "warn", "info", "debug"];
const keyAlgorithms = ["ECDSA", "RSA"];


/**
 * Checks every setting and returns one message per problem, each naming the setting, the
 * bad value and what is allowed. Exported for tests.
 */
export function findProblems(s: RegistrySettings): string[] {
    const problems: string[] = [];
    const bad = (key: string, value: unknown, allowed: string) =>
        problems.push(notAllowed(key, value, allowed));
    const integerIn = (key: string, value: number, min: number, max: number) => {
        if (!Number.isInteger(value) || value < min || value > max) {
            bad(key, value, `expected a whole number from ${min} to ${max}`);
        }
    };

    if (s.hostnames.length === 0) {
        problems.push("hostnames: is empty; list at least one DNS name or IP address clients use");
    }
    s.hostnames.forEach((host, i) => {
        if (typeof host !== "string" || !(isHostAddress(host) || isDnsName(host))) {
            bad(`hostnames[${i}]`, host, "expected a DNS name (letters, digits, hyphens, dots; no trailing dot or wildcard) or an IP address other than 0.0.0.0 or :: (no IPv6 zone)");
        }
    });
    const lowered = s.hostnames.map((h) => String(h).toLowerCase());
    lowered.forEach((host, i) => {
        if (lowered.indexOf(host) !== i) {
            bad(`hostnames[${i}]`, s.hostnames[i], "each hostname may be listed once");
        }
    });

    integerIn("port", s.port, 1, 65535);
    integerIn("debugPort", s.debugPort, 1, 65535);
    if (s.debugPort === s.port) {
        bad("debugPort", s.debugPort, `must differ from port (${s.port}): the debug listener is a second, unpublished port`);
    }
    if (!isIpAddress(s.bindAddress)) {
        bad("bindAddress", s.bindAddress, "expected an IP address of the Docker host, e.g. 0.0.0.0 or 127.0.0.1");
    }

    if (s.users.length === 0) {
        problems.push("users: is empty; list at least one user name");
    }
    s.users.forEach((user, i) => {
        if (typeof user !== "string" || !userName.test(user)) {
            bad(`users[${i}]`, user, "expected 1-64 characters from letters, digits and . _ @ - (starting with a letter or digit)");
        } else if (s.users.indexOf(user) !== i) {
            bad(`users[${i}]`, user, "each user name may be listed once");
        }
    });

    if (!Number.isInteger(s.passwordLength) || s.passwordLength < 16 || s.passwordLength > 72) {
        bad("passwordLength", s.passwordLength, "expected a whole number from 16 to 72 (bcrypt ignores bytes past 72)");
    }
    if (!(s.passwordUpper || s.passwordLower || s.passwordNumeric || s.passwordSpecial)) {
        bad("passwordUpper/passwordLower/passwordNumeric/passwordSpecial", false, "enable at least one character class");
    }
    integerIn("bcryptCost", s.bcryptCost, 4, 17);
    if (s.authRealm.length === 0 || /["\\\r\n]/.test(s.authRealm)) {
        bad("authRealm", s.authRealm, "expected a non-empty text without quotes, backslashes or line breaks");
    }

    if (s.providedCaCertificate && !s.providedCertificate) {
        problems.push("tlsCaCertificate: is set but tlsCertificate is not; it names the CA of a certificate you provide (the generated CA needs no setting)");
    }
    if (s.providedCertificate !== s.providedPrivateKey) {
        problems.push(
            s.providedCertificate
                ? "tlsCertificate: is set but tlsPrivateKey is not; a provided certificate needs its private key (set both as secrets, or neither to generate a CA)"
                : "tlsPrivateKey: is set but tlsCertificate is not; set both as secrets, or neither to generate a CA",
        );
    }
    if (!s.providedCertificate) {
        integerIn("tlsValidityHours", s.tlsValidityHours, 1, 876000);
        integerIn("caValidityHours", s.caValidityHours, 1, 876000);
        if (!Number.isInteger(s.tlsEarlyRenewalHours) || s.tlsEarlyRenewalHours < 0 || s.tlsEarlyRenewalHours >= s.tlsValidityHours) {
            bad("tlsEarlyRenewalHours", s.tlsEarlyRenewalHours, `expected a whole number from 0 to less than tlsValidityHours (${s.tlsValidityHours})`);
        }
        if (s.caValidityHours < s.tlsValidityHours) {
            bad("caValidityHours", s.caValidityHours, `must be at least tlsValidityHours (${s.tlsValidityHours}): a certificate cannot outlive its CA`);
        }
        if (!keyAlgorithms.includes(s.tlsKeyAlgorithm)) {
            bad("tlsKeyAlgorithm", s.tlsKeyAlgorithm, `expected one of ${keyAlgorithms.join(", ")}`);
        }
    }

    if (!imageReference.test(s.image)) {
        bad("image", s.image, "expected an image reference such as registry:2 or ghcr.io/org/registry:2.8.3 (lower-case repository)");
    }
    if (!containerName.test(s.containerName)) {
        bad("containerName", s.containerName, "expected at least 2 characters from letters, digits and _ . - (starting with a letter or digit)");
    }
    if (!containerName.test(s.dataVolumeName)) {
        bad("dataVolumeName", s.dataVolumeName, "expected at least 2 characters from letters, digits and _ . - (starting with a letter or digit)");
    }
    if (s.dockerHost !== "" && !isDockerHost(s.dockerHost)) {
        bad("dockerHost", s.dockerHost, `${dockerHostAllowed}, or empty for the local daemon`);
    }
    problems.push(...findInstanceProblems(s.instances, s.hostnames, s.dockerHost));
    if (s.instances.length > 1 && !["0.0.0.0", "::"].includes(s.bindAddress)) {
        bad("bindAddress", s.bindAddress, "with several instances, 0.0.0.0 or :: (every interface): one address cannot belong to every host");
    }
    problems.push(...findStorageProblems(s.storage, s.s3, s.redis, s.instances.length));

    s.corsOrigins.forEach((o, i) => {
        if (o !== "*" && !origin.test(o)) {
            bad(`corsOrigins[${i}]`, o, "expected an origin like https://ui.example.com[:port] (scheme and host, no path) or *");
        }
    });
    if (s.corsOrigins.length > 1) {
        // Distribution 2.8 only sends static headers: several values of
        // Access-Control-Allow-Origin become several header lines, which browsers reject.
        bad("corsOrigins", s.corsOrigins, "at most one origin: the registry sends Access-Control-Allow-Origin as a fixed header, and browsers reject more than one value");
    }

    if (!logLevels.includes(s.logLevel)) {
        bad("logLevel", s.logLevel, `expected one of ${logLevels.join(", ")}`);
    }
    if (!logSize.test(s.logMaxSize)) {
        bad("logMaxSize", s.logMaxSize, "expected a size such as 10m (a number with k, m or g)");
    }
    integerIn("logMaxFiles", s.logMaxFiles, 1, 100);
    problems.push(...findClientProblems(s.clients, s.users, s.sharedSshKey));
    return problems;
}

/** Throws a {@link RegistryConfigError} listing every problem, if there are any. */
export function validateSettings(s: RegistrySettings): void {
    const problems = findProblems(s);
    if (problems.length > 0) {
        throw new RegistryConfigError(problems);
    }
}
