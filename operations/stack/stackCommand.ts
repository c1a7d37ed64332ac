/**
 * `npm run preview|up|destroy -- [STACK] [...]` and `npm run stack:check -- STACK`: which pulumi
 * commands to run for a stack, or why not to. Pure (arguments, stack file and environment in,
 * a plan out), so tests can check every decision without a Pulumi CLI.
 */
import { shortStackName, StackFile } from "./stackFile";

type StackAction = "preview" | "up" | "destroy" | "check";
const actions: StackAction[] = ["preview", "up", "destroy", "check"];

/** The laptop stack: the only one the wrappers give an empty passphrase by default. */
export const laptopStack = "dev";

const stackUsage = [
    "usage: npm run preview|up|destroy -- [STACK] [--destroy-protected] [PULUMI FLAGS...]",
    "       npm run stack:check -- STACK",
    `STACK defaults to ${laptopStack}; other flags (--yes, --diff, --target URN, ...) go to pulumi unchanged.`,
].join("\n");

/** Arguments the wrapper does not take; the message names the argument and what is allowed. */
export class StackUsageError extends Error {
    constructor(message: string) {
        super(`${message}\n${stackUsage}`);
        this.name = "StackUsageError";
    }
}

/** A run the wrapper will not start; the message says why and what to do instead. */
export class StackRefused extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackRefused";
    }
}

export interface StackCommand {
    action: StackAction;
    /** As given: `prod` or `org/project/prod`. */
    stack: string;
    /** Short name: the `<name>` of Pulumi.<name>.yaml. */
    name: string;
    /** Destroy a stack marked protected (or one whose protection cannot be read). */
    destroyProtected: boolean;
    /** Everything else, handed to pulumi unchanged. */
    pulumiArgs: string[];
}

export function parseStackCommand(action: string, argv: string[]): StackCommand {
    if (!actions.includes(action as StackAction)) {
        throw new StackUsageError(`"${action}" is not an action; expected one of ${actions.join(", ")}`);
    }
    let stack: string | undefined;
    let destroyProtected = false;
    const pulumiArgs: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--") {
            pulumiArgs.push(...argv.slice(i + 1));
            break;
        }
        const stackValue = arg === "--stack" || arg === "-s" ? argv[++i] : arg.startsWith("--stack=") ? arg.slice("--stack=".length) : undefined;
        if (arg === "--stack" || arg === "-s" || arg.startsWith("--stack=")) {
            if (!stackValue || stackValue.startsWith("-")) throw new StackUsageError(`${arg} needs a stack name`);
            if (stack !== undefined) throw new StackUsageError(`the stack is given twice ("${stack}" and "${stackValue}")`);
            stack = stackValue;
        } else if (arg === "--destroy-protected") {
            destroyProtected = true;
        } else if (i === 0 && !arg.startsWith("-")) {
            // Only the first argument can be the stack: later words may be values of pulumi's flags (--target URN).
            stack = arg;
        } else {
            pulumiArgs.push(arg);
        }
    }
    // pulumi takes the last --stack it is given and reads Pulumi.<stack>.yaml from --cwd: either
    // in the pass-through flags would run pulumi on another stack than the one checked here.
    const overriding = pulumiArgs.find((a) => /^(?:--stack|-s)(?:=|$)|^-s.|^(?:--cwd|-C)(?:=|$)|^-C./.test(a));
    if (overriding !== undefined) {
        throw new StackUsageError(`"${overriding}" is not allowed among pulumi's flags; give the stack once, first or as --stack NAME, and run from the project directory`);
    }
    if (action === "check" && stack === undefined) throw new StackUsageError("check needs a stack name");
    if (action === "destroy" && stack === undefined) {
        throw new StackUsageError(`destroy needs a stack name (npm run destroy -- ${laptopStack}), so nothing is destroyed by default`);
    }
    stack ??= laptopStack;
    const name = shortStackName(stack);
    if (name === undefined) {
        throw new StackUsageError(`stack "${stack}" is not allowed; expected letters, digits, "-", "_" or ".", optionally as org/project/stack`);
    }
    if (destroyProtected && action !== "destroy") {
        throw new StackUsageError("--destroy-protected belongs to destroy only");
    }
    return { action: action as StackAction, stack, name, destroyProtected, pulumiArgs };
}

/** What the wrapper reads from its environment. */
export interface StackEnvironment {
    /** Set by GitHub Actions and most CI systems. */
    CI?: string;
    PULUMI_BACKEND_URL?: string;
    PULUMI_CONFIG_PASSPHRASE?: string;
    PULUMI_CONFIG_PASSPHRASE_FILE?: string;
    /** True when a person can answer pulumi's prompts (stdin is a terminal and not CI). */
    interactive: boolean;
}

