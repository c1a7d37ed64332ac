export { LogLevel, RegistryConfigArgs, RegistryConfigSettings, registryConfigDefaults, resolveRegistryConfig } from "./args";
export { findRegistryConfigProblems } from "./validation";
export { DistributionConfig, RedisConfig, RedisInput, RegistryConfigInput, S3DriverConfig, StorageInput, buildRegistryConfig, renderRegistryConfig } from "./render";
