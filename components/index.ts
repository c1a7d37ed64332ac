/**
 * The component and its pure parts. Each domain folder owns its arguments, defaults,
 * resolution, validation and renderers; this barrel is what programs and tests use.
 */
export { PrivateRegistryArgs, defaults } from "./args";
export { PrivateRegistry, RegistryInstanceSummary, privateRegistryType } from "./privateRegistry";
export { RegistrySettings, resolveSettings } from "./settings";
export { findProblems, findWarnings, validateSettings } from "./validation";
export { RegistryConfigError } from "./shared/problems";
export { isDnsName, isIpAddress, registryAddress, subjectAltNames } from "./shared/hostnames";
export * from "./endpoint";
export * from "./tls";
export * from "./credentials";
export * from "./registryConfig";
export * from "./version";
export * from "./instances";
export * from "./mirrors";
export * from "./clientTrust";
