export { LogLevel, RegistryConfigArgs, RegistryConfigSettings, registryConfigDefaults, resolveRegistryConfig } from "./args";
export { findRegistryConfigProblems } from "./validation";
export { DistributionConfig, RegistryConfigInput, buildRegistryConfig, renderRegistryConfig } from "./render";
