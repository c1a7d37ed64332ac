/**
 * `npm run gc -- --container NAME [...]`: safe garbage collection of a registry this program
 * deployed. Exit codes: 0 done, 1 refused or failed, 2 bad arguments.
 */
import { join } from "node:path";
import { garbageCollect } from "./garbageCollect";
import { UsageError, formatReport, parseGcCommand } from "./gcCommand";
import { GarbageCollectRefused } from "./registryContainer";
import { readProjectName } from "../shared/projectFile";

async function main(): Promise<number> {
    let command;
    try {
        command = parseGcCommand(process.argv.slice(2));
    } catch (e) {
        if (e instanceof UsageError) {
            console.error(e.message);
            return 2;
        }
        throw e;
    }
    const abort = new AbortController();
    let interrupted = false;
    const onSignal = () => {
        if (interrupted) {
            console.error(`gc: exiting now; a stopped registry (filesystem storage) starts again with: docker start ${command.container}; read-only instances (S3) return to read-write when you run npm run gc again`);
            process.exit(130);
        }
        interrupted = true;
        console.error("gc: interrupted; stopping the collector and starting the registry again (interrupt again to exit at once)");
        abort.abort();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
        const report = await garbageCollect({
            container: command.container,
            instances: command.dockerHosts.map((dockerHost) => ({ dockerHost, container: command.container })),
            dryRun: command.dryRun,
            deleteUntagged: command.deleteUntagged,
            purgeUploads: command.purgeUploads,
            // The container must belong to this project.
            expect: { project: readProjectName(join(__dirname, "..", "..")), stack: command.stack },
            log: (m) => console.error(`gc: ${m}`),
            signal: abort.signal,
        });
        console.log(command.json ? JSON.stringify(report, null, 2) : formatReport(report));
        return 0;
    } catch (e) {
        console.error(`gc: ${e instanceof GarbageCollectRefused ? "refused: " : ""}${(e as Error).message}`);
        return 1;
    }
}

main().then((code) => process.exit(code));
