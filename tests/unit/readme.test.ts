/**
 * README.md is the user's front page and docs/ holds one short page per task. README must keep a
 * row for every config key (top-level and nested) and stack output, and link every docs page;
 * every relative link must resolve; the pages keep the day-2 tasks and the scale-out guide; and
 * prose lines stay readable. (A review once deleted 400 lines of the manual by mistake.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { registryArgsFromConfig } from "../../program";
import { projectDir, projectFile } from "../kit/stack/stackFiles";

const readText = (file: string) => readFileSync(join(projectDir, file), "utf8");
const readme = readText("README.md");
const docsDir = join(projectDir, "docs");
/** Every page under docs/, as a project-relative path. */
const docPages = existsSync(docsDir) ? readdirSync(docsDir).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`) : [];
/** One page per task, each linked from README. */
const taskPages = ["client-hosts", "certificates", "scale-out", "operations", "environments-and-ci", "performance", "contributing"].map(
    (page) => `docs/${page}.md`,
);
const page = (file: string) => (existsSync(join(projectDir, file)) ? readText(file) : "");

/** The text with the lines of fenced code blocks blanked (line numbers kept). */
function withoutCode(text: string): string {
    let inFence = false;
    return text
        .split("\n")
        .map((line) => {
            if (/^\s*(```|~~~)/.test(line)) {
                inFence = !inFence;
                return "";
            }
            return inFence ? "" : line;
        })
        .join("\n");
}

/** The text of a heading's section (`## title` by default), up to the next heading of that level or above. */
function section(text: string, title: string, level = 2): string {
    const prose = withoutCode(text).split("\n");
    const start = prose.findIndex((l) => l === `${"#".repeat(level)} ${title}`);
    assert.notEqual(start, -1, `has a "${"#".repeat(level)} ${title}" section`);
    const end = prose.findIndex((l, i) => i > start && new RegExp(`^#{1,${level}} `).test(l));
    return text.split("\n").slice(start, end === -1 ? undefined : end).join("\n");
}

/** Headings outside code blocks, without the #s. */
const headings = (text: string) => [...withoutCode(text).matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1].trim());

/** Markdown tables outside code blocks: the header's cells and each body row's first cell. */
function tables(text: string): { header: string[]; firstCells: string[] }[] {
    const cells = (line: string) => line.trim().replace(/^\||\|$/g, "").split("|").map((c) => c.trim());
    const found: { header: string[]; firstCells: string[] }[] = [];
    let rows: string[] = [];
    for (const line of [...withoutCode(text).split("\n"), ""]) {
        if (line.trim().startsWith("|")) {
            rows.push(line);
            continue;
        }
        if (rows.length >= 2) found.push({ header: cells(rows[0]), firstCells: rows.slice(2).map((r) => cells(r)[0]) });
        rows = [];
    }
    return found;
}

/** Keys in the first column of the table whose first header cell is `header`: cells "`key`". */
function tableKeys(text: string, header: string): string[] {
    const table = tables(text).find((t) => t.header[0] === header);
    assert.ok(table, `a table headed "| ${header} |"`);
    return table.firstCells.map((cell) => {
        const m = /^`([A-Za-z0-9_.]+)`$/.exec(cell);
        assert.ok(m, `"${cell}" in the "${header}" table is one key in backticks`);
        return m[1];
    });
}

/**
 * Runs the program adapter on a stand-in for the stack config holding `values`: the component's
 * arguments, and every key the program read.
 */
function readByProgram(values: Record<string, unknown>): { args: unknown; keys: Set<string> } {
    const keys = new Set<string>();
    const config = new Proxy(
        {},
        {
            get: (_target, method) => (key: string) => {
                keys.add(key);
                if (values[key] === undefined && String(method).startsWith("require")) throw new Error(`${key} is required`);
                return values[key];
            },
        },
    ) as unknown as pulumi.Config;
    return { args: registryArgsFromConfig(config), keys };
}

const minimal = { hostnames: ["registry.example.com"] };

