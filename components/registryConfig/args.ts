/** What the registry's `config.yml` sets beyond storage and TLS: the debug listener, auth realm, CORS, logging and tracing. */
import { withDefaults } from "../shared/settings";

/** Distribution's log levels. */
export type LogLevel = "error" | "warn" | "info" | "debug";
export const logLevels: readonly LogLevel[] = ["error", "warn", "info", "debug"];

/** The registry config part of the component's arguments. */
export interface RegistryConfigArgs {
    /**
     * Port of the debug listener (`/debug/health`, Prometheus `/metrics`) inside the container.
     * It is never published on the host. Default `5001`.
     */
    debugPort?: number;
    /**
     * Let other containers on the registry's Docker network reach the debug listener (to scrape
     * `/metrics`). It also serves Go's pprof and expvar without authentication, so by default it
     * listens on the container's loopback only. Never published on the host. Default `false`.
     */
    debugOnNetwork?: boolean;
    /** Realm of the registry's Basic authentication. Default `"Registry Realm"`. */
    authRealm?: string;
    /**
     * Origins of web UIs allowed to call the registry API from a browser (CORS), e.g.
     * `https://registry-ui.example.com`. Default: none (no CORS headers).
     */
    corsOrigins?: string[];
    /** Registry log level. Default `info`. */
    logLevel?: LogLevel;
    /** Write an access log line per request. Default `true`. */
    accessLog?: boolean;
    /**
     * Distribution 3.x only: OpenTelemetry collector to send request traces to, as an OTLP/HTTP
     * base URL such as `http://otel-collector:4318`. Default: none (tracing off; 3.x would
     * otherwise try `localhost:4318` and log an export error per batch).
     */
    tracingEndpoint?: string;
}

export const registryConfigDefaults = {
    debugPort: 5001,
    debugOnNetwork: false,
    authRealm: "Registry Realm",
    corsOrigins: [] as string[],
    logLevel: "info" as LogLevel,
    accessLog: true,
    tracingEndpoint: "",
};

/** The registry config settings with defaults filled in. */
export type RegistryConfigSettings = typeof registryConfigDefaults;

export function resolveRegistryConfig(args: RegistryConfigArgs): RegistryConfigSettings {
    return withDefaults(registryConfigDefaults, args);
}
