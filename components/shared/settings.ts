/**
 * How every domain turns its arguments into settings: defaults in one object per domain, bounds
 * in one table per domain, and a given/not-given rule for optional secrets.
 */
import type * as pulumi from "@pulumi/pulumi";

/** Inclusive bounds of a whole-number setting, written once and used by validation and renderers alike. */
export interface WholeNumberRange {
    min: number;
    max: number;
}

/** An optional input counts as given unless it is undefined or the empty string (Pulumi.yaml's "not set"). */
export function isGiven<T extends pulumi.Input<string>>(value: T | undefined): value is T {
    return value !== undefined && value !== "";
}

/**
 * The keys of `defaults`, each from `args` where given, else the default (lists copied, so a
 * settings object never shares an array with the arguments or the defaults).
 */
export function withDefaults<D extends object>(defaults: D, args: { [K in keyof D]?: D[K] }): D {
    const resolved = {} as D;
    for (const key of Object.keys(defaults) as (keyof D)[]) {
        const value = args[key] ?? defaults[key];
        resolved[key] = (Array.isArray(value) ? [...value] : value) as D[keyof D];
    }
    return resolved;
}
