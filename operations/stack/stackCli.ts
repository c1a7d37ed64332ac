/**
 * `npm run preview|up|destroy -- [STACK] [...]` and `npm run stack:check -- STACK`: runs the
 * pulumi CLI for one stack after the checks in stackCommand.ts (protected stacks, CI backend,
 * passphrase). Exit codes: pulumi's own, 1 refused, 2 bad arguments.
 */
import { spawnSync } from "node:child_process";
import { parseStackCommand, planStackCommand, StackCommand, StackRefused, StackUsageError } from "./stackCommand";
import { readProjectName } from "../shared/projectFile";
import { readStackFile, StackFileError } from "./stackFile";

// npm runs scripts in the project directory, where pulumi looks for Pulumi.yaml too.
const projectDir = process.cwd();

function main(): number {
    const [action = "", ...argv] = process.argv.slice(2);
    let command: StackCommand;
    try {
        command = parseStackCommand(action, argv);
    } catch (e) {
        if (e instanceof StackUsageError) {
            console.error(e.message);
            return 2;
        }
        throw e;
    }
    const project = readProjectName(projectDir);
    let plan;
    try {
        const file = readStackFile(projectDir, project, command.name);
        plan = planStackCommand(command, file, { ...process.env, interactive: process.stdin.isTTY === true && !process.env.CI });
    } catch (e) {
        if (e instanceof StackRefused || e instanceof StackFileError) {
            console.error(`${action}: refused: ${e.message}`);
            return 1;
        }
        throw e;
    }
    for (const note of plan.notes) console.error(`${action}: ${note}`);
    if (command.action === "check") {
        console.error(`check: stack ${command.stack} is ready for CI`);
        return 0;
    }
    // Ctrl-C reaches pulumi too (same process group): let it cancel cleanly instead of
    // dying first and leaving it running behind npm's back.
    process.on("SIGINT", () => undefined);
    for (const args of plan.runs) {
        // `pulumi` is the npm package's launcher in node_modules/.bin (npm run puts it on PATH),
        // which runs the CLI version package-lock.json pins.
        const run = spawnSync("pulumi", args, { cwd: projectDir, stdio: "inherit", env: { ...process.env, ...plan.env } });
        if (run.error) {
            console.error(`${action}: could not run pulumi: ${run.error.message}`);
            return 1;
        }
        if (run.status !== 0) return run.status ?? 1;
    }
    return 0;
}

process.exit(main());
