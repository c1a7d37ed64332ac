/**
 * Distribution 3.1 beside 2.8: the product's container as deployed on each major's image,
 * measured by the pushpull, throughput and parallel suites in the same rounds with the same
 * clients (its targets sit next to the 2.8 container's in their rotation). Ratios are 3.1 / 2.8,
 * medians of per-round ratios; the table sets the figures side by side with each binary's Go.
 */
import { costId, costLabel, defaultCost } from "../targets/costs";
import { majorShort } from "../targets/majors";
import type { RegistryBuild } from "../report/machine";
import type { Results, SideBySide } from "../report/results";
import { parallelStreams } from "./runBlobs";

/** The 3.1 container's ids in the suites: `push.v3`, `up.v3-h1`, `par-up.v3-h1`... */
export const pushPullId3 = "v3";
export const throughputId3 = "v3-h1";

/** One measure: the 2.8 container's figure id, the 3.1 container's, and what it is. */
interface Measure {
    id: string;
    label: string;
    v2: string;
    v3: string;
    /** Only a figure side by side, no ratio (request counts). */
    figureOnly?: boolean;
}

const measures: Measure[] = [
    { id: "push", label: "docker push, s (lower is faster)", v2: `push.${costId(defaultCost)}`, v3: `push.${pushPullId3}` },
    { id: "pull", label: "docker pull, s (lower is faster)", v2: `pull.${costId(defaultCost)}`, v3: `pull.${pushPullId3}` },
    { id: "push-requests", label: "requests by the daemon per push", v2: `push-requests.${costId(defaultCost)}`, v3: `push-requests.${pushPullId3}`, figureOnly: true },
    { id: "pull-requests", label: "requests by the daemon per pull", v2: `pull-requests.${costId(defaultCost)}`, v3: `pull-requests.${pushPullId3}`, figureOnly: true },
    { id: "up", label: "upload, one stream, MiB/s", v2: "up.nat-h1", v3: `up.${throughputId3}` },
    { id: "down", label: "download, one stream, MiB/s", v2: "down.nat-h1", v3: `down.${throughputId3}` },
    { id: "par-up", label: `${parallelStreams}× upload at once, MiB/s aggregate`, v2: "par-up.nat-h1", v3: `par-up.${throughputId3}` },
    { id: "par-down", label: `${parallelStreams}× download at once, MiB/s aggregate`, v2: "par-down.nat-h1", v3: `par-down.${throughputId3}` },
];

/** 3.1 / 2.8 per measure both were measured for, and the side-by-side table (nothing when 3.1 was not measured). */
export function majorRatios(results: Results, registries: readonly RegistryBuild[]): void {
    const measured = measures.filter((m) => results.get(m.v2) && results.get(m.v3));
    if (measured.length === 0) return;
    const [v2, v3] = [majorShort(2), majorShort(3)];
    const ratioId = (m: Measure) => `major.${m.id}.3/2`;
    for (const m of measured.filter((x) => !x.figureOnly)) {
        results.ratio("Distribution 3 / 2", ratioId(m), `${m.label.split(",")[0]}: ${v3} / ${v2}, container as deployed, ${costLabel(defaultCost)}`, m.v3, m.v2);
    }
    const heading = (major: 2 | 3) => {
        const r = registries.find((x) => x.major === major);
        return `${r ? r.image.split(":").pop() : major} (${r?.go ?? "go unknown"})`;
    };
    const table: SideBySide = {
        title: `Distribution ${v3} beside ${v2}: the container as deployed on each, same clients, same rounds; medians; ${v3} / ${v2} is the median of per-round ratios`,
        columns: ["", heading(2), heading(3), `${v3} / ${v2}`],
        rows: measured.map((m) => ({ label: m.label, cells: [{ figure: m.v2 }, { figure: m.v3 }, m.figureOnly ? undefined : { ratio: ratioId(m) }] })),
    };
    results.tables.push(table);
}
