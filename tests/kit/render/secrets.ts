/** The marker Pulumi puts around a secret value in resource inputs (also in mocks). */
export const secretSignature = "4dabf18193072939515e22adb298388d";

type Envelope = { [secretSignature]: string; value: unknown };

export function isSecretEnvelope(value: unknown): value is Envelope {
    return typeof value === "object" && value !== null && secretSignature in value;
}

/** Strips secret envelopes, recursively: the plain values a provider would receive. */
export function reveal(value: unknown): unknown {
    if (isSecretEnvelope(value)) {
        return reveal(value.value);
    }
    if (Array.isArray(value)) {
        return value.map(reveal);
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
    }
    return value;
}

/** Every string in a value that is NOT inside a secret envelope: what would be stored in plain text. */
export function plainStrings(value: unknown): string[] {
    if (isSecretEnvelope(value)) {
        return [];
    }
    if (typeof value === "string") {
        return [value];
    }
    if (Array.isArray(value)) {
        return value.flatMap(plainStrings);
    }
    if (typeof value === "object" && value !== null) {
        return Object.values(value).flatMap(plainStrings);
    }
    return [];
}
