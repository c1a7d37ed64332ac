/**
 * The stack commands the guides give, as written: the shell blocks of a Markdown page, the
 * `npx pulumi` lines in them, and what a `config set` line sets (key, path, secret, value and
 * where the value comes from), read the way bash reads the line.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { projectDir } from "./stackFiles";

/** One line of a Markdown text: the heading above it, and the fenced block it sits in (its info string, its index). */
interface MarkdownLine {
    text: string;
    heading: string;
    fence?: string;
    block?: number;
}

/** Every line of a Markdown text but the fence lines; a block's lines lose the fence's indentation. */
function markdownLines(text: string): MarkdownLine[] {
    const lines: MarkdownLine[] = [];
    let heading = "";
    let open: { fence: string; indent: number; block: number } | undefined;
    let blocks = 0;
    for (const line of text.split("\n")) {
        const fence = /^(\s*)```(\w*)/.exec(line);
        if (fence) {
            open = open === undefined ? { fence: fence[2], indent: fence[1].length, block: blocks++ } : undefined;
        } else if (open !== undefined) {
            lines.push({ text: line.slice(Math.min(open.indent, line.length - line.trimStart().length)), heading, fence: open.fence, block: open.block });
        } else {
            if (/^#+ /.test(line)) heading = line.replace(/^#+ /, "");
            lines.push({ text: line, heading });
        }
    }
    return lines;
}

/** The fenced blocks of a Markdown text, in order, each with its info string, the heading above it and its lines. */
export function codeBlocks(text: string): { fence: string; heading: string; lines: string[] }[] {
    const blocks: { fence: string; heading: string; lines: string[] }[] = [];
    for (const line of markdownLines(text)) {
        if (line.block === undefined) continue;
        blocks[line.block] ??= { fence: line.fence ?? "", heading: line.heading, lines: [] };
        blocks[line.block].lines.push(line.text);
    }
    return blocks.filter((b) => b !== undefined);
}

const readPage = (page: string) => readFileSync(join(projectDir, page), "utf8");
const isShell = (fence: string | undefined) => fence === "sh" || fence === "bash";

/** The shell block under `heading` of a page; throws when there is not exactly one. */
export function shellBlockUnder(page: string, heading: string): string {
    const found = codeBlocks(readPage(page)).filter((b) => isShell(b.fence) && b.heading === heading);
    if (found.length !== 1) throw new Error(`${page}: expected one shell block under "${heading}", found ${found.length}`);
    return found[0].lines.join("\n") + "\n";
}

/** A word of a command line: text, or a file read by `"$(cat FILE)"` or by `< FILE`. */
type Word = { text: string } | { catOf: string } | { stdinFrom: string };

/** The words of one shell line as bash splits them (quotes, `"$(cat f)"`, `< f`, a trailing comment). */
export function shellWords(line: string): Word[] {
    const words: Word[] = [];
    let i = 0;
    while (i < line.length) {
        const c = line[i];
        if (c === " " || c === "\t") {
            i++;
        } else if (c === "#") {
            break;
        } else if (c === "<") {
            i++;
            while (line[i] === " ") i++;
            const start = i;
            while (i < line.length && line[i] !== " ") i++;
            words.push({ stdinFrom: line.slice(start, i) });
        } else {
            let text = "";
            let cat: string | undefined;
            while (i < line.length && line[i] !== " " && line[i] !== "\t") {
                if (line[i] === "'") {
                    const end = line.indexOf("'", i + 1);
                    text += line.slice(i + 1, end);
                    i = end + 1;
                } else if (line[i] === '"') {
                    const end = line.indexOf('"', i + 1);
                    const quoted = line.slice(i + 1, end);
                    const m = /^\$\(cat (\S+)\)$/.exec(quoted);
                    if (m) cat = m[1];
                    else text += quoted;
                    i = end + 1;
                } else {
                    text += line[i++];
                }
            }
            words.push(cat !== undefined ? { catOf: cat } : { text });
        }
    }
    return words;
}

/**
 * The `npx pulumi config set|rm` and `stack init` commands a page gives, in page order: lines of
 * its shell blocks, inline code in its prose, and `# pulumi config …` comments in its YAML examples
 * (run as `npx pulumi …`, as the prose ones are).
 */
export function stackCommandsOf(page: string): string[] {
    const command = /^npx pulumi (?:config set|config rm|stack init) \S/;
    const commands: string[] = [];
    for (const { text, fence } of markdownLines(readPage(page))) {
        if (isShell(fence)) {
            if (command.test(text)) commands.push(text);
        } else if (fence !== undefined) {
            const comment = /#\s*(pulumi config (?:set|rm) .+?)\s*$/.exec(text);
            if (comment) commands.push(`npx ${comment[1]}`);
        } else {
            for (const m of text.matchAll(/`(npx pulumi [^`]+)`/g)) if (command.test(m[1])) commands.push(m[1]);
        }
    }
    return commands;
}

/** The key a `pulumi config rm` line removes; undefined for any other line. */
export function configRmOf(line: string): { stack?: string; key: string; path: boolean } | undefined {
    const texts = shellWords(line).map((w) => ("text" in w ? w.text : ""));
    if (texts.slice(0, 4).join(" ") !== "npx pulumi config rm") return undefined;
    const rm: { stack?: string; key?: string; path: boolean } = { path: false };
    for (let i = 4; i < texts.length; i++) {
        if (texts[i] === "--path") rm.path = true;
        else if (texts[i] === "--stack") rm.stack = texts[++i];
        else rm.key = texts[i];
    }
    if (rm.key === undefined) throw new Error(`cannot read "${line}"`);
    return rm as { stack?: string; key: string; path: boolean };
}

/** What a `pulumi config set` line sets. */
export interface ConfigSet {
    stack?: string;
    key: string;
    path: boolean;
    secret: boolean;
    /** The value as typed, or the file it is read from (`"$(cat f)"` or `< f`). */
    value: Word;
}

/** Reads `npx pulumi config set [flags] KEY [VALUE]`; undefined for any other line. */
export function configSetOf(line: string): ConfigSet | undefined {
    const words = shellWords(line);
    const texts = words.map((w) => ("text" in w ? w.text : undefined));
    if (texts[0] !== "npx" || texts[1] !== "pulumi" || texts[2] !== "config" || texts[3] !== "set") return undefined;
    const set: Partial<ConfigSet> & { path: boolean; secret: boolean } = { path: false, secret: false };
    const rest = words.slice(4);
    for (let i = 0; i < rest.length; i++) {
        const w = rest[i];
        if ("text" in w && w.text === "--path") set.path = true;
        else if ("text" in w && w.text === "--secret") set.secret = true;
        else if ("text" in w && w.text === "--stack") set.stack = (rest[++i] as { text: string }).text;
        else if (set.key === undefined && "text" in w) set.key = w.text;
        else set.value = w;
    }
    if (set.key === undefined || set.value === undefined) throw new Error(`cannot read "${line}"`);
    return set as ConfigSet;
}
