/** Round-robin helpers: each round visits every variant, starting one further along each time. */
export function rotated<T>(items: readonly T[], round: number): T[] {
    const k = round % Math.max(1, items.length);
    return [...items.slice(k), ...items.slice(0, k)];
}
