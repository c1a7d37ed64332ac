import { findClientTrustProblems } from "./clientTrust/validation";
import { findCredentialsProblems } from "./credentials/validation";
import { findEndpointProblems } from "./endpoint/validation";
import { findDeploymentProblems, isImageReference } from "./instances/validation";
import { findStorageProblems } from "./instances/storageValidation";
import { findRegistryConfigProblems } from "./registryConfig/validation";
import { RegistryConfigError } from "./shared/problems";
import { certificateNames, RegistrySettings } from "./settings";
import { findTlsProblems, findTlsWarnings, TlsContext } from "./tls/validation";
import type { RegistryMajor } from "./version/args";
import { findVersionProblems } from "./version/validation";
import { findMirrorProblems, findMirrorWarnings } from "./mirrors/validation";

/**
 * Every problem of the settings, one line each naming the setting, the bad value and what is
 * allowed: the domains' findings joined. Exported for tests.
 */
export function findProblems(s: RegistrySettings): string[] {
    return [
        ...findEndpointProblems(s.endpoint),
        ...findCredentialsProblems(s.credentials),
        ...findTlsProblems(s.tls, tlsContext(s)),
        ...findRegistryConfigProblems(s.registryConfig, s.endpoint.port, s.version.major),
        ...findDeploymentProblems(s.deployment, s.endpoint.hostnames),
        ...findVersionProblems(s.version, isImageReference(s.deployment.image)),
        ...findStorageProblems(s.storage, s.deployment.instances.length),
        ...findMirrorProblems(s.mirrors, {
            registryPort: s.endpoint.port,
            major: s.version.major,
            acme: s.tls.source === "acme",
            names: certificateNames(s).map((n) => n.name),
        }),
        ...findClientTrustProblems(s.clientTrust, s.credentials.users, s.mirrors.mirrors),
    ];
}

/** What the certificate checks need from the other domains: every name it covers, with the setting that names it. */
function tlsContext(s: RegistrySettings): TlsContext {
    return {
        names: certificateNames(s),
        port: s.endpoint.port,
        major: s.version.major,
        instanceCount: Math.max(1, s.deployment.instances.length),
        bindAddress: s.deployment.bindAddress,
        imageTag: s.version.tag,
    };
}

/**
 * Settings that deploy but may not do what the user expects, one line each naming the setting:
 * the component logs them as warnings at preview.
 */
export function findWarnings(s: RegistrySettings): string[] {
    return [...findTlsWarnings(s.tls, tlsContext(s)), ...findMirrorWarnings(s.mirrors, s.version.major)];
}

/** Settings that passed validation: the registry's major is known. */
export type ValidSettings = RegistrySettings & { version: { major: RegistryMajor } };

/** Throws a {@link RegistryConfigError} listing every problem, if there are any. */
export function validateSettings(s: RegistrySettings): asserts s is ValidSettings {
    const problems = findProblems(s);
    if (problems.length > 0) {
        throw new RegistryConfigError(problems);
    }
}
