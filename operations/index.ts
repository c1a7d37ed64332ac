export { garbageCollect, GarbageCollectError, GarbageCollectOptions, GarbageCollectReport, GarbageCollectRefused, InstanceRef } from "./garbageCollect";
export { ManifestRef } from "./collector";
export { readOnlyConfig, writableConfig, isReadOnly } from "./readOnlyMode";
export { redisCacheOf, flushCommands, flushSucceeded, RedisTarget } from "./redisFlush";
export { tarWithFile, singleFileFromTar } from "./tarFile";
