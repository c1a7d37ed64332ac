/**
 * bcrypt costs measured: the product's default (read from components/credentials/args.ts, so the bench
 * follows it), the former default 5 and 10 as comparisons. The default is what the deployed
 * container runs with; every target applies to it.
 */
import { credentialsDefaults } from "../../components/credentials/args";

export const defaultCost = credentialsDefaults.bcryptCost;
/** The default before the benchmark's data lowered it. */
export const formerDefaultCost = 5;
/** Comparison costs, never the default itself. */
export const comparisonCosts = [formerDefaultCost, 10].filter((c) => c !== defaultCost);
/** Every cost measured, the default first. */
export const allCosts = [defaultCost, ...comparisonCosts];

export const costId = (cost: number) => `cost${cost}`;

/** "cost 4 (default)", "cost 5 (former default)", "cost 10". */
export function costLabel(cost: number): string {
    if (cost === defaultCost) return `cost ${cost} (default)`;
    if (cost === formerDefaultCost) return `cost ${cost} (former default)`;
    return `cost ${cost}`;
}

/** The cost of every entry of an htpasswd file (`user:$2y$04$...`). */
export function htpasswdCosts(htpasswd: string): number[] {
    return htpasswd
        .split("\n")
        .filter(Boolean)
        .map((line) => {
            const m = /^[^:]+:\$2[abxy]?\$(\d\d)\$/.exec(line);
            if (!m) throw new Error(`htpasswd line is not bcrypt: ${line.split(":")[0]}:...`);
            return Number(m[1]);
        });
}
