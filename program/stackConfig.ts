/**
 * Stack config to the component's arguments: the one place that reads a stack's config.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PrivateRegistryArgs } from "../components/args";
import type { LogLevel } from "../components/registryConfig/args";
import type { TlsKeyAlgorithm, TlsSource } from "../components/tls/args";
import type { StorageDriver } from "../components/instances/storage";
import type { RegistryMajor } from "../components/version/args";
import { clientsFromConfig } from "./clients";
import { instancesFromConfig } from "./instances";
import { mirrorsFromConfig } from "./mirrors";
import { isSecretConfig } from "./secretConfig";
import { redisFromConfig, s3FromConfig } from "./storage";

/** What the stack's own last deployment served, not config: program/deployedCertificate.ts reads it. */
type NotConfig = "deployedServerCertificate";

/** Every argument, each read from the stack config (possibly as undefined): a new argument the reader misses fails the build. */
type EveryArgument = { [K in Exclude<keyof Required<PrivateRegistryArgs>, NotConfig>]: PrivateRegistryArgs[K] };

/**
 * The component's arguments from a stack's config (Pulumi.yaml's defaults overlaid with
 * Pulumi.<stack>.yaml). `protected` is not among them: only the npm stack wrappers read it.
 */
export function registryArgsFromConfig(config: pulumi.Config): PrivateRegistryArgs {
    /** Reads a list of strings; Pulumi.yaml types it, this keeps a hand-edited stack file's error readable. */
    function stringList(key: string): string[] | undefined {
        const value = config.getObject<unknown>(key);
        if (value === undefined) {
            return undefined;
        }
        if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
            throw new Error(`${key}: ${JSON.stringify(value)} is not allowed; expected a list of strings`);
        }
        return value as string[];
    }

    /** An optional secret: unset and "" (the Pulumi.yaml default) both mean "not given". */
    function optionalSecret(key: string): pulumi.Output<string> | undefined {
        const value = config.get(key);
        return value ? pulumi.secret(value) : undefined;
    }

    /** An optional plain text: "" (the Pulumi.yaml default) means "not given". */
    function optionalText(key: string): string | undefined {
        return config.get(key) || undefined;
    }

    const args: EveryArgument = {
        hostnames: stringList("hostnames") ?? config.requireObject<string[]>("hostnames"),
        port: config.getNumber("port"),
        bindAddress: config.get("bindAddress"),
        debugPort: config.getNumber("debugPort"),
        debugOnNetwork: config.getBoolean("debugOnNetwork"),
        users: stringList("users"),
        passwordLength: config.getNumber("passwordLength"),
        passwordUpper: config.getBoolean("passwordUpper"),
        passwordLower: config.getBoolean("passwordLower"),
        passwordNumeric: config.getBoolean("passwordNumeric"),
        passwordSpecial: config.getBoolean("passwordSpecial"),
        passwordRotation: config.get("passwordRotation"),
        bcryptCost: config.getNumber("bcryptCost"),
        authRealm: config.get("authRealm"),
        tlsValidityHours: config.getNumber("tlsValidityHours"),
        tlsEarlyRenewalHours: config.getNumber("tlsEarlyRenewalHours"),
        caValidityHours: config.getNumber("caValidityHours"),
        tlsKeyAlgorithm: config.get<TlsKeyAlgorithm>("tlsKeyAlgorithm"),
        tlsCertificate: optionalSecret("tlsCertificate"),
        tlsPrivateKey: optionalSecret("tlsPrivateKey"),
        tlsCaCertificate: optionalText("tlsCaCertificate"),
        tlsSource: optionalText("tlsSource") as TlsSource | undefined,
        acmeEmail: config.get("acmeEmail"),
        acmeDirectory: config.get("acmeDirectory"),
        acmeCaCertificates: optionalText("acmeCaCertificates"),
        image: config.get("image"),
        // 0 (the Pulumi.yaml default) means "read the image's tag"; any other number passes through,
        // and the component names a wrong major with what is allowed.
        registryVersion: (config.getNumber("registryVersion") || undefined) as RegistryMajor | undefined,
        containerName: optionalText("containerName"),
        dataVolumeName: optionalText("dataVolumeName"),
        retainDataOnDestroy: config.getBoolean("retainDataOnDestroy"),
        dockerHost: optionalText("dockerHost"),
        corsOrigins: stringList("corsOrigins"),
        logLevel: config.get<LogLevel>("logLevel"),
        accessLog: config.getBoolean("accessLog"),
        tracingEndpoint: config.get("tracingEndpoint"),
        logMaxSize: config.get("logMaxSize"),
        logMaxFiles: config.getNumber("logMaxFiles"),
        // A list of objects: Pulumi.yaml cannot declare its type, clientsFromConfig checks it.
        clients: clientsFromConfig(config.getObject<unknown>("clients")),
        sshPrivateKey: optionalSecret("sshPrivateKey"),
        storage: config.get<StorageDriver>("storage"),
        // Objects, like clients: their readers check the keys and make the keys and password secrets.
        s3: s3FromConfig(config.getObject<unknown>("s3")),
        redis: redisFromConfig(config.getObject<unknown>("redis")),
        instances: instancesFromConfig(config.getObject<unknown>("instances")),
        // A list of objects too; a password in it must come from an encrypted (secret) value.
        mirrors: mirrorsFromConfig(config.getObject<unknown>("mirrors"), isSecretConfig(config, "mirrors")),
    };
    return args;
}
