/** Medians and side-by-side ratios over the rounds of one run. */

export function median(values: readonly number[]): number {
    if (values.length === 0) return NaN;
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Median of the per-round ratios a[i] / b[i]: both were measured back to back in the same
 * round, so slow drift of the machine cancels out.
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
    const n = Math.min(a.length, b.length);
    return median(Array.from({ length: n }, (_, i) => a[i] / b[i]));
}

export const MiB = 1024 * 1024;
