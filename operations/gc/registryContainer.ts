/**
 * Finds the registry container on a Docker host and decides whether it is one this program
 * deployed: its labels, its config (read out of the container, running or stopped) and where its
 * data lives. Every refusal says what was found and what was expected.
 */
import { parse } from "yaml";
import { containerPaths, labelKeys } from "../../components/instances/containerLayout";
import { DockerClient } from "./dockerClient";
import { singleFileFromTar } from "./tarFile";

/** The part of `docker inspect` this tool reads. */
interface ContainerInspect {
    Id: string;
    Name: string;
    Image: string;
    Config: { Image: string; Labels: Record<string, string> | null; Healthcheck?: { Test?: string[] } };
    State: { Running: boolean; Status: string };
    Mounts: { Type: string; Name?: string; Destination: string }[];
}

export interface RegistryContainer {
    id: string;
    name: string;
    /** Image ID, so the collector runs the very registry binary the container runs. */
    imageId: string;
    /** `project/stack` that deployed it. */
    stack: string;
    running: boolean;
    /** The registry config (holds http.secret: kept in memory, handed to the collector on stdin). */
    config: string;
    /** Where the config is inside the container (its config-path label). */
    configPath: string;
    /** `filesystem` (a volume of this host) or `s3` (a bucket other instances may share). */
    driver: "filesystem" | "s3";
    /** Data root inside the container (storage.filesystem.rootdirectory); "" with S3. */
    dataRoot: string;
    /** Volume holding the data root; "" with S3. */
    dataVolume: string;
    /** The container's own health check command, if it has one (`CMD` form, without the "CMD"). */
    healthcheck?: string[];
}

export class GarbageCollectRefused extends Error {
    constructor(message: string) {
        super(`${message}. Nothing was stopped or removed.`);
        this.name = "GarbageCollectRefused";
    }
}

export interface Expectations {
    /** Pulumi project the container must belong to. */
    project?: string;
    /** Stack (without the project) the container must belong to. */
    stack?: string;
}

function storageDriver(storage: Record<string, unknown>): string {
    // Keys beside the driver's own are settings of every driver.
    const shared = new Set(["delete", "cache", "maintenance", "redirect", "tag"]);
    return Object.keys(storage).find((k) => !shared.has(k)) ?? "none";
}

export async function findRegistryContainer(docker: DockerClient, container: string, expect: Expectations): Promise<RegistryContainer> {
    const where = docker.host ?? process.env.DOCKER_HOST ?? "the local Docker host";
    const inspected = await docker.run(["container", "inspect", container]);
    if (inspected.code !== 0) {
        if (/no such (container|object)/i.test(inspected.stderr)) {
            throw new GarbageCollectRefused(`no container "${container}" on ${where}; give the stack output containerName (pulumi stack output containerName)`);
        }
        throw new Error(`cannot inspect container "${container}" on ${where}: ${inspected.stderr}`);
    }
    const [info] = JSON.parse(inspected.stdout.toString()) as ContainerInspect[];
    const name = info.Name.replace(/^\//, "");
    const labels = info.Config.Labels ?? {};
    if (labels[labelKeys.managedBy] !== "pulumi" || !labels[labelKeys.stack]) {
        throw new GarbageCollectRefused(
            `container "${name}" (image ${info.Config.Image}) is not a registry deployed by this program: it lacks the labels ${labelKeys.managedBy}=pulumi and ${labelKeys.stack}`,
        );
    }
    const stack = labels[labelKeys.stack];
    if (labels[labelKeys.mirror]) {
        throw new GarbageCollectRefused(
            `container "${name}" is the pull-through cache "${labels[labelKeys.mirror]}" of stack "${stack}": a mirror expires its cached content itself (proxy mode), so there is nothing to collect; give the registry's own container (pulumi stack output containerName)`,
        );
    }
    const [labelProject, labelStack] = [stack.slice(0, stack.indexOf("/")), stack.slice(stack.indexOf("/") + 1)];
    if (expect.project !== undefined && labelProject !== expect.project) {
        throw new GarbageCollectRefused(`container "${name}" was deployed by stack "${stack}", not by this project "${expect.project}"`);
    }
    if (expect.stack !== undefined && labelStack !== expect.stack) {
        throw new GarbageCollectRefused(`container "${name}" was deployed by stack "${stack}", not by stack "${expect.stack}"`);
    }

    // The label names the config of the image's major; containers deployed before it existed ran 2.8.
    const configPath = labels[labelKeys.config] ?? containerPaths(2).config;
    const copied = await docker.run(["container", "cp", `${info.Id}:${configPath}`, "-"]);
    if (copied.code !== 0) throw new GarbageCollectRefused(`container "${name}" has no registry config at ${configPath} (${copied.stderr})`);
    const config = singleFileFromTar(copied.stdout).toString("utf8");
    let storage: Record<string, unknown>;
    try {
        storage = ((parse(config) as { storage?: Record<string, unknown> } | null)?.storage ?? {}) as Record<string, unknown>;
    } catch (e) {
        throw new GarbageCollectRefused(`the registry config ${configPath} in container "${name}" is not valid YAML (${(e as Error).message})`);
    }
    const driver = storageDriver(storage);
    const test = info.Config.Healthcheck?.Test;
    const found = {
        id: info.Id,
        name,
        imageId: info.Image,
        stack,
        running: info.State.Running,
        config,
        configPath,
        healthcheck: test?.[0] === "CMD" ? test.slice(1) : test?.[0] === "CMD-SHELL" ? ["/bin/sh", "-c", test.slice(1).join(" ")] : undefined,
    };
    if (driver === "s3") return { ...found, driver, dataRoot: "", dataVolume: "" };
    if (driver !== "filesystem") {
        throw new GarbageCollectRefused(`container "${name}" stores its data in "${driver}" storage; this tool collects "filesystem" and "s3" storage`);
    }
    const dataRoot = (storage.filesystem as { rootdirectory?: string } | null)?.rootdirectory ?? containerPaths(2).data;
    const mount = info.Mounts.find((m) => dataRoot === m.Destination || dataRoot.startsWith(`${m.Destination.replace(/\/$/, "")}/`));
    if (!mount) {
        throw new GarbageCollectRefused(`the data root ${dataRoot} of container "${name}" is not on a volume, so a collector container cannot reach it`);
    }
    return { ...found, driver, dataRoot, dataVolume: mount.Name ?? mount.Destination };
}
