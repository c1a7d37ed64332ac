/**
 * The component's exact command, with the script's host root moved from `/` to `root`, so it
 * can run against a folder. The header line must be there exactly once.
 */
export function reroot(command: string, root: string): string {
    const line = "\nROOT='\\'''\\''\n";
    const parts = command.split(line);
    if (parts.length !== 2) throw new Error("the command has no single ROOT='' line");
    return parts.join(`\nROOT='\\''${root}'\\''\n`);
}
