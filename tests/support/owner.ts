/**
 * Who owns a leftover: what tests put on the host (users, /etc/hosts lines, temp dirs of their
 * daemons) is marked with the creating process's pid and start time, so a later run can tell
 * that its owner is gone (a run killed before its cleanup) and remove it, and never touches what
 * a run that is still going owns.
 */
import { readFileSync } from "node:fs";

/** Field 22 of /proc/<pid>/stat: tells a live process from a later one with the same pid; "" if none. */
export function startTime(pid: number): string {
    let text: string;
    try {
        text = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
        return "";
    }
    return text.slice(text.lastIndexOf(")") + 2).split(" ")[19] ?? "";
}

/** This process as an owner: "<pid> <start time>". */
export const thisOwner = `${process.pid} ${startTime(process.pid)}`;

/** Whether the owner "<pid> <start time>" still runs (the same process, not a later one with its pid). */
export function ownerAlive(owner: string): boolean {
    const [pid, since] = owner.trim().split(" ");
    return Number(pid) > 0 && since !== undefined && since !== "" && startTime(Number(pid)) === since;
}

/** Whether any process with this pid runs (for names that carry only a pid). */
export function pidAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}
