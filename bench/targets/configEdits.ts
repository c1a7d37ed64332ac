/**
 * Variants of the rendered registry config, for measurements only. Each edit is one documented
 * departure from the product's config; the product's own container is always measured unedited,
 * and the bare process keeps the rendered config's settings (HTTP/2 off included).
 */
import { parse, stringify } from "yaml";
import type { DistributionConfig } from "../../components/registryConfig/render";
import type { RegistryMajor } from "../../components/version/args";
import { containerPaths } from "../../components/instances/containerLayout";
import type { ContainerInputs } from "../../tests/kit/registry/container";

/** The rendered config, with the parts the edits remove or add made optional. */
export type EditableConfig = Omit<DistributionConfig, "auth" | "http"> & {
    auth?: DistributionConfig["auth"];
    http: Omit<DistributionConfig["http"], "tls"> & {
        tls?: DistributionConfig["http"]["tls"];
        http2?: { disabled: boolean };
    };
};

export type ConfigEdit = (config: EditableConfig) => void;

export function editConfig(yaml: string, ...edits: ConfigEdit[]): string {
    const config = parse(yaml) as EditableConfig;
    for (const edit of edits) edit(config);
    return stringify(config, { lineWidth: 0 });
}

/** Baseline only (the product has no such setting): no authentication at all. */
export const dropAuth: ConfigEdit = (c) => {
    delete c.auth;
};

/** Plain HTTP, for the nginx-in-front design where nginx terminates TLS. */
export const dropTls: ConfigEdit = (c) => {
    delete c.http.tls;
};

/**
 * Comparison only: HTTP/2 turned back on (`http.http2.disabled: false`). The product renders
 * `disabled: true`, so clients that offer h2 get HTTP/1.1 from the deployed container.
 */
export const enableHttp2: ConfigEdit = (c) => {
    c.http.http2 = { disabled: false };
};

export const listenOn =
    (addr: string): ConfigEdit =>
    (c) => {
        c.http.addr = addr;
    };

export function uploadContent(c: ContainerInputs, path: string): string {
    const found = (c.uploads ?? []).find((u) => u.file === path);
    if (found?.content === undefined) throw new Error(`container inputs have no upload ${path}`);
    return found.content;
}

/** The same container inputs with the config upload (at `major`'s path) edited. */
export function withEditedConfig(c: ContainerInputs, major: RegistryMajor, ...edits: ConfigEdit[]): ContainerInputs {
    const path = containerPaths(major).config;
    const config = editConfig(uploadContent(c, path), ...edits);
    return {
        ...c,
        uploads: (c.uploads ?? []).map((u) => (u.file === path ? { ...u, content: config } : u)),
    };
}
