export { ClientHostArgs, ClientRuntime, ClientSettings, ClientTrustArgs, ClientTrustSettings, SshProxyArgs, clientDefaults, resolveClientTrust } from "./args";
export { findClientTrustProblems } from "./validation";
export { PlannedFile, TrustPlan, TrustSettings, emptyPlan, planTrust, renderHostsToml, trustOwner, trustPaths } from "./plan";
export { RenderOptions, remoteCommand, renderApplyScript, renderRemoveScript, shellQuote } from "./script";
export type { ClientTrustSummary } from "./resources";
