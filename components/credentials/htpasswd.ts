import { encodeBase64, hashSync } from "bcryptjs";
import { credentialsRanges } from "./args";

/** bcrypt's salt is 16 bytes. */
export const bcryptSaltBytes = 16;

/**
 * Builds a bcrypt salt string (`$2y$<cost>$<22 chars>`) from random bytes drawn by the random
 * provider. The salt is then fixed in state, so the hash is the same on every `pulumi up`.
 */
export function bcryptSalt(saltBase64: string, cost: number): string {
    const bytes = Buffer.from(saltBase64, "base64");
    if (bytes.length < bcryptSaltBytes) {
        throw new Error(`bcrypt salt needs ${bcryptSaltBytes} random bytes, got ${bytes.length}`);
    }
    const { min, max } = credentialsRanges.bcryptCost;
    if (!Number.isInteger(cost) || cost < min || cost > max) {
        throw new Error(`bcrypt cost must be a whole number from ${min} to ${max}, got ${cost}`);
    }
    const encoded = encodeBase64(Array.from(bytes.subarray(0, bcryptSaltBytes)), bcryptSaltBytes);
    return `$2y$${String(cost).padStart(2, "0")}$${encoded}`;
}

/** The bcrypt hash of a password with a given salt: deterministic, as `htpasswd -B` would write it. */
export function bcryptHash(password: string, salt: string): string {
    return hashSync(password, salt);
}

/** Renders an htpasswd file: one `user:hash` line per user, in the order given. */
export function renderHtpasswd(entries: readonly { user: string; hash: string }[]): string {
    return entries.map(({ user, hash }) => `${user}:${hash}\n`).join("");
}