export interface PulumiPlan {
    /** Each entry is one `pulumi` invocation's arguments, run in order; empty for check. */
    runs: string[][];
    /** Variables to add to pulumi's environment. */
    env: Record<string, string>;
    /** Lines to print before running, e.g. what a default means. */
    notes: string[];
}

/** A variable a workflow fills from a missing secret is set but empty: that is no passphrase. */
function isSet(value: string | undefined): boolean {
    return value !== undefined && value !== "";
}

function isCi(env: StackEnvironment): boolean {
    return env.CI !== undefined && env.CI !== "" && env.CI !== "false" && env.CI !== "0";
}

/** Decides what to run, or throws StackRefused. */
export function planStackCommand(command: StackCommand, file: StackFile, env: StackEnvironment): PulumiPlan {
    const { action, stack, name } = command;
    const notes: string[] = [];
    const envOut: Record<string, string> = {};

    if (isCi(env) && !isSet(env.PULUMI_BACKEND_URL)) {
        throw new StackRefused(
            "PULUMI_BACKEND_URL is not set. In CI, Pulumi.yaml's default backend (file://~) would keep this run's state on a " +
                "throwaway runner and deploy everything a second time on the next run; set PULUMI_BACKEND_URL (s3://..., " +
                "https://api.pulumi.com with PULUMI_ACCESS_TOKEN, ...) from the repository's secrets.",
        );
    }

    if (action === "destroy") {
        if (!file.exists && !command.destroyProtected) {
            throw new StackRefused(
                `${file.fileName} does not exist, so whether stack ${stack} is protected cannot be told; ` +
                    "pass --destroy-protected to destroy it anyway",
            );
        }
        if (file.protected && !command.destroyProtected) {
            throw new StackRefused(
                `stack ${stack} is protected (protected: true in ${file.fileName}); destroying it removes the registry ` +
                    "and its trust on every client host. To do that anyway, pass --destroy-protected",
            );
        }
        if (file.protected) notes.push(`stack ${stack} is protected; destroying it because --destroy-protected was given`);
    } else if (!file.exists) {
        throw new StackRefused(
            `${file.fileName} does not exist. Create the environment first: pulumi stack init ${stack}, then ` +
                `pulumi config set --stack ${stack} --path 'hostnames[0]' registry.example.com (docs/environments-and-ci.md, "Add an environment")`,
        );
    }

    const passphraseGiven = isSet(env.PULUMI_CONFIG_PASSPHRASE) || isSet(env.PULUMI_CONFIG_PASSPHRASE_FILE);
    if (file.secretsProvider === "passphrase" && !passphraseGiven) {
        if (name === laptopStack) {
            // The laptop stack's secrets live next to its state on the same disk: an empty
            // passphrase spares a prompt and loses nothing. Other stacks never get this default.
            envOut.PULUMI_CONFIG_PASSPHRASE = "";
            notes.push(`stack ${laptopStack}: using an empty secrets passphrase (set PULUMI_CONFIG_PASSPHRASE to use your own)`);
        } else if (!env.interactive) {
            throw new StackRefused(
                `stack ${stack} encrypts its secrets with a passphrase and nobody can be asked for it here; ` +
                    "set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE",
            );
        }
    }

    if (!isSet(env.PULUMI_BACKEND_URL) && name !== laptopStack) {
        notes.push(`stack ${stack}: PULUMI_BACKEND_URL is not set, so its state is kept in Pulumi.yaml's backend (file://~, this machine)`);
    }
    return planRuns(command, envOut, notes);
}

/** The pulumi invocations for an action that passed the checks. */
function planRuns(command: StackCommand, envOut: Record<string, string>, notes: string[]): PulumiPlan {
    const { action, stack } = command;
    const stackFlag = ["--stack", stack];
    switch (action) {
        case "check":
            return { runs: [], env: envOut, notes };
        case "preview":
            return { runs: [["stack", "select", "--create", stack], ["preview", ...stackFlag, "--diff", ...command.pulumiArgs]], env: envOut, notes };
        case "up":
            return { runs: [["stack", "select", "--create", stack], ["up", ...stackFlag, ...command.pulumiArgs]], env: envOut, notes };
        case "destroy":
            // Never --create: destroying a stack that does not exist must not make one.
            return { runs: [["stack", "select", stack], ["destroy", ...stackFlag, ...command.pulumiArgs]], env: envOut, notes };
    }
}
