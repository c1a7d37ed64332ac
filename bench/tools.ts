/** The programs the bench runs; installed by bench/provision.sh (as root) when any is missing. */
import { spawnSync } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { join } from "node:path";
import { dockerCli } from "../tests/kit/docker";
import type { RegistryMajor } from "../components/version/args";
import { testImages } from "../tests/kit/registry/testRegistry";
import { registryBinary } from "./targets/bareRegistry";
import { dockerProxyBinary } from "./targets/dockerProxy";
import type { Suite } from "./options";

/** What tests/kit/services/cephRgw.ts runs: the s3 suite's single-node Ceph with its S3 gateway. */
const cephPrograms = ["monmaptool", "ceph-mon", "ceph-osd", "radosgw", "radosgw-admin", "ceph"];

const onPath = (program: string) => spawnSync("sh", ["-c", `command -v ${program}`]).status === 0;
const executable = (path: string) => access(path, constants.X_OK).then(() => true, () => false);

async function missing(suites: readonly Suite[], majors: readonly RegistryMajor[]): Promise<string[]> {
    const programs = ["docker", "curl", "nginx", "go", "dd", "tar", "openssl", "ip", ...(suites.includes("s3") ? cephPrograms : [])];
    const gone = programs.filter((p) => !onPath(p));
    for (const path of [registryBinary, dockerProxyBinary]) if (!(await executable(path))) gone.push(path);
    for (const image of majors.map((m) => testImages[m])) {
        if (gone.length === 0 && !(await dockerCli("image", "inspect", image).then(() => true, () => false))) gone.push(image);
    }
    if (gone.length === 0 && !(await dockerCli("info").then(() => true, () => false))) gone.push("a running dockerd");
    return gone;
}

/** Checks for what the chosen suites and majors need (Ceph only for `s3`), and runs provision.sh when something is missing. */
export async function ensureTools(suites: readonly Suite[], majors: readonly RegistryMajor[]): Promise<void> {
    let gone = await missing(suites, majors);
    if (gone.length === 0) return;
    const script = join(__dirname, "provision.sh");
    if (process.getuid?.() !== 0) throw new Error(`missing ${gone.join(", ")}; run 'sudo bash ${script}'`);
    console.log(`missing ${gone.join(", ")}: running ${script}`);
    const run = spawnSync("bash", [script], { stdio: "inherit" });
    gone = await missing(suites, majors);
    if (run.status !== 0 || gone.length > 0) throw new Error(`bench/provision.sh failed; still missing ${gone.join(", ")}`);
}
