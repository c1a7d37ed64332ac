/**
 * What the s3 suite measures: a throwaway single-node Ceph RADOS gateway on 127.0.0.1
 * (tests/kit/services/cephRgw.ts) with one bucket, and the component rendered with `storage: s3` and
 * two instances over that bucket, each run from its exact container inputs on this engine
 * (tests/kit/registry/sharedInstances.ts: host network, since the gateway is on loopback, and its
 * own loopback port). Everything is removed at cleanup, on an error and on Ctrl-C.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import type { PrivateRegistryArgs } from "../../components";
import { startCephRgw, S3Server } from "../../tests/kit/services/cephRgw";
import { removeContainerAndVolume } from "../../tests/kit/registry/container";
import { renderRegistry, RenderedRegistry } from "../../tests/kit/render/render";
import { inputsForThisMachine, startSharedInstances } from "../../tests/kit/registry/sharedInstances";
import { testImage } from "../../tests/kit/registry/testRegistry";
import { onCleanup } from "./cleanup";
import type { EditableConfig } from "./configEdits";
import { benchHostnames, Endpoint, runId } from "./deploy";
import { progress } from "../report/progress";

export interface S3Deployment {
    /** The two instances, a and b, over the one bucket. */
    instances: [Endpoint, Endpoint];
    /**
     * Empties the bucket (removes it with every object, creates it again; the next upload is a
     * first upload) and frees the data of every deleted object in the OSD.
     */
    emptyBucket(): Promise<void>;
    /** The rendered `storage.s3.chunksize`, bytes (the component's default). */
    chunkSize: number;
}

/** The component's args: two instances whose Docker hosts are both this engine, over `bucket`. */
function s3Args(s3: S3Server, bucket: string): PrivateRegistryArgs {
    return {
        hostnames: benchHostnames,
        users: ["admin", "ci"],
        image: testImage,
        storage: "s3",
        // Everything else at the component's defaults (chunk size, v4 auth, no redirect).
        s3: { endpoint: s3.endpoint, region: s3.region, bucket, accessKey: s3.accessKey, secretKey: s3.secretKey, secure: false },
        // /run and /var/run are one folder: two Docker hosts in the component's eyes, one engine here.
        instances: [
            { name: "a", dockerHost: "unix:///var/run/docker.sock", hostname: `a.${benchHostnames[0]}` },
            { name: "b", dockerHost: "unix:///run/docker.sock", hostname: `b.${benchHostnames[0]}` },
        ],
    };
}

/** Checks the rendered config is what the labels say: the bucket, HTTP/2 off, blobs through the registry. */
function checkRendered(rendered: RenderedRegistry, bucket: string): number {
    const config = parse(rendered.outputs.registryConfig) as EditableConfig;
    const s3 = config.storage.s3;
    if (s3?.bucket !== bucket) throw new Error(`s3: the rendered config's storage is not bucket ${bucket} (update bench/)`);
    if (config.http.http2?.disabled !== true) throw new Error("s3: the rendered config does not disable HTTP/2; the bench assumes it does (update bench/)");
    if (config.storage.redirect?.disable !== true) throw new Error("s3: the rendered config redirects blobs to S3; the bench measures blobs through the registry (update bench/)");
    return s3.chunksize;
}

export async function deployS3(workDir: string): Promise<S3Deployment> {
    progress("starting Ceph RGW");
    // Stopped at cleanup even when Ctrl-C comes while it starts: cleanup waits for the start.
    const starting = startCephRgw({ log: progress });
    onCleanup("stop Ceph RGW and remove its directory", async () => (await starting.catch(() => undefined))?.stop());
    const s3 = await starting;
    const bucket = `registry-${runId}`;
    await s3.createBucket(bucket);

    const rendered = await renderRegistry(s3Args(s3, bucket), { tls: "openssl" });
    const chunkSize = checkRendered(rendered, bucket);
    const unique = `${runId}-s3`;
    // Registered before the start, so an instance that fails to become healthy is removed too.
    for (const name of Object.keys(rendered.outputs.instances)) {
        const container = inputsForThisMachine(rendered, name, unique, 0, 0).name!;
        onCleanup(`remove container ${container}`, () => removeContainerAndVolume(container, undefined));
    }
    progress("starting the two S3 instances");
    const started = await startSharedInstances(rendered, unique);
    if (started.length !== 2) throw new Error(`s3: expected 2 instances, the component declared ${started.length}`);
    const caFile = join(workDir, "s3-ca.pem");
    await writeFile(caFile, rendered.outputs.caCertificatePem!);
    const credentials = { user: "admin", password: rendered.outputs.passwords.admin };
    const [a, b] = started.map((i): Endpoint => ({ label: `S3 instance ${i.name}`, port: i.port, scheme: "https", caFile, credentials, container: i.container }));
    return {
        instances: [a, b],
        emptyBucket: async () => {
            await s3.deleteBucket(bucket);
            await s3.createBucket(bucket);
            // RGW frees a deleted object's data only after 2 hours: each upload's temporary object would pile up.
            await s3.collectGarbage();
        },
        chunkSize,
    };
}
