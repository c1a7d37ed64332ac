/**
 * The garbage collection API, for programs and tests (`npm run gc` is gcCli.ts). Nothing here
 * loads Pulumi: it drives the docker CLI only.
 */
export { garbageCollect } from "./garbageCollect";
export { GarbageCollectRefused } from "./registryContainer";
/** @public What garbageCollect throws once it has started; callers may tell it from a refusal. */
export { GarbageCollectError } from "./collectorRun";
/** @public garbageCollect's arguments and its report. */
export type { GarbageCollectOptions, GarbageCollectReport, InstanceRef } from "./types";
/** @public An entry of GarbageCollectReport.manifestsRemoved. */
export type { ManifestRef } from "./collector";
export { readOnlyConfig, writableConfig } from "./readOnlyMode";
