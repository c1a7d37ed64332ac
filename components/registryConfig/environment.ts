import type { RegistryMajor } from "../version/args";
import type { RegistryConfigSettings } from "./args";

/**
 * The registry process's environment. Distribution 3.x configures OpenTelemetry tracing from the
 * standard OTEL_* variables, not from config.yml, and exports to localhost:4318 unless told
 * otherwise: tracing is off unless `tracingEndpoint` names a collector. 2.8 has no tracing.
 */
export function registryEnvironment(s: Pick<RegistryConfigSettings, "tracingEndpoint">, major: RegistryMajor): string[] {
    if (major === 2) return [];
    if (s.tracingEndpoint === "") return ["OTEL_TRACES_EXPORTER=none"];
    return ["OTEL_TRACES_EXPORTER=otlp", "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf", `OTEL_EXPORTER_OTLP_ENDPOINT=${s.tracingEndpoint}`];
}