/** The keys the program accepts in an object it checks: what it names when it refuses an unknown one. */
function acceptedKeys(key: string, value: unknown): string[] {
    try {
        readByProgram({ ...minimal, [key]: value });
    } catch (e) {
        const m = /\.zzUnknown: unknown setting; expected one of (.+)$/m.exec((e as Error).message);
        assert.ok(m, `refusing an unknown key in ${key} names the known ones: ${(e as Error).message}`);
        return m[1].split(", ");
    }
    return assert.fail(`the program accepted an unknown key in ${key}`);
}

/** The stack config objects Pulumi.yaml cannot type, which the README documents as objects. */
const objectKeys = ["clients", "s3", "redis", "instances", "mirrors"];

test("the configuration reference has a row for every key, declared or read by the program", () => {
    const { keys: read } = readByProgram(minimal);
    const declared = Object.keys(projectFile.config);
    assert.deepEqual([...read].filter((k) => !declared.includes(k)).sort(), [...objectKeys].sort(), "the undeclared keys the program reads");
    assert.deepEqual(declared.filter((k) => !read.has(k)), ["protected"], "README says the program ignores protected");
    const config = section(readme, "Configuration");
    assert.deepEqual(tableKeys(config, "Key").sort(), [...new Set([...declared, ...read])].sort());
});

test("the configuration reference's defaults are Pulumi.yaml's", () => {
    const rows = withoutCode(section(readme, "Configuration")).split("\n");
    const show = (v: unknown) => (Array.isArray(v) ? `[${v.join(", ")}]` : v === "" ? '""' : String(v));
    for (const [key, schema] of Object.entries(projectFile.config)) {
        if (schema.default === undefined) continue;
        const row = rows.find((r) => r.startsWith(`| \`${key}\` |`));
        assert.ok(row, `a row for ${key}`);
        assert.equal(row.split("|")[3].trim(), `\`${show(schema.default)}\``, `default of ${key}`);
    }
});

test("the nested keys of clients, proxy, s3, redis, instances and mirrors each have a row", () => {
    const config = section(readme, "Configuration");
    const clientKeys = acceptedKeys("clients", [{ zzUnknown: true }]);
    const proxyKeys = acceptedKeys("clients", [{ name: "a", host: "a.example.com", proxy: { zzUnknown: true } }]);
    assert.ok(clientKeys.includes("proxy"));
    const expected: [string, string[]][] = [
        ["`clients[]` key", [...clientKeys, ...proxyKeys.map((k) => `proxy.${k}`)]],
        ["`s3` key", acceptedKeys("s3", { zzUnknown: true })],
        ["`redis` key", acceptedKeys("redis", { zzUnknown: true })],
        ["`instances[]` key", acceptedKeys("instances", [{ zzUnknown: true }])],
        ["`mirrors[]` key", acceptedKeys("mirrors", [{ zzUnknown: true }])],
    ];
    for (const [header, keys] of expected) {
        assert.deepEqual(tableKeys(config, header).sort(), [...keys].sort(), header);
    }
});

test("the outputs table has a row for every stack output", () => {
    const program = readText("index.ts");
    const exported = [...program.matchAll(/^export const (\w+)/gm)].map((m) => m[1]);
    assert.ok(exported.length >= 10);
    assert.deepEqual(tableKeys(section(readme, "Outputs"), "Output").sort(), [...exported].sort());
});

