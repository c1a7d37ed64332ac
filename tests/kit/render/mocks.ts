/**
 * Mocks for the resource providers this program uses. They record every resource with its
 * inputs and options, answer with the outputs the real providers compute, and throw on any
 * resource type or call they do not know (so a new dependency cannot pass unnoticed).
 */
import * as pulumi from "@pulumi/pulumi";
import type * as tls from "@pulumi/tls";
import { createHash, randomBytes } from "node:crypto";
import * as opensslTls from "./opensslTls";
import { reveal } from "./secrets";

export interface RecordedResource {
    type: string;
    name: string;
    /** Inputs as the provider would receive them, secrets still in their envelopes. */
    inputs: Record<string, unknown>;
}

export interface RecordedOptions {
    type: string;
    name: string;
    parentType?: string;
    parentName?: string;
    retainOnDelete?: boolean;
    deleteBeforeReplace?: boolean;
    additionalSecretOutputs?: string[];
    ignoreChanges?: string[];
    replaceOnChanges?: string[];
    /** The `replacementTrigger` option: the engine replaces the resource when it differs from the recorded one. */
    replacementTrigger?: pulumi.Input<unknown>;
    /** The state migrations the resource carries (run them on a prior state to see what the engine would diff). */
    stateMigrations: pulumi.StateMigration[];
    /** The error hooks the resource carries. */
    onError: pulumi.ErrorHook[];
    /** Names of the resources in `dependsOn`. */
    dependsOn: string[];
    /** Names the resource's aliases give (only name aliases are recorded). */
    aliasNames: string[];
    hasProvider: boolean;
    /** Name of the explicit provider, if any. */
    providerName?: string;
}

type Outputs = Record<string, unknown>;

export interface MockOptions {
    /** "openssl" makes real keys and certificates; "fake" returns placeholders (fast). */
    tls: "openssl" | "fake";
    /**
     * Outputs of an earlier run by resource name: returned again instead of new values, as
     * the engine returns stored state when inputs did not change. Only for resources whose
     * outputs are generated (keys, certificates, random values); the Docker and command
     * resources' outputs follow from their inputs, so a changed input (a new image) shows.
     */
    state?: Map<string, Outputs>;
    /**
     * What the registry answers for a tag's digest (`docker.getRegistryImage`), by image
     * reference; default: a digest derived from the reference, the same on every run.
     */
    registryDigests?: Record<string, string>;
    /** The outputs of the stack's last deployment, as a reference to the stack itself reads them; default none (a new stack). */
    stackOutputs?: Record<string, unknown>;
}

/** Resource types whose mock outputs are a function of their inputs: never taken from `state`. */
const derivedFromInputs = new Set([
    "docker:index/remoteImage:RemoteImage",
    "docker:index/volume:Volume",
    "docker:index/container:Container",
    "command:remote:Command",
]);

const alphabets = {
    upper: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    lower: "abcdefghijklmnopqrstuvwxyz",
    numeric: "0123456789",
    special: "!@#$%&*()-_=+[]{}<>:?",
};

function randomPassword(inputs: Record<string, unknown>): string {
    const length = Number(inputs.length);
    const classes = (Object.keys(alphabets) as (keyof typeof alphabets)[]).filter((c) => inputs[c] !== false);
    const alphabet = classes.map((c) => alphabets[c]).join("");
    const bytes = randomBytes(length);
    // One character from each class first (the min* inputs), then any.
    return Array.from(bytes, (byte, i) => {
        const set = i < classes.length ? alphabets[classes[i]] : alphabet;
        return set[byte % set.length];
    }).join("");
}

export class RegistryMocks implements pulumi.runtime.Mocks {
    resources: RecordedResource[] = [];
    outputsByName = new Map<string, Outputs>();

    constructor(private options: MockOptions) {}

    /** Starts a new recording. The monitor stays: late RPCs of an earlier run still find their resources. */
    reset(options: MockOptions): void {
        this.options = options;
        this.resources = [];
        this.outputsByName = new Map();
        this.digestLookups = [];
        this.digestLookupProviders = [];
    }

    async newResource(args: pulumi.runtime.MockResourceArgs): Promise<{ id: string; state: Outputs }> {
        this.resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        const stored = derivedFromInputs.has(args.type) ? undefined : this.options.state?.get(args.name);
        const outputs = stored ?? (await this.outputsFor(args.type, args.name, reveal(args.inputs) as Record<string, unknown>));
        this.outputsByName.set(args.name, outputs);
        return { id: `${args.name}-id`, state: { ...args.inputs, ...outputs } };
    }

