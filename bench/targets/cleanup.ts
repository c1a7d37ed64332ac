/**
 * Everything the bench starts (containers, volumes, processes, files) registers its undo here;
 * it runs in reverse order at the end, on an error, and on Ctrl-C.
 */
type Undo = () => Promise<unknown> | unknown;

const undos: { what: string; undo: Undo }[] = [];
let running: Promise<void> | undefined;

export function onCleanup(what: string, undo: Undo): void {
    undos.push({ what, undo });
}

export function cleanupAll(): Promise<void> {
    running ??= (async () => {
        while (undos.length > 0) {
            const { what, undo } = undos.pop()!;
            try {
                await undo();
            } catch (e) {
                console.error(`cleanup: ${what}: ${(e as Error).message}`);
            }
        }
    })();
    return running;
}

/** True once cleanup has begun (the end, an error, or a signal): later failures are its consequences. */
export function cleaningUp(): boolean {
    return running !== undefined;
}

/** Ctrl-C and kill still remove what was created. */
export function cleanupOnSignals(): void {
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
        process.once(signal, () => {
            console.error(`\n${signal}: cleaning up`);
            void cleanupAll().finally(() => process.exit(130));
        });
    }
}
