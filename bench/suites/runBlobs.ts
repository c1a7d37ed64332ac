/**
 * The run's random blobs, each made on first use and shared by every suite that sends it, so
 * that the filesystem and S3 figures of one run move the very same bytes.
 */
import { join } from "node:path";
import { BlobFile, makeRandomBlob } from "../clients/blobs";
import { progress } from "../report/progress";
import { MiB } from "../report/stats";

/** How many distinct blobs go at once in the parallel measurements. */
export const parallelStreams = 8;

export class RunBlobs {
    private large?: Promise<BlobFile>;
    private parallel?: Promise<BlobFile[]>;

    /** `dir` is nginx's static directory too: the limits serve `large.bin` from it. */
    constructor(
        private readonly dir: string,
        private readonly sizeMiB: number,
        private readonly parallelSizeMiB: number,
    ) {}

    /** The large blob (`large.bin`) of the throughput and s3 suites. */
    largeBlob(): Promise<BlobFile> {
        this.large ??= (async () => {
            progress(`making a ${this.sizeMiB} MiB random blob`);
            return makeRandomBlob(join(this.dir, "large.bin"), this.sizeMiB * MiB);
        })();
        return this.large;
    }

    /** The distinct blobs of the parallel and s3 suites. */
    parallelBlobs(): Promise<BlobFile[]> {
        this.parallel ??= (async () => {
            const blobs: BlobFile[] = [];
            for (let i = 0; i < parallelStreams; i++) blobs.push(await makeRandomBlob(join(this.dir, `parallel-${i}.bin`), this.parallelSizeMiB * MiB));
            return blobs;
        })();
        return this.parallel;
    }
}
