/** Thrown before any resource is declared; `problems` holds one line per bad setting. */
export class RegistryConfigError extends Error {
    constructor(public readonly problems: string[]) {
        super(`Invalid registry configuration:\n  - ${problems.join("\n  - ")}`);
        this.name = "RegistryConfigError";
    }
}

/** One problem line: the setting, the bad value and what is allowed. */
export function notAllowed(key: string, value: unknown, allowed: string): string {
    return `${key}: ${JSON.stringify(value)} is not allowed; ${allowed}`;
}

/** An object of known keys from the stack config, or a {@link RegistryConfigError} naming the key. */
export function configObject(key: string, value: unknown, known: string[], types: Record<string, "string" | "number" | "boolean">): Record<string, unknown> {
    const fail = (message: string): never => {
        throw new RegistryConfigError([message]);
    };
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return fail(notAllowed(key, value, `expected an object with ${known.join(", ")}`));
    }
    const entry = value as Record<string, unknown>;
    for (const k of Object.keys(entry)) {
        if (!known.includes(k)) fail(`${key}.${k}: unknown setting; expected one of ${known.join(", ")}`);
        const type = types[k];
        if (entry[k] !== undefined && typeof entry[k] !== type) {
            fail(notAllowed(`${key}.${k}`, entry[k], type === "string" ? "expected a text" : type === "number" ? "expected a number" : "expected true or false"));
        }
    }
    return entry;
}
