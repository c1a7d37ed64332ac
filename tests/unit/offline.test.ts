/**
 * docs/offline.md, the page for machines without internet access, against the project and the real
 * Pulumi CLI: the plugin versions it names are the `pulumi.version` of the four @pulumi packages,
 * the CLI version for the launcher is the `pulumi` npm package's, and the version it says the tests
 * build is the kit's; its `pulumi plugin install resource NAME VERSION --file FILE` commands, run as
 * written through the launcher with a stand-in archive for FILE, install each plugin at its version;
 * and every PULUMI_* variable it names exists in the CLI's source (PULUMI_VERSION: the launcher's).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { PulumiProject, pulumiCliVersion } from "../kit/stack/pulumiCli";
import { codeBlocks } from "../kit/stack/docCommands";
import { projectDir } from "../kit/stack/stackFiles";

const page = readFileSync(join(projectDir, "docs", "offline.md"), "utf8");
const packageJson = (name: string) => JSON.parse(readFileSync(join(projectDir, "node_modules", name, "package.json"), "utf8"));
/** The launcher's version: the CLI it runs unless PULUMI_VERSION says otherwise. */
const launcherVersion: string = packageJson("pulumi").version;
/** The provider plugins the program needs, from the packages that load them. */
const neededPlugins = ["docker", "tls", "random", "command"]
    .map((pkg) => {
        const { name, version } = packageJson(`@pulumi/${pkg}`).pulumi as { name: string; version: string };
        return { name, version };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
/** Go as tests/kit/pulumiCli.sh finds it: on PATH, else the official install's place. */
const go = process.env.PATH?.split(":").some((d) => existsSync(join(d, "go"))) ? "go" : "/usr/local/go/bin/go";
/** The CLI's environment variables: sdk/go/common/env/env.go of the version the tests build, in the Go module cache its build filled. */
const envGo = join(execFileSync(go, ["env", "GOMODCACHE"], { encoding: "utf8" }).trim(), `github.com/pulumi/pulumi/sdk/v3@v${pulumiCliVersion}/go/common/env/env.go`);
const launcherResolve = join(projectDir, "node_modules", "pulumi", "lib", "resolve.js");

/** The body rows (as cells) of the table whose first header cell is `header`, outside code blocks. */
function tableRows(text: string, header: string): string[][] {
    const cells = (line: string) => line.trim().replace(/^\||\|$/g, "").split("|").map((c) => c.trim());
    const lines = text.split("\n");
    const start = lines.findIndex((l) => l.startsWith("|") && cells(l)[0] === header);
    assert.notEqual(start, -1, `a table headed "| ${header} |"`);
    const rows: string[][] = [];
    for (const line of lines.slice(start + 2)) {
        if (!line.startsWith("|")) break;
        rows.push(cells(line));
    }
    return rows;
}

/** The page's plugin install commands (every code line with `plugin install`): KIND NAME VERSION and the --file argument. */
function installCommands(): { line: string; kind: string; name: string; version: string; file: string }[] {
    const lines = codeBlocks(page)
        .flatMap((b) => b.lines)
        .filter((l) => /\bplugin install\b/.test(l));
    return lines.map((line) => {
        const words = line.trim().split(/\s+/);
        assert.deepEqual(words.slice(0, 4), ["npx", "pulumi", "plugin", "install"], `"${line}" runs npx pulumi plugin install`);
        const at = words.indexOf("--file");
        assert.ok(at > 0 && at + 1 < words.length, `"${line}" has --file FILE`);
        const [kind, name, version, ...rest] = words.slice(4).filter((_, i) => i + 4 !== at && i + 4 !== at + 1);
        assert.deepEqual(rest, [], `"${line}": nothing but KIND NAME VERSION and --file FILE`);
        return { line, kind, name, version, file: words[at + 1] };
    });
}

const byName = <T extends { name: string }>(list: T[]) => [...list].sort((a, b) => a.name.localeCompare(b.name));

describe("versions", () => {
    test("the plugin table names each plugin the program needs at its pulumi.version, and its release archive", () => {
        const rows = tableRows(page, "Piece").filter((r) => / plugin$/.test(r[0]));
        const named = rows.map((r) => {
            const m = /^`([a-z-]+)` plugin$/.exec(r[0]);
            assert.ok(m, `"${r[0]}" is "\`name\` plugin"`);
            return { name: m[1], version: r[1] };
        });
        assert.deepEqual(byName(named), neededPlugins);
        named.forEach(({ name, version }, i) => {
            assert.ok(rows[i][2].includes(`pulumi-resource-${name}-v${version}-linux-amd64.tar.gz`), `the ${name} row names its archive`);
        });
    });

    test("the install commands name exactly the plugins the program needs, each at its version", () => {
        const commands = installCommands();
        assert.deepEqual(byName(commands.map(({ name, version }) => ({ name, version }))), neededPlugins);
        for (const c of commands) {
            assert.equal(c.kind, "resource", c.line);
            assert.equal(c.file, `pulumi-resource-${c.name}-v${c.version}-linux-amd64.tar.gz`, c.line);
        }
    });

    test("the CLI version for the launcher is the pulumi npm package's, and the one the tests build is the kit's", () => {
        const cli = tableRows(page, "Piece").find((r) => r[0].startsWith("Pulumi CLI"));
        assert.ok(cli, "a Pulumi CLI row");
        assert.equal(cli[1], launcherVersion);
        const build = codeBlocks(page).map((b) => b.lines).find((b) => b.some((l) => l.includes("go build")));
        assert.ok(build, "a code block with the go build");
        assert.equal(/^version=(\S+)/m.exec(build.join("\n"))?.[1], pulumiCliVersion, "the build block's version= line");
        assert.match(page, new RegExp(`the CLI ${pulumiCliVersion.replace(/\./g, "\\.")} built as above`), "Tried here names the built version");
        assert.match(page, new RegExp(`version \`PULUMI_VERSION\`, else ${launcherVersion.replace(/\./g, "\\.")}`), "the launcher's default");
        // Any other CLI-like version (3.NNN.N) would be a stale pin.
        const mentioned = new Set([...page.matchAll(/\b3\.\d{3}\.\d+\b/g)].map((m) => m[0]));
        assert.deepEqual([...mentioned].filter((v) => v !== launcherVersion && v !== pulumiCliVersion), []);
    });
});

describe("the page's plugin install commands, through the real CLI", () => {
    let project: PulumiProject;
    before(async () => {
        project = await PulumiProject.create({ stacks: false });
    });
    after(async () => {
        await project?.remove();
    });

    test("install each plugin from a stand-in archive, and plugin ls lists it at its version", async () => {
        const commands = installCommands();
        assert.ok(commands.length > 0, "the page has install commands");
        const standIns = join(dirname(project.dir), "stand-ins");
        const empty = await project.pulumi(["plugin", "ls", "--json"]);
        assert.equal(empty.code, 0, empty.stderr);
        assert.deepEqual(JSON.parse(empty.stdout), [], "no plugin before");
        for (const c of commands) {
            const archive = join(standIns, `${c.name}.tar.gz`);
            const made = await project.bash(
                `mkdir -p "${standIns}/${c.name}" && cd "${standIns}/${c.name}"
                 printf '#!/bin/sh\\necho "stand-in for ${c.name}" >&2\\nexit 1\\n' > pulumi-resource-${c.name}
                 chmod +x pulumi-resource-${c.name} && tar -czf "${archive}" pulumi-resource-${c.name}`,
            );
            assert.equal(made.code, 0, made.stderr);
            // The line as the page has it, only the archive's path replaced.
            const line = c.line.replace(` --file ${c.file}`, ` --file ${archive}`);
            assert.notEqual(line, c.line, "the archive's path replaced");
            const run = await project.bash(line);
            assert.equal(run.code, 0, `${line}: exit ${run.code}\n${run.stdout}\n${run.stderr}`);
        }
        const ls = await project.pulumi(["plugin", "ls", "--json"]);
        assert.equal(ls.code, 0, ls.stderr);
        const listed = (JSON.parse(ls.stdout) as { name: string; kind: string; version: string }[]).map(({ name, kind, version }) => ({ name, kind, version }));
        assert.deepEqual(byName(listed), byName(commands.map(({ name, version }) => ({ name, kind: "resource", version }))));
        for (const c of commands) {
            const installed = await readFile(join(project.home, ".pulumi", "plugins", `resource-${c.name}-v${c.version}`, `pulumi-resource-${c.name}`), "utf8");
            assert.match(installed, new RegExp(`stand-in for ${c.name}`), `${c.name}: the stand-in, not a download`);
        }
    });
});

describe("environment variables", () => {
    test("every PULUMI_* variable the page names is read by the CLI, or (PULUMI_VERSION) by the launcher", () => {
        // env.Bool("SKIP_UPDATE_CHECK", …) declares PULUMI_SKIP_UPDATE_CHECK (the package adds the prefix).
        const declared = readFileSync(envGo, "utf8").matchAll(/env\.(?:String|Bool|Int|Alternative)\(\s*"([A-Z0-9_]+)"/g);
        const cliVariables = new Set([...declared].map((m) => `PULUMI_${m[1]}`));
        const launcher = readFileSync(launcherResolve, "utf8");
        const named = new Set([...page.matchAll(/\bPULUMI_[A-Z0-9_]+\b/g)].map((m) => m[0]));
        assert.ok(cliVariables.has("PULUMI_SKIP_UPDATE_CHECK"), `${envGo} was read`);
        const unknown = [...named].filter((v) => !cliVariables.has(v) && !launcher.includes(`process.env.${v}`));
        assert.deepEqual(unknown, []);
        assert.ok(named.has("PULUMI_VERSION") && launcher.includes("process.env.PULUMI_VERSION"), "PULUMI_VERSION, the launcher's");
    });

    test("the variable table names the two that stop update checks and plugin downloads", () => {
        const variables = tableRows(page, "Variable").map((r) => r[0].replace(/`/g, ""));
        for (const v of ["PULUMI_SKIP_UPDATE_CHECK", "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION"]) assert.ok(variables.includes(v), v);
    });

    test("the download URL override example is one regex=URL pair matching the plugin source it names", () => {
        const row = tableRows(page, "Variable").find((r) => r[0] === "`PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES`");
        assert.ok(row, "a PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES row");
        const value = /^`([^`]+)`$/.exec(row[1])?.[1];
        assert.ok(value, "its example value in backticks");
        const pair = value.split("=");
        assert.equal(pair.length, 2, "the CLI splits each pair at = and wants two parts");
        const source = /`(github:\/\/[^`]+)`/.exec(row[2])?.[1];
        assert.ok(source, "the plugin source it names");
        assert.match(source, new RegExp(pair[0]));
        assert.match(pair[1], /^https?:\/\//);
    });
});