test("README is a front page: its sections, under 275 lines, and who reads the stack config", () => {
    for (const title of ["Architecture", "Requirements", "Quick start", "Configuration", "Outputs", "Contributing"]) {
        section(readme, title);
    }
    assert.ok(readme.split("\n").length < 275, `README.md has ${readme.split("\n").length} lines`);
    const architecture = section(readme, "Architecture");
    assert.match(architecture, /only the program adapter `program\/`.*?reads `pulumi\.Config`/s);
    assert.match(architecture, /`components\/`[^.]*never\s+reads config/);
    for (const file of sourceFiles("components")) {
        assert.doesNotMatch(readText(file), /pulumi\.Config\b|new Config\(/, `${file} reads no stack config, as README says`);
    }
});

function sourceFiles(dir: string): string[] {
    return readdirSync(join(projectDir, dir), { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && e.name.endsWith(".ts"))
        .map((e) => relative(projectDir, join(e.parentPath, e.name)));
}

/** Relative link targets (outside code) of a markdown file, as written. */
function relativeLinks(text: string): string[] {
    const prose = withoutCode(text).replace(/`[^`\n]*`/g, "");
    return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^[a-z]+:/i.test(t));
}

/** GitHub's anchor for each heading of a markdown text. */
function anchors(text: string): Set<string> {
    const seen = new Map<string, number>();
    return new Set(
        headings(text).map((h) => {
            const slug = h.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replace(/ /g, "-");
            const n = seen.get(slug) ?? 0;
            seen.set(slug, n + 1);
            return n === 0 ? slug : `${slug}-${n}`;
        }),
    );
}

test("README links every docs page, and each task page exists", () => {
    const linked = new Set(relativeLinks(readme).map((t) => t.split("#")[0]));
    for (const file of [...new Set([...taskPages, ...docPages])]) {
        assert.ok(existsSync(join(projectDir, file)), `${file} exists`);
        assert.ok(linked.has(file), `README.md links ${file}`);
    }
});

test("every relative link in README and docs resolves to a file or heading", () => {
    for (const file of ["README.md", ...docPages]) {
        for (const target of relativeLinks(readText(file))) {
            const [path, anchor] = target.split("#");
            const resolved = path === "" ? join(projectDir, file) : resolve(dirname(join(projectDir, file)), path);
            assert.ok(existsSync(resolved), `${file}: ${target} (no file ${relative(projectDir, resolved)})`);
            if (anchor !== undefined && resolved.endsWith(".md")) {
                assert.ok(anchors(readFileSync(resolved, "utf8")).has(anchor), `${file}: ${target} (no such heading)`);
            }
        }
    }
});

test("each docs page has a title and a paragraph saying what it is for", () => {
    assert.deepEqual(taskPages.filter((file) => !docPages.includes(file)), [], "every task page is in docs/");
    for (const file of docPages) {
        const [title, blank, first] = page(file).split("\n");
        assert.match(title, /^# \S/, `${file} starts with a title`);
        assert.equal(blank, "", file);
        assert.match(first, /^[A-Z`]/, `${file}: a paragraph follows the title`);
    }
});

test("the day-2 tasks are in docs/operations.md, scale-out in docs/scale-out.md", () => {
    const operations = headings(page("docs/operations.md"));
    for (const task of [/^Add a user$/, /^Rotate all passwords$/, /client host/i, /^Destroy$/, /garbage collection/i]) {
        assert.ok(operations.some((h) => task.test(h)), `docs/operations.md has a heading matching ${task}`);
    }
    const scaleOut = page("docs/scale-out.md");
    for (const topic of [/^Several instances over shared storage$/, /^Redis$/, /load balancer/i, /^Limits$/, /^Upgrade/]) {
        assert.ok(headings(scaleOut).some((h) => topic.test(h)), `docs/scale-out.md has a heading matching ${topic}`);
    }
    assert.match(scaleOut, /stream \{/, "the load balancer example");
    assert.doesNotMatch(readme, /^## Several instances over shared storage$/m, "README links it instead");
});

test("README's Contributing names the test command and links the contributing page", () => {
    const contributing = section(readme, "Contributing");
    assert.match(contributing, /npm test/);
    assert.match(contributing, /\]\(docs\/contributing\.md\)/);
});

test("no prose line of README.md or docs/*.md is longer than 120 characters (tables and code excepted)", () => {
    const long: string[] = [];
    for (const file of ["README.md", ...docPages]) {
        withoutCode(readText(file))
            .split("\n")
            .forEach((line, i) => {
                if (line.length > 120 && !line.trim().startsWith("|")) long.push(`${file}:${i + 1} (${line.length})`);
            });
    }
    assert.deepEqual(long, []);
});
