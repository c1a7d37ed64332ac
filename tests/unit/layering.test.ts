/**
 * The layering rules of .dependency-cruiser.cjs (which `npm run build` checks too): the tree keeps
 * them, and they bite, shown on a small tree made to break each one. And components/ never reads
 * the stack config itself.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const projectDir = join(__dirname, "..", "..");
const config = join(projectDir, ".dependency-cruiser.cjs");
const depcruise = join(projectDir, "node_modules", "dependency-cruiser", "bin", "dependency-cruise.mjs");

interface Violation {
    rule: { name: string; severity: string };
    from: string;
    to: string;
}

/** Runs dependency-cruiser with the project's rules on `paths` (relative to `cwd`); its violations as `rule: from -> to`. */
function cruise(cwd: string, paths: string[]): string[] {
    const run = spawnSync(process.execPath, [depcruise, "--config", config, "--output-type", "json", ...paths], { cwd, encoding: "utf8", maxBuffer: 64 << 20 });
    assert.ok(run.stdout, `dependency-cruiser printed nothing (exit code ${run.status}): ${run.stderr}`);
    const violations = (JSON.parse(run.stdout) as { summary: { violations: Violation[] } }).summary.violations;
    return violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
}

test("the tree keeps every layering rule", () => {
    assert.deepEqual(cruise(projectDir, ["."]), []);
});

test("no file under components/ reads the stack config (program/ does)", async () => {
    const components = join(projectDir, "components");
    for (const file of await readdir(components, { recursive: true })) {
        if (!file.endsWith(".ts")) continue;
        const text = await readFile(join(components, file), "utf8");
        assert.doesNotMatch(text, /pulumi\.Config\b|new\s+Config\s*\(/, `components/${file}`);
    }
});

// A tree that breaks each rule once, beside imports every rule allows.
const fixture: Record<string, string> = {
    "tsconfig.json": JSON.stringify({ compilerOptions: { module: "commonjs", moduleResolution: "node", strict: true } }),
    // Allowed: the program reads program/ and hands it to components/. Not allowed: anything else.
    "index.ts": `import { PrivateRegistry } from "./components";\nimport { args } from "./program";\nimport { gc } from "./operations/gc/gc";\nexport const registry = new PrivateRegistry(args, gc);\n`,
    "program/index.ts": `import { stackName } from "./stackConfig";\nexport const args = { stackName };\n`,
    "program/stackConfig.ts": `export const stackName = "dev";\n`,
    "program/gcHook.ts": `import { gc } from "../operations/gc/gc";\nexport const hook = gc;\n`,
    "components/index.ts": `export { PrivateRegistry } from "./privateRegistry";\n`,
    "components/privateRegistry.ts": `import { cn } from "./tls/cert";\nexport class PrivateRegistry { constructor(readonly args: unknown, readonly gc: unknown) {} static cn = cn; }\n`,
    "components/tls/cert.ts": `import { stackName } from "../../program/stackConfig";\nexport const cn = stackName;\n`,
    "components/credentials/users.ts": `import { PrivateRegistry } from "../index";\nexport const users = PrivateRegistry;\n`,
    "components/shared/names.ts": `import { cn } from "../tls/cert";\nexport const names = [cn];\n`,
    "components/instances/layout.ts": `export const dataRoot = "/var/lib/registry";\n`,
    "operations/shared/project.ts": `export const project = "p";\n`,
    "operations/shared/extra.ts": `import { plan } from "../stack/plan";\nexport const extra = plan;\n`,
    "operations/gc/gc.ts": `import { project } from "../shared/project";\nimport { dataRoot } from "../../components/instances/layout";\nimport { plan } from "../stack/plan";\nexport const gc = [project, dataRoot, plan];\n`,
    "operations/stack/plan.ts": `import { project } from "../shared/project";\nimport { PrivateRegistry } from "../../components";\nexport const plan = [project, PrivateRegistry];\n`,
    "operations/stack/cli.ts": `import { plan } from "./plan";\nimport { gc } from "../gc/gc";\nexport const cli = [plan, gc];\n`,
    "tests/kit/mock.ts": `export const mock = 1;\n`,
    "tests/support/helper.ts": `export const helper = 2;\n`,
    "tests/unit/a.test.ts": `import { mock } from "../kit/mock";\nimport { helper } from "../support/helper";\nimport { gc } from "../../operations/gc/gc";\nimport { args } from "../../program";\nexport const all = [mock, helper, gc, args];\n`,
    "bench/main.ts": `import { mock } from "../tests/kit/mock";\nimport { helper } from "../tests/support/helper";\nexport const bench = [mock, helper];\n`,
    "tools/release.ts": `import { mock } from "../tests/kit/mock";\nexport const release = mock;\n`,
    // A circle through a type-only import is a circle too.
    "lib/a.ts": `import { b } from "./b";\nexport const a = b + 1;\nexport interface Shape { size: number }\n`,
    "lib/b.ts": `import type { Shape } from "./a";\nexport const b = 1;\nexport const unit: Shape = { size: b };\n`,
    "lib/c.ts": `import { x } from "./missing";\nexport const c = x;\n`,
};

let work: string;

before(async () => {
    work = await mkdtemp(join(tmpdir(), "layering-"));
    for (const [path, text] of Object.entries(fixture)) {
        await mkdir(dirname(join(work, path)), { recursive: true });
        await writeFile(join(work, path), text);
    }
});

after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
});

test("every rule bites, and only where it should", () => {
    assert.deepEqual(cruise(work, ["."]), [
        "bench-uses-test-kit-only: bench/main.ts -> tests/support/helper.ts",
        "components-stay-below: components/tls/cert.ts -> program/stackConfig.ts",
        "domains-not-the-component: components/credentials/users.ts -> components/index.ts",
        // Reported once, where the circle is entered; b.ts closes it with a type-only import.
        "no-circular: lib/a.ts -> lib/b.ts",
        "no-unresolvable: lib/c.ts -> ./missing",
        "operations-gc-not-stack: operations/gc/gc.ts -> operations/stack/plan.ts",
        "operations-shared-is-shared: operations/shared/extra.ts -> operations/stack/plan.ts",
        "operations-stack-not-gc: operations/stack/cli.ts -> operations/gc/gc.ts",
        "operations-without-pulumi-program: operations/stack/plan.ts -> components/index.ts",
        "program-entry-thin: index.ts -> operations/gc/gc.ts",
        "program-not-operations: program/gcHook.ts -> operations/gc/gc.ts",
        "shared-is-the-bottom: components/shared/names.ts -> components/tls/cert.ts",
        "tests-stay-out-of-the-product: tools/release.ts -> tests/kit/mock.ts",
    ]);
});
