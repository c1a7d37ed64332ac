export * from "./args";
export * from "./privateRegistry";
export { RegistryConfigError, findProblems, validateSettings } from "./validation";
export { buildRegistryConfig, renderRegistryConfig, DistributionConfig, RegistryConfigInput } from "./registryConfig";
export { bcryptSalt, bcryptHash, renderHtpasswd } from "./htpasswd";
export { subjectAltNames, registryAddress, isDnsName, isIpAddress } from "./hostnames";
export { caCertificateSpec, serverCertificateSpec, keySpec, CertificateSpec, KeySpec } from "./certificates";
export { containerPaths, healthcheckCommand, registryLabels, labelKeys } from "./containerLayout";
