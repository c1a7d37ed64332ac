/**
 * The project's Pulumi.yaml and stack files as written (`secure:` values still encrypted); what
 * the CLI makes of them is ./stackConfig.ts.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export const projectDir = join(__dirname, "..", "..", "..");
/** The passphrase docs/environments-and-ci.md gives for the example stacks' `secure:` values. */
export const examplePassphrase = "example-passphrase-replace-me";

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

/** The value at a config path as `securePaths` and `pulumi config --path` spell it (`<project>:clients[0].privateKey`). */
export function valueAtPath(config: Record<string, unknown>, path: string): unknown {
    const [top, ...steps] = path.split(/\.|(?=\[)/);
    return steps.reduce<unknown>((node, step) => {
        const index = /^\[(\d+)\]$/.exec(step);
        return index ? (node as unknown[] | undefined)?.[Number(index[1])] : (node as Record<string, unknown> | undefined)?.[step];
    }, config[top]);
}

/** The paths of every `{ secure: ... }` at any depth, e.g. `private-registry:clients[0].privateKey`. */
export function securePaths(value: unknown, path: string): string[] {
    if (isSecure(value)) return [path];
    if (Array.isArray(value)) return value.flatMap((v, i) => securePaths(v, `${path}[${i}]`));
    if (typeof value === "object" && value !== null) return Object.entries(value).flatMap(([k, v]) => securePaths(v, `${path}.${k}`));
    return [];
}
