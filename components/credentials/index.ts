export { CredentialsArgs, CredentialsSettings, credentialsDefaults, credentialsRanges, resolveCredentials } from "./args";
export { findCredentialsProblems } from "./validation";
export { bcryptHash, bcryptSalt, renderHtpasswd } from "./htpasswd";
