import { notAllowed, RegistryConfigError } from "../components/shared/problems";

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
