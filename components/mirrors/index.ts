export { MirrorAccess, MirrorArgs, MirrorSettings, MirrorStorage, MirrorsArgs, MirrorsSettings, dockerHubUpstream, mirrorAccesses, resolveMirrors } from "./args";
export { findMirrorProblems, findMirrorWarnings } from "./validation";
export { RegistryMirrorSummary } from "./outputs";
