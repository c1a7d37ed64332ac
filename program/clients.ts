/** The `clients` stack config: a list of objects Pulumi.yaml cannot type. */
import * as pulumi from "@pulumi/pulumi";
import type { ClientHostArgs } from "../components/clientTrust/args";
import { notAllowed } from "../components/shared/problems";
import { ConfigTypes, configObject, refuse } from "./configObject";

// proxy and runtimes (an object and a list) are checked below.
const clientTypes: ConfigTypes = {
    name: "string", host: "string", port: "number", user: "string", privateKey: "string", agentSocket: "string",
    hostKey: "string", proxy: undefined, runtimes: undefined, dockerLogin: "string", insecureRegistry: "boolean", mirrors: undefined,
};
const proxyTypes: ConfigTypes = { host: "string", port: "number", user: "string", hostKey: "string" };

/**
 * Turns the `clients` stack config (parsed JSON) into client arguments, refusing unknown keys
 * and wrongly typed values with a message naming the client and key. `privateKey` becomes a
 * secret. Pulumi.yaml cannot type a list of objects, so this is where a typo is caught.
 */
export function clientsFromConfig(value: unknown): ClientHostArgs[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) refuse(notAllowed("clients", value, "expected a list of client hosts"));
    return (value as unknown[]).map((item, i) => {
        const name = (item as { name?: unknown } | null)?.name;
        const at = `clients[${i}]${typeof name === "string" ? ` (${name})` : ""}`;
        const entry = configObject(at, item, clientTypes, ["privateKey"]);
        if (entry.runtimes !== undefined && (!Array.isArray(entry.runtimes) || entry.runtimes.some((r) => typeof r !== "string"))) {
            refuse(notAllowed(`${at}.runtimes`, entry.runtimes, "expected a list such as [docker, containerd]"));
        }
        if (entry.mirrors !== undefined && (!Array.isArray(entry.mirrors) || entry.mirrors.some((m) => typeof m !== "string"))) {
            refuse(notAllowed(`${at}.mirrors`, entry.mirrors, "expected a list of mirror names such as [hub]"));
        }
        if (entry.proxy !== undefined) configObject(`${at}.proxy`, entry.proxy, proxyTypes);
        const { privateKey, ...rest } = entry as unknown as ClientHostArgs;
        return privateKey ? { ...rest, privateKey: pulumi.secret(privateKey) } : rest;
    });
}
