/**
 * Throwaway Linux users for the client-host tests, logged into over SSH: one with passwordless
 * sudo (and the docker group), one with neither. Every test file creates its own pair under new
 * names and removes it (home, sudoers file, group) when done, so no file depends on what another
 * one left in a home. Users whose creating run is gone (killed before its cleanup) are removed
 * by the next run. Needs root.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile, rm, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { ownerAlive, thisOwner } from "./owner";

const exec = promisify(execFile);

/** The comment (GECOS) field of every user made here: the owner follows it. */
const marker = "private-registry-tests owner ";
/** The fixed names an earlier version of this kit created and never removed. */
const legacyUsers = ["prtrust-sudo", "prtrust-plain"];

export interface TestUsers {
    /** Passwordless sudo and the docker group. */
    sudoUser: string;
    /** Neither sudo nor docker. */
    plainUser: string;
    /** Removes both users with their homes and the sudoers file. Idempotent. */
    remove(): Promise<void>;
}

/** Creates two new users: unlocked (key login only), bash, a home. */
export async function createTestUsers(): Promise<TestUsers> {
    await removeStaleTestUsers();
    const id = randomBytes(3).toString("hex");
    const sudoUser = `prtrust-${id}-sudo`;
    const plainUser = `prtrust-${id}-plain`;
    const created: string[] = [];
    let removed = false;
    const remove = async () => {
        if (removed) return;
        removed = true;
        for (const user of created) await removeUser(user);
    };
    try {
        for (const user of [sudoUser, plainUser]) {
            await withPasswdLock(() => exec("useradd", ["--create-home", "--shell", "/bin/bash", "--comment", `${marker}${thisOwner}`, user]));
            created.push(user);
            // "*": no password, but not locked; sshd refuses key logins to locked accounts.
            await withPasswdLock(() => exec("usermod", ["-p", "*", user]));
        }
        await withPasswdLock(() => exec("usermod", ["-aG", "docker", sudoUser])).catch(() => undefined);
        await writeFile(sudoersFile(sudoUser), `${sudoUser} ALL=(ALL) NOPASSWD: ALL\n`, { mode: 0o440 });
    } catch (e) {
        await remove();
        throw e;
    }
    return { sudoUser, plainUser, remove };
}

const sudoersFile = (user: string) => `/etc/sudoers.d/${user}`;

/** Removes users made here whose run is gone, and the legacy fixed-name users. */
async function removeStaleTestUsers(): Promise<void> {
    const passwd = await readFile("/etc/passwd", "utf8");
    for (const line of passwd.split("\n")) {
        const [name, , , , comment] = line.split(":");
        if (name === undefined || comment === undefined) continue;
        const stale = comment.startsWith(marker) ? !ownerAlive(comment.slice(marker.length)) : legacyUsers.includes(name);
        if (stale) await removeUser(name);
    }
}

async function removeUser(user: string): Promise<void> {
    // --force: even with a session still open; --remove: the home and mail spool too.
    await withPasswdLock(() => exec("userdel", ["--force", "--remove", user])).catch((e: { code?: number; stderr?: string }) => {
        // 6: no such user (already gone); 12: the home could not be removed (checked below).
        if (e.code !== 6 && e.code !== 12) throw new Error(`userdel ${user}: ${e.stderr ?? String(e)}`);
    });
    await rm(`/home/${user}`, { recursive: true, force: true });
    await rm(sudoersFile(user), { force: true });
}

/** Retries a passwd-file change while another process (another test file) holds the lock. */
async function withPasswdLock<T>(change: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
        try {
            return await change();
        } catch (e) {
            const stderr = String((e as { stderr?: unknown }).stderr ?? "");
            if (attempt >= 50 || !/lock/i.test(stderr)) throw e;
            await new Promise((r) => setTimeout(r, 200));
        }
    }
}
