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
