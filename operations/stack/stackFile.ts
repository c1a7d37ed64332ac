/**
 * What the stack wrappers (`npm run preview/up/destroy`) need to know from a stack's file,
 * Pulumi.<stack>.yaml: whether it exists, whether it is protected, and its secrets provider.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

/** A stack name as Pulumi takes it: `prod`, or `org/project/prod` on a backend with organizations. */
const stackNamePattern = /^(?:[A-Za-z0-9_.-]+\/){0,2}[A-Za-z0-9_.-]+$/;

export interface StackFile {
    /** The short stack name, the last part of what the user gave. */
    name: string;
    /** Pulumi.<name>.yaml, relative to the project directory. */
    fileName: string;
    exists: boolean;
    /** `<project>:protected` is true: destroy needs an explicit flag. */
    protected: boolean;
    /** The file's `secretsprovider:`, "passphrase" when it has none (Pulumi's default for self-managed backends). */
    secretsProvider: string;
}

/** Thrown for a stack file the wrappers cannot trust; the message names the file, the setting and the value. */
export class StackFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackFileError";
    }
}

/** The short name of `org/project/stack`, or undefined when `stack` is not a stack name. */
export function shortStackName(stack: string): string | undefined {
    return stackNamePattern.test(stack) ? stack.split("/").pop() : undefined;
}

/**
 * Reads the parts of a stack file the wrappers act on. `protected` must be a real boolean or the
 * text "true"/"false" (`pulumi config set protected true` stores the text); anything else is an
 * error rather than a guess, because a typo must not make a production stack destroyable.
 */
export function parseStackFile(project: string, name: string, text: string | undefined): StackFile {
    const fileName = `Pulumi.${name}.yaml`;
    if (text === undefined) {
        return { name, fileName, exists: false, protected: false, secretsProvider: "passphrase" };
    }
    let document: unknown;
    try {
        document = parse(text) ?? {};
    } catch (e) {
        throw new StackFileError(`${fileName}: not valid YAML (${(e as Error).message.split("\n")[0]})`);
    }
    if (typeof document !== "object" || document === null || Array.isArray(document)) {
        throw new StackFileError(`${fileName}: expected a mapping with a config: section`);
    }
    const { config, secretsprovider } = document as { config?: unknown; secretsprovider?: unknown };
    const settings = typeof config === "object" && config !== null ? (config as Record<string, unknown>) : {};
    const key = `${project}:protected`;
    const value = settings[key];
    let isProtected: boolean;
    if (value === undefined || value === false || value === "false") {
        isProtected = false;
    } else if (value === true || value === "true") {
        isProtected = true;
    } else {
        throw new StackFileError(`${fileName}: ${key}: ${JSON.stringify(value)} is not allowed; expected true or false`);
    }
    plainUpstreamPasswords(settings[`${project}:mirrors`]).forEach((i) => {
        throw new StackFileError(
            `${fileName}: ${project}:mirrors[${i}].upstreamPassword is stored in plain text; set it as a secret: pulumi config set --secret --path 'mirrors[${i}].upstreamPassword'`,
        );
    });
    return {
        name,
        fileName,
        exists: true,
        protected: isProtected,
        secretsProvider: typeof secretsprovider === "string" && secretsprovider !== "" ? secretsprovider : "passphrase",
    };
}

/**
 * The indexes of the mirrors whose `upstreamPassword` is not a `secure:` value. The program can
 * only tell whether the `mirrors` key holds some secret; the stack file says it per value.
 */
function plainUpstreamPasswords(mirrors: unknown): number[] {
    if (!Array.isArray(mirrors)) return [];
    return mirrors.flatMap((m: unknown, i) => {
        const password = typeof m === "object" && m !== null ? (m as { upstreamPassword?: unknown }).upstreamPassword : undefined;
        const secure = typeof password === "object" && password !== null && "secure" in password;
        return password === undefined || password === "" || secure ? [] : [i];
    });
}

/** Reads Pulumi.<name>.yaml from the project directory (missing is not an error here). */
export function readStackFile(projectDir: string, project: string, name: string): StackFile {
    const path = join(projectDir, `Pulumi.${name}.yaml`);
    return parseStackFile(project, name, existsSync(path) ? readFileSync(path, "utf8") : undefined);
}
