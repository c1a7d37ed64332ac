/**
 * Pulumi's passphrase secrets provider, as the CLI implements it (pkg/secrets/passphrase and
 * sdk/go/common/resource/config/crypt.go): a stack file's `encryptionsalt: v1:<salt>:<check>`
 * and `secure: v1:<nonce>:<ciphertext>` values, AES-256-GCM with a key from PBKDF2-SHA256
 * (1,000,000 rounds). The tests read the example stack files' secrets with it; no CLI exists here.
 */
import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes } from "node:crypto";

const rounds = 1_000_000;
const tagBytes = 16;

/** The key a passphrase and an `encryptionsalt` give; throws when the passphrase is wrong, as the CLI does. */
export function passphraseKey(passphrase: string, encryptionSalt: string): Buffer {
    const [version, salt, ...check] = encryptionSalt.split(":");
    if (version !== "v1" || salt === undefined || check.length !== 3) throw new Error(`malformed encryptionsalt "${encryptionSalt}"`);
    const key = pbkdf2Sync(passphrase, Buffer.from(salt, "base64"), rounds, 32, "sha256");
    let checked: string;
    try {
        checked = decryptValue(key, check.join(":"));
    } catch {
        throw new Error("incorrect passphrase");
    }
    if (checked !== "pulumi") throw new Error("incorrect passphrase");
    return key;
}

/** Decrypts one `secure:` value. */
export function decryptValue(key: Buffer, secure: string): string {
    const [version, nonce, ciphertext] = secure.split(":");
    if (version !== "v1" || nonce === undefined || ciphertext === undefined) throw new Error(`malformed secure value "${secure}"`);
    const sealed = Buffer.from(ciphertext, "base64");
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64"));
    decipher.setAuthTag(sealed.subarray(sealed.length - tagBytes));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - tagBytes)), decipher.final()]).toString("utf8");
}

/** Encrypts one value as `pulumi config set --secret` would (fresh nonce each time). */
export function encryptValue(key: Buffer, plaintext: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, nonce);
    const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return `v1:${nonce.toString("base64")}:${sealed.toString("base64")}`;
}

/** A new `encryptionsalt` for a passphrase, and its key, as `pulumi stack init` makes them. */
export function newEncryptionSalt(passphrase: string): { encryptionSalt: string; key: Buffer } {
    const salt = randomBytes(8);
    const key = pbkdf2Sync(passphrase, salt, rounds, 32, "sha256");
    return { encryptionSalt: `v1:${salt.toString("base64")}:${encryptValue(key, "pulumi")}`, key };
}
