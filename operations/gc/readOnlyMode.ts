/**
 * The registry config with and without Distribution's read-only mode
 * (`storage.maintenance.readonly.enabled`): pulls are served, pushes and deletes refused. Pure.
 */
import { parse, parseDocument } from "yaml";

const readOnlyPath = ["storage", "maintenance", "readonly"];

/** The config with read-only mode on; everything else as it was. */
export function readOnlyConfig(config: string): string {
    const doc = parseDocument(config);
    doc.setIn(readOnlyPath, { enabled: true });
    return doc.toString({ lineWidth: 0 });
}

/** The config without read-only mode: the deployed config, also after an interrupted collection left it read-only. */
export function writableConfig(config: string): string {
    if (!isReadOnly(config)) return config;
    const doc = parseDocument(config);
    doc.deleteIn(readOnlyPath);
    return doc.toString({ lineWidth: 0 });
}

export function isReadOnly(config: string): boolean {
    const storage = (parse(config) as { storage?: { maintenance?: { readonly?: { enabled?: boolean } } } } | null)?.storage;
    return storage?.maintenance?.readonly?.enabled === true;
}
