import type { RegistryMajor } from "../version/args";
import type { RegistryConfigSettings } from "./args";

/**
 * The registry process's environment. Distribution 3.x configures OpenTelemetry tracing from the
 * standard OTEL_* variables, not from config.yml, and exports to localhost:4318 unless told
 * otherwise: tracing is off unless `tracingEndpoint` names a collector. 2.8 has no tracing.
 * `trustedCaFolder`: a folder of CA certificates the registry trusts beside the system's, to
 * reach a private ACME CA or a mirror's upstream.
 */
export function registryEnvironment(s: Pick<RegistryConfigSettings, "tracingEndpoint">, major: RegistryMajor, trustedCaFolder?: string): string[] {
    return [...(major === 3 ? tracingEnvironment(s.tracingEndpoint) : []), ...(trustedCaFolder ? [trustVariable(trustedCaFolder)] : [])];
}

function tracingEnvironment(endpoint: string): string[] {
    if (endpoint === "") return ["OTEL_TRACES_EXPORTER=none"];
    return ["OTEL_TRACES_EXPORTER=otlp", "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf", `OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint}`];
}

/**
 * Go reads the system's CA bundle file and then every file in SSL_CERT_DIR's folders: the private
 * CA's folder first, the system's folder after it, so public roots (S3, Let's Encrypt) stay trusted.
 * (SSL_CERT_FILE would replace the system bundle instead.)
 */
function trustVariable(folder: string): string {
    return `SSL_CERT_DIR=${folder}:/etc/ssl/certs`;
}
