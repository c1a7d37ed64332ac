/** The printed table and the JSON file. */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Cell, Figure, Ratio, Results, SideBySide } from "./results";

function fmt(value: number): string {
    if (!Number.isFinite(value)) return "n/a";
    const abs = Math.abs(value);
    return abs >= 100 ? value.toFixed(0) : abs >= 10 ? value.toFixed(1) : abs >= 1 ? value.toFixed(2) : value.toFixed(3);
}

function table(rows: string[][]): string {
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ")).join("\n");
}

function figureRows(figures: Figure[]): string {
    return table([
        ["figure", "median", "unit", "protocol", "runs"],
        ...figures.map((f) => {
            const show = f.unit === "requests" ? (v: number) => v.toFixed(0) : fmt;
            return [f.label, show(f.median), f.unit, f.protocol ?? "", f.samples.map(show).join(" ")];
        }),
    ]);
}

export function meets(r: Ratio): boolean | undefined {
    if (!r.target) return undefined;
    return r.target.op === ">=" ? r.value >= r.target.value : r.value <= r.target.value;
}

function ratioRows(ratios: Ratio[]): string {
    return table([
        ["ratio (median of per-round ratios)", "value", "target", "met"],
        ...ratios.map((r) => [r.label, `${fmt(r.value)}×`, r.target ? `${r.target.op} ${r.target.value}` : "", r.target ? (meets(r) ? "yes" : "NO") : ""]),
    ]);
}

/** A side-by-side cell: a median, a ratio with "×", "n/a" when its id was not measured, "" when blank. */
function cellText(results: Results, cell: Cell): string {
    if (cell === undefined) return "";
    if ("figure" in cell) {
        const f = results.get(cell.figure);
        return f?.unit === "requests" ? f.median.toFixed(0) : fmt(f?.median ?? NaN);
    }
    const r = results.ratios.find((x) => x.id === cell.ratio);
    return r ? `${fmt(r.value)}×` : "n/a";
}

function sideBySideRows(results: Results, t: SideBySide): string {
    return table([t.columns, ...t.rows.map((row) => [row.label, ...row.cells.map((c) => cellText(results, c))])]);
}

export function printReport(results: Results, header: string[]): void {
    console.log(`\n${header.join("\n")}`);
    const sections = [...new Set([...results.figures.values()].map((f) => f.section))];
    for (const section of sections) {
        console.log(`\n== ${section}\n${figureRows([...results.figures.values()].filter((f) => f.section === section))}`);
    }
    for (const t of results.tables) console.log(`\n== ${t.title}\n${sideBySideRows(results, t)}`);
    if (results.ratios.length > 0) console.log(`\n== Ratios, measured side by side in this run\n${ratioRows(results.ratios)}`);
    if (results.notes.length > 0) console.log(`\n${results.notes.map((n) => `* ${n}`).join("\n")}`);
}

export async function writeJson(path: string, content: unknown): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, JSON.stringify(content, null, 2) + "\n");
}
