export { DeploymentArgs, DeploymentSettings, InstanceSettings, RegistryInstanceArgs, deployedInstances, deploymentDefaults, resolveDeployment } from "./args";
export { findDeploymentProblems } from "./validation";
export {
    RedisCacheArgs, RedisSettings, S3Settings, S3StorageArgs, StorageArgs, StorageDriver, StorageSettings,
    minimumS3ChunkSize, redisDefaults, resolveStorage, s3Defaults, storageDefaults,
} from "./storage";
export { findStorageProblems } from "./storageValidation";
export { ContainerPaths, containerPaths, healthcheckCommand, labelKeys, registryCommand, registryLabels } from "./containerLayout";
