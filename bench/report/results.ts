/** Samples of every figure by id, in the order measured; medians and ratios are derived from them. */
import { median, pairedRatio } from "./stats";

export type Unit = "ms/request" | "s" | "MiB/s" | "requests";

export interface Figure {
    id: string;
    section: string;
    label: string;
    unit: Unit;
    samples: number[];
    median: number;
    /** Protocol curl or the docker daemon actually used, when known. */
    protocol?: string;
}

export interface Ratio {
    id: string;
    section: string;
    label: string;
    numerator: string;
    denominator: string;
    /** Median of the per-round ratios. */
    value: number;
    /** What the issue asks for, e.g. ">= 0.9". */
    target?: { op: ">=" | "<="; value: number };
}

/** A cell of a side-by-side table: a figure's median or a ratio's value, by id; undefined is blank. */
export type Cell = { figure: string } | { ratio: string } | undefined;

/** Figures and ratios already recorded, laid out in rows and columns for reading side by side. */
export interface SideBySide {
    title: string;
    /** Column headings; the first heads the row labels. */
    columns: string[];
    rows: { label: string; cells: Cell[] }[];
}

export class Results {
    readonly figures = new Map<string, Figure>();
    readonly ratios: Ratio[] = [];
    readonly notes: string[] = [];
    readonly tables: SideBySide[] = [];

    add(section: string, id: string, label: string, unit: Unit, sample: number, protocol?: string): void {
        const f = this.figures.get(id) ?? { id, section, label, unit, samples: [], median: NaN, protocol };
        f.samples.push(sample);
        f.median = median(f.samples);
        if (protocol && f.protocol && !f.protocol.split(",").includes(protocol)) f.protocol += `,${protocol}`;
        else if (protocol) f.protocol ??= protocol;
        this.figures.set(id, f);
    }

    get(id: string): Figure | undefined {
        return this.figures.get(id);
    }

    /** numerator / denominator per round, median over rounds; skipped when either was not measured. */
    ratio(section: string, id: string, label: string, numerator: string, denominator: string, target?: Ratio["target"]): void {
        const a = this.figures.get(numerator);
        const b = this.figures.get(denominator);
        if (!a || !b) return;
        this.ratios.push({ id, section, label, numerator, denominator, value: pairedRatio(a.samples, b.samples), target });
    }
}
