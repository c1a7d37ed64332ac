/**
 * README.md is the user's manual: it must keep a row for every config key and stack output,
 * and the sections users look for. (A review once deleted 400 lines of it by mistake.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { projectDir, projectFile } from "../support/stackFiles";

const readme = readFileSync(join(projectDir, "README.md"), "utf8");

/** The text of a `## ` section, up to the next one. */
function section(title: string): string {
    const start = readme.indexOf(`\n## ${title}\n`);
    assert.notEqual(start, -1, `README.md has a "## ${title}" section`);
    const next = readme.indexOf("\n## ", start + 1);
    return readme.slice(start, next === -1 ? undefined : next);
}

/** Keys in the first column of a table: rows starting with "| `key`". */
const tableKeys = (text: string) => [...text.matchAll(/^\| `([A-Za-z0-9]+)`/gm)].map((m) => m[1]);

test("the configuration reference has a row for every key, declared or checked by the program", () => {
    const rows = tableKeys(section("Configuration"));
    const objectKeys = ["clients", "s3", "redis", "instances"];
    assert.deepEqual([...rows].sort(), [...Object.keys(projectFile.config), ...objectKeys].sort());
});

test("the outputs table has a row for every stack output", () => {
    const program = readFileSync(join(projectDir, "index.ts"), "utf8");
    const exported = [...program.matchAll(/^export const (\w+)/gm)].map((m) => m[1]);
    assert.ok(exported.length >= 10);
    assert.deepEqual(tableKeys(section("Outputs")).sort(), [...exported].sort());
});

test("the manual keeps its sections: quick start, day-2 tasks, scale-out, and the test command", () => {
    for (const title of ["Quick start", "Configuration", "Client hosts", "Outputs", "Several instances over shared storage", "Day-2 operations", "Contributing"]) {
        section(title);
    }
    const day2 = section("Day-2 operations");
    for (const task of [/\*\*Add a user\.\*\*/, /\*\*Rotate all passwords\.\*\*/, /client host/i, /destroy/i, /garbage collection/i]) {
        assert.match(day2, task);
    }
    assert.match(section("Contributing"), /npm test/);
});
