/** The `clients` stack config: a list of objects Pulumi.yaml cannot type. */
import * as pulumi from "@pulumi/pulumi";
import type { ClientHostArgs } from "../components/clientTrust/args";
import { notAllowed, RegistryConfigError } from "../components/shared/problems";

const clientKeys = ["name", "host", "port", "user", "privateKey", "agentSocket", "hostKey", "proxy", "runtimes", "dockerLogin", "insecureRegistry"];
const proxyKeys = ["host", "port", "user", "hostKey"];
const stringKeys = ["name", "host", "user", "privateKey", "agentSocket", "hostKey", "dockerLogin"];

/**
 * Turns the `clients` stack config (parsed JSON) into client arguments, refusing unknown keys
 * and wrongly typed values with a message naming the client and key. `privateKey` becomes a
 * secret. Pulumi.yaml cannot type a list of objects, so this is where a typo is caught.
 */
export function clientsFromConfig(value: unknown): ClientHostArgs[] {
    if (value === undefined || value === null) return [];
    const fail = (message: string): never => {
        throw new RegistryConfigError([message]);
    };
    if (!Array.isArray(value)) fail(notAllowed("clients", value, "expected a list of client hosts"));
    return (value as unknown[]).map((item, i) => {
        if (typeof item !== "object" || item === null || Array.isArray(item)) {
            return fail(notAllowed(`clients[${i}]`, item, "expected an object with name, host, …"));
        }
        const entry = item as Record<string, unknown>;
        const at = `clients[${i}]${typeof entry.name === "string" ? ` (${entry.name})` : ""}`;
        for (const key of Object.keys(entry)) {
            if (!clientKeys.includes(key)) fail(`${at}.${key}: unknown setting; expected one of ${clientKeys.join(", ")}`);
        }
        for (const key of stringKeys) {
            if (entry[key] !== undefined && typeof entry[key] !== "string") fail(notAllowed(`${at}.${key}`, entry[key], "expected a text"));
        }
        if (entry.port !== undefined && typeof entry.port !== "number") fail(notAllowed(`${at}.port`, entry.port, "expected a number"));
        if (entry.insecureRegistry !== undefined && typeof entry.insecureRegistry !== "boolean") {
            fail(notAllowed(`${at}.insecureRegistry`, entry.insecureRegistry, "expected true or false"));
        }
        if (entry.runtimes !== undefined && (!Array.isArray(entry.runtimes) || entry.runtimes.some((r) => typeof r !== "string"))) {
            fail(notAllowed(`${at}.runtimes`, entry.runtimes, "expected a list such as [docker, containerd]"));
        }
        if (entry.proxy !== undefined) {
            const proxy = entry.proxy as Record<string, unknown>;
            if (typeof proxy !== "object" || proxy === null || Array.isArray(proxy)) fail(`${at}.proxy: expected an object with host, port, user, hostKey`);
            for (const key of Object.keys(proxy)) {
                if (!proxyKeys.includes(key)) fail(`${at}.proxy.${key}: unknown setting; expected one of ${proxyKeys.join(", ")}`);
            }
        }
        const { privateKey, ...rest } = entry as unknown as ClientHostArgs;
        return privateKey ? { ...rest, privateKey: pulumi.secret(privateKey) } : rest;
    });
}
