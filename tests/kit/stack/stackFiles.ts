/**
 * The project's stack files as the Pulumi CLI would hand them to the program: Pulumi.yaml's
 * defaults overlaid with Pulumi.<stack>.yaml, `secure:` values decrypted (with the example
 * passphrase the example stacks were encrypted with), plain strings as they are and everything
 * else as JSON.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { decryptValue, passphraseKey } from "./pulumiSecrets";

export const projectDir = join(__dirname, "..", "..", "..");
/** The passphrase README.md gives for the example stacks' `secure:` values. */
const examplePassphrase = "example-passphrase-replace-me";

export type ConfigSchema = Record<string, { type: string; default?: unknown; description?: string; items?: { type: string } }>;
export const projectFile = parse(readFileSync(join(projectDir, "Pulumi.yaml"), "utf8")) as { name: string; config: ConfigSchema };
export const projectName = projectFile.name;

export interface StackFileContents {
    name: string;
    fileName: string;
    text: string;
    encryptionsalt?: string;
    secretsprovider?: string;
    /** As written, `secure:` values still wrapped as `{ secure: "v1:..." }`. */
    config: Record<string, unknown>;
}

/** Every Pulumi.<stack>.yaml in the project directory, by stack name. */
export function stackFiles(): StackFileContents[] {
    return readdirSync(projectDir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f))
        .filter((m): m is RegExpExecArray => m !== null)
        .map(([fileName, name]) => {
            const text = readFileSync(join(projectDir, fileName), "utf8");
            const doc = (parse(text) ?? {}) as { config?: Record<string, unknown>; encryptionsalt?: string; secretsprovider?: string };
            return { name, fileName, text, encryptionsalt: doc.encryptionsalt, secretsprovider: doc.secretsprovider, config: doc.config ?? {} };
        })
        .sort((a, b) => a.name.localeCompare(b.name));
}

export function isSecure(value: unknown): value is { secure: string } {
    return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as { secure?: unknown }).secure === "string";
}

/** Replaces every `{ secure: ... }` (at any depth) with its plaintext; records the top-level keys that held one. */
function decryptAll(value: unknown, key: Buffer | undefined, path: string, found: string[]): unknown {
    if (isSecure(value)) {
        if (key === undefined) throw new Error(`${path}: secure value in a stack file without encryptionsalt`);
        found.push(path);
        return decryptValue(key, value.secure);
    }
    if (Array.isArray(value)) return value.map((v, i) => decryptAll(v, key, `${path}[${i}]`, found));
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decryptAll(v, key, `${path}.${k}`, found)]));
    }
    return value;
}

export interface StackConfig {
    /** `<project>:<key>` to the string the CLI passes the program. */
    config: Record<string, string>;
    /** Keys the CLI marks secret (they held a secure value, at any depth). */
    secretKeys: string[];
    /** Paths of every secure value, e.g. `private-registry:clients[0].privateKey`. */
    securePaths: string[];
    /** Decrypted values by key, as objects (not yet JSON). */
    values: Record<string, unknown>;
}

export function stackConfig(file: StackFileContents, passphrase = examplePassphrase): StackConfig {
    const key = file.encryptionsalt ? passphraseKey(passphrase, file.encryptionsalt) : undefined;
    const values: Record<string, unknown> = {};
    for (const [k, spec] of Object.entries(projectFile.config)) {
        if (spec.default !== undefined) values[`${projectName}:${k}`] = spec.default;
    }
    const securePaths: string[] = [];
    for (const [k, v] of Object.entries(file.config)) values[k] = decryptAll(v, key, k, securePaths);
    const config = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
    // "private-registry:clients[0].privateKey" makes the whole of "private-registry:clients" secret.
    const secretKeys = [...new Set(securePaths.map((p) => p.replace(/[.[].*$/, "")))];
    return { config, secretKeys, securePaths, values };
}

/** Makes `new pulumi.Config()` read this stack's config, as the CLI would set it up. */
export function useStackConfig(stack: StackConfig): void {
    pulumi.runtime.setAllConfig(stack.config, stack.secretKeys);
}
