export { RegistryMajor, RegistryVersionArgs, RegistryVersionSettings, registryMajors, resolveRegistryVersion } from "./args";
export { findVersionProblems } from "./validation";
