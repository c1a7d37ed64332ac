export { garbageCollect, GarbageCollectError, GarbageCollectOptions, GarbageCollectReport, GarbageCollectRefused } from "./garbageCollect";
export { ManifestRef } from "./collector";
