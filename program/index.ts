/**
 * The program adapter: the only code that reads stack config. It turns a stack's config into
 * the component's arguments; components/ never reads `pulumi.Config`.
 */
export { registryArgsFromConfig } from "./stackConfig";
export { deployedServerCertificate } from "./deployedCertificate";
export { clientsFromConfig } from "./clients";
export { instancesFromConfig } from "./instances";
export { mirrorsFromConfig } from "./mirrors";
export { redisFromConfig, s3FromConfig } from "./storage";
