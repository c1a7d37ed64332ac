export * from "./args";
export * from "./privateRegistry";
export { RegistryConfigError, findProblems, validateSettings } from "./validation";
export { buildRegistryConfig, renderRegistryConfig, DistributionConfig, RegistryConfigInput } from "./registryConfig/render";
export { bcryptSalt, bcryptHash, renderHtpasswd } from "./credentials/htpasswd";
export { subjectAltNames, registryAddress, isDnsName, isIpAddress } from "./shared/hostnames";
export { caCertificateSpec, serverCertificateSpec, keySpec, CertificateSpec, KeySpec } from "./tls/certificates";
export { containerPaths, healthcheckCommand, registryLabels, labelKeys } from "./instances/containerLayout";
export { ClientHostArgs, ClientRuntime, ClientSettings, SshProxyArgs, clientDefaults, findClientProblems, resolveClients } from "./clientTrust/args";
export { ClientTrustSummary } from "./clientTrust/resources";
export { planTrust, renderApplyScript, renderRemoveScript, remoteCommand, renderHostsToml, trustOwner, trustPaths, emptyPlan, TrustPlan, TrustSettings } from "./clientTrust/script";
export { RegistryInstanceArgs, InstanceSettings, findInstanceProblems, resolveInstances } from "./instances/args";
export {
    StorageDriver, S3StorageArgs, RedisCacheArgs, S3Settings, RedisSettings, s3Defaults, minimumS3ChunkSize,
    findStorageProblems, resolveS3, resolveRedis,
} from "./instances/storage";
export { deployedInstances, instanceResourceName } from "./instances/resources";
