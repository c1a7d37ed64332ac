export { LogLevel, RegistryConfigArgs, RegistryConfigSettings, registryConfigDefaults, resolveRegistryConfig } from "./args";
export { findRegistryConfigProblems } from "./validation";
export { registryEnvironment } from "./environment";
export { DistributionConfig, RedisConfig2, RedisConfig3, RedisInput, RegistryConfigInput, S3DriverConfig, StorageInput, buildRegistryConfig, renderRegistryConfig } from "./render";
