export { RegistryMajor, RegistryVersionArgs, RegistryVersionSettings, imageTag, registryMajors, resolveRegistryVersion, tagMajor } from "./args";
export { findVersionProblems } from "./validation";
