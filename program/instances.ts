/** The `instances` stack config: a list of objects Pulumi.yaml cannot type. */
import type { RegistryInstanceArgs } from "../components/instances/args";
import { notAllowed } from "../components/shared/problems";
import { configObject, refuse } from "./configObject";

const instanceKeys = { name: "string", dockerHost: "string", hostname: "string" } as const;

/** The `instances` stack config (a list of objects Pulumi.yaml cannot type) as arguments; refuses unknown keys and non-text values. */
export function instancesFromConfig(value: unknown): RegistryInstanceArgs[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) refuse(notAllowed("instances", value, "expected a list of {name, dockerHost, hostname}"));
    return (value as unknown[]).map((item, i) => configObject(`instances[${i}]`, item, instanceKeys) as unknown as RegistryInstanceArgs);
}
