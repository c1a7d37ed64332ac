/** CHANGELOG.md and package.json agree: the version is the newest release, which has a dated entry. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { projectDir } from "../kit/stack/stackFiles";

test("package.json's version is CHANGELOG.md's newest release; Unreleased comes first; versions only go down", () => {
    const { version } = JSON.parse(readFileSync(join(projectDir, "package.json"), "utf8")) as { version: string };
    const lock = JSON.parse(readFileSync(join(projectDir, "package-lock.json"), "utf8")) as { version: string };
    const changelog = readFileSync(join(projectDir, "CHANGELOG.md"), "utf8");
    const headings = [...changelog.matchAll(/^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$/gm)].map((m) => ({ name: m[1], date: m[2] }));
    assert.equal(headings[0]?.name, "Unreleased");
    const releases = headings.slice(1);
    assert.ok(releases.length > 0 && releases.every((r) => /^\d+\.\d+\.\d+$/.test(r.name) && r.date), "releases are x.y.z - YYYY-MM-DD");
    assert.equal(releases[0].name, version);
    assert.equal(lock.version, version, "package-lock.json has the same version");
    const numeric = releases.map((r) => r.name.split(".").map(Number));
    for (let i = 1; i < numeric.length; i++) {
        const [a, b] = [numeric[i - 1], numeric[i]];
        assert.ok(a[0] > b[0] || (a[0] === b[0] && (a[1] > b[1] || (a[1] === b[1] && a[2] > b[2]))), `${releases[i - 1].name} is newer than ${releases[i].name}`);
    }
});
