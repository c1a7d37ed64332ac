/**
 * The garbage collection API, for programs and tests (`npm run gc` is gcCli.ts). Nothing here
 * loads Pulumi: it drives the docker CLI only.
 */
export { garbageCollect } from "./garbageCollect";
export { GarbageCollectError } from "./collectorRun";
export { GarbageCollectRefused } from "./registryContainer";
export type { GarbageCollectOptions, GarbageCollectReport, InstanceRef } from "./types";
export type { ManifestRef } from "./collector";
export { readOnlyConfig, writableConfig, isReadOnly } from "./readOnlyMode";
export { redisCacheOf, flushCommands, flushSucceeded } from "./redisFlush";
export type { RedisTarget } from "./redisFlush";
export { tarWithFile, singleFileFromTar } from "./tarFile";
