export * from "./args";
export * from "./privateRegistry";
export { RegistryConfigError, findProblems, validateSettings } from "./validation";
export { buildRegistryConfig, renderRegistryConfig, DistributionConfig, RegistryConfigInput } from "./registryConfig";
export { bcryptSalt, bcryptHash, renderHtpasswd } from "./htpasswd";
export { subjectAltNames, registryAddress, isDnsName, isIpAddress } from "./hostnames";
export { caCertificateSpec, serverCertificateSpec, keySpec, CertificateSpec, KeySpec } from "./certificates";
export { containerPaths, healthcheckCommand, registryLabels, labelKeys } from "./containerLayout";
export { ClientHostArgs, ClientRuntime, ClientSettings, SshProxyArgs, clientDefaults, clientsFromConfig, findClientProblems, resolveClients } from "./clientHosts";
export { ClientTrustSummary } from "./clientTrust";
export { planTrust, renderApplyScript, renderRemoveScript, remoteCommand, renderHostsToml, trustOwner, trustPaths, emptyPlan, TrustPlan, TrustSettings } from "./trustScript";
export * from "../operations";
export { registryArgsFromConfig } from "./stackConfig";
export { RegistryInstanceArgs, InstanceSettings, findInstanceProblems, instancesFromConfig, resolveInstances } from "./instances";
export {
    StorageDriver, S3StorageArgs, RedisCacheArgs, S3Settings, RedisSettings, s3Defaults, minimumS3ChunkSize,
    findStorageProblems, s3FromConfig, redisFromConfig, resolveS3, resolveRedis,
} from "./storage";
export { deployedInstances, instanceResourceName } from "./registryInstance";
