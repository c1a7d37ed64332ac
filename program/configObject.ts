import { notAllowed, RegistryConfigError } from "../components/shared/problems";

/** The JSON type each key of a stack-config object must have; keys without one are checked by their reader. */
export type ConfigTypes = Record<string, "string" | "number" | "boolean" | undefined>;

const expected = { string: "expected a text", number: "expected a number", boolean: "expected true or false" } as const;

/** Throws the one problem as a {@link RegistryConfigError}. */
export function refuse(line: string): never {
    throw new RegistryConfigError([line]);
}

/**
 * An object of the keys in `types` from the stack config, or a {@link RegistryConfigError} naming
 * `key` and the unknown or wrongly typed entry. The value of a `secrets` key is never shown.
 */
export function configObject(key: string, value: unknown, types: ConfigTypes, secrets: readonly string[] = []): Record<string, unknown> {
    const known = Object.keys(types);
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return refuse(notAllowed(key, value, `expected an object with ${known.join(", ")}`));
    }
    const entry = value as Record<string, unknown>;
    for (const k of Object.keys(entry)) {
        if (!known.includes(k)) refuse(`${key}.${k}: unknown setting; expected one of ${known.join(", ")}`);
        const type = types[k];
        if (type !== undefined && entry[k] !== undefined && typeof entry[k] !== type) {
            refuse(secrets.includes(k) ? `${key}.${k}: a value of type ${typeof entry[k]} is not allowed; ${expected[type]}` : notAllowed(`${key}.${k}`, entry[k], expected[type]));
        }
    }
    return entry;
}
