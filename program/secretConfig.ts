/**
 * Whether the stack holds a config key encrypted: set with `--secret`, or with `--secret --path`
 * for any value inside it (Pulumi then marks the whole key secret). The CLI hands the program the
 * list of such keys; the SDK's own reader of that list is `isConfigSecret`, which its typings
 * leave out (`@internal`), hence the narrow declaration here.
 */
import * as pulumi from "@pulumi/pulumi";
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(fullKey: string): boolean };

/** True when `key` of the config's namespace (the project's, for `new pulumi.Config()`) was set as a secret. */
export function isSecretConfig(config: pulumi.Config, key: string): boolean {
    return runtimeConfig.isConfigSecret(`${config.name}:${key}`);
}
