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

/** A TCP port. */
export const portRange = { min: 1, max: 65535 } as const;

/** Collects problem lines for one domain; each names the setting, the bad value and what is allowed. */
export class Problems {
    readonly lines: string[] = [];

    /** A problem in the caller's own words (it still names the setting). */
    add(line: string): void {
        this.lines.push(line);
    }

    /** `key: <value> is not allowed; <allowed>`. */
    bad(key: string, value: unknown, allowed: string): void {
        this.lines.push(notAllowed(key, value, allowed));
    }

    /** A whole number within `range`; `why` follows the bounds in the message. */
    wholeNumber(key: string, value: number, range: { min: number; max: number }, why = ""): void {
        if (!Number.isInteger(value) || value < range.min || value > range.max) {
            this.bad(key, value, `expected a whole number from ${range.min} to ${range.max}${why ? ` ${why}` : ""}`);
        }
    }
}
