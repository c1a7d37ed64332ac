/** The `mirrors` stack config: a list of objects Pulumi.yaml cannot type. */
import * as pulumi from "@pulumi/pulumi";
import type { MirrorArgs } from "../components/mirrors/args";
import { notAllowed } from "../components/shared/problems";
import { ConfigTypes, configObject, refuse } from "./configObject";

const mirrorTypes: ConfigTypes = {
    name: "string", upstream: "string", mirrorOf: "string", upstreamUsername: "string", upstreamPassword: "string",
    upstreamCaCertificate: "string", port: "number", access: "string", ttl: "string", storage: "string",
};

/**
 * The `mirrors` stack config (parsed JSON) as mirror arguments, refusing unknown keys, wrongly
 * typed values, and an upstream password the stack holds in plain text (`secret`: whether the
 * `mirrors` key is encrypted). The password becomes a Pulumi secret.
 */
export function mirrorsFromConfig(value: unknown, secret: boolean): MirrorArgs[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) refuse(notAllowed("mirrors", value, "expected a list of mirrors ({name, port, access, upstream, ...})"));
    return (value as unknown[]).map((item, i) => {
        const name = (item as { name?: unknown } | null)?.name;
        const at = `mirrors[${i}]${typeof name === "string" ? ` (${name})` : ""}`;
        const { upstreamPassword, ...rest } = configObject(at, item, mirrorTypes, ["upstreamPassword"]) as unknown as MirrorArgs;
        if (!upstreamPassword) return rest;
        if (!secret) {
            refuse(
                `${at}.upstreamPassword: a plain value is not allowed; the stack file would hold the upstream password in clear text. ` +
                    `Set it as a secret: pulumi config set --secret --path 'mirrors[${i}].upstreamPassword'`,
            );
        }
        return { ...rest, upstreamPassword: pulumi.secret(upstreamPassword) };
    });
}
