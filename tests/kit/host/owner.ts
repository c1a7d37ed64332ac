/**
 * Who owns a leftover: what tests put on the host (users, /etc/hosts lines, temp dirs of their
 * daemons, test images) is marked with the creating process's pid and start time, and what they
 * name (containers, volumes) carries its pid, so a later run can tell that its owner is gone (a
 * run killed before its cleanup) and remove it, and never touches what a live run owns.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";

/** Field 22 of /proc/<pid>/stat: tells a live process from a later one with the same pid; "" if none. */
function startTime(pid: number): string {
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
function pidAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}

/**
 * `<kind>-<pid>-<6 hex>`: a name no other run uses, that tells which process made it, so what a
 * killed run left under such a name (containers, volumes, namespaces) can be removed by the next.
 */
export function uniqueName(kind: string): string {
    return `${kind}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

/** Whether `name` holds a {@link uniqueName} whose process is gone (never this process's). */
export function madeByGoneRun(name: string): boolean {
    const pid = Number(/(?:^|[-.])[a-z0-9]+-(\d+)-[0-9a-f]{6}(?=$|[-.:])/.exec(name)?.[1]);
    return pid > 0 && pid !== process.pid && !pidAlive(pid);
}