    /** The image references the program looked up, in order. */
    digestLookups: string[] = [];
    /** The provider reference (`<urn>::<id>`) of each lookup, in the same order; "" for the default provider. */
    digestLookupProviders: (string | undefined)[] = [];

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        if (args.token === "docker:index/getRegistryImage:getRegistryImage") {
            const name = String(args.inputs.name);
            this.digestLookups.push(name);
            this.digestLookupProviders.push(args.provider);
            const sha256Digest = this.options.registryDigests?.[name] ?? `sha256:${createHash("sha256").update(name).digest("hex")}`;
            return { id: name, name, sha256Digest };
        }
        throw new Error(`RegistryMocks: unexpected provider function call ${args.token}`);
    }

    /** The named resource's recorded inputs, with secrets revealed. */
    inputsOf(name: string): Record<string, unknown> {
        const found = this.resources.filter((r) => r.name === name);
        if (found.length !== 1) {
            throw new Error(`expected one resource named ${name}, found ${found.length}`);
        }
        return reveal(found[0].inputs) as Record<string, unknown>;
    }

    private async outputsFor(type: string, name: string, inputs: Record<string, unknown>): Promise<Outputs> {
        const fake = this.options.tls === "fake";
        switch (type) {
            case "tls:index/privateKey:PrivateKey":
                return fake ? { privateKeyPem: `FAKE PRIVATE KEY ${name}`, publicKeyPem: "" } : opensslTls.privateKey(inputs as pulumi.Unwrap<tls.PrivateKeyArgs>);
            case "tls:index/selfSignedCert:SelfSignedCert":
                return fake ? { certPem: `FAKE CA CERT ${name}` } : opensslTls.selfSignedCert(inputs as pulumi.Unwrap<tls.SelfSignedCertArgs>);
            case "tls:index/certRequest:CertRequest":
                return fake ? { certRequestPem: `FAKE CSR ${name}` } : opensslTls.certRequest(inputs as pulumi.Unwrap<tls.CertRequestArgs>);
            case "tls:index/locallySignedCert:LocallySignedCert":
                return fake ? { certPem: `FAKE SERVER CERT ${name}` } : opensslTls.locallySignedCert(inputs as pulumi.Unwrap<tls.LocallySignedCertArgs>);
            case "random:index/randomPassword:RandomPassword": {
                const result = randomPassword(inputs);
                return { result, bcryptHash: `$2a$10$${createHash("sha256").update(result).digest("base64").slice(0, 53)}` };
            }
            case "random:index/randomBytes:RandomBytes": {
                const bytes = randomBytes(Number(inputs.length));
                return { base64: bytes.toString("base64"), hex: bytes.toString("hex") };
            }
            case "docker:index/remoteImage:RemoteImage":
                // The provider's imageId is the ID of the image it pulled by `<tag>@<digest>`. The test
                // images are local stand-ins with no registry digest: their tag works the same for `docker create`.
                return { imageId: String(inputs.name).replace(/@sha256:[0-9a-f]{64}$/, ""), repoDigest: "" };
            case "docker:index/volume:Volume":
                return { name: inputs.name, mountpoint: `/var/lib/docker/volumes/${inputs.name}/_data` };
            case "docker:index/container:Container":
                return { name: inputs.name };
            case "command:remote:Command":
                // What the command printed; these tests run no command (the integration tests do).
                return { stdout: `ran ${name}`, stderr: "" };
            case "pulumi:pulumi:StackReference":
                return { name: inputs.name, outputs: this.options.stackOutputs ?? {}, secretOutputNames: [] };
            case "pulumi:providers:docker":
            case "registry:index:PrivateRegistry":
                return {};
            default:
                throw new Error(`RegistryMocks: no mock for resource type ${type} (${name})`);
        }
    }
}

/** Captures each child's resource options through the component's `transformations`. */
export function optionsRecorder(into: RecordedOptions[]): pulumi.ResourceTransformation {
    return (args) => {
        const parent = args.opts.parent as (pulumi.Resource & { __pulumiType?: string; __name?: string }) | undefined;
        const opts = args.opts as pulumi.CustomResourceOptions;
        into.push({
            type: args.type,
            name: args.name,
            parentType: parent?.__pulumiType,
            parentName: parent?.__name,
            retainOnDelete: opts.retainOnDelete,
            deleteBeforeReplace: opts.deleteBeforeReplace,
            additionalSecretOutputs: opts.additionalSecretOutputs,
            ignoreChanges: opts.ignoreChanges,
            replaceOnChanges: opts.replaceOnChanges,
            replacementTrigger: opts.replacementTrigger,
            stateMigrations: opts.stateMigrations ?? [],
            onError: opts.hooks?.onError ?? [],
            dependsOn: ([] as unknown[])
                .concat(opts.dependsOn ?? [])
                .map((r) => (r as { __name?: string }).__name ?? "?"),
            hasProvider: opts.provider !== undefined,
            providerName: (opts.provider as { __name?: string } | undefined)?.__name,
            aliasNames: (opts.aliases ?? []).map((a) => (typeof a === "object" && a !== null && "name" in a ? String((a as { name?: unknown }).name) : "?")),
        });
        return undefined;
    };
}

/** Resolves an Output's value (mocks are not a preview, so every value is known). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/** Whether an Output is marked secret. */
export function isSecret<T>(output: pulumi.Output<T>): Promise<boolean> {
    return pulumi.isSecret(output);
}
