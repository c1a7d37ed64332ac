/** One line of progress on stdout, with the time: what the bench is doing now. */
export function progress(message: string): void {
    process.stdout.write(`  ${new Date().toISOString().slice(11, 19)} ${message}\n`);
}
