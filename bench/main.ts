/**
 * `npm run bench`: the data-path benchmark of the deployed registry (issue 4). A script, not a
 * test: it deploys the component's rendered container and its comparison points on this
 * machine, measures every figure in rounds (medians; ratios from the same rounds), prints a
 * table and writes JSON. See bench/README.md.
 */
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { ownedTempDir, reapStaleDirs } from "../tests/kit/host/tempDirs";
import { parseOptions } from "./options";
import { ensureTools } from "./tools";
import { cleaningUp, cleanupAll, cleanupOnSignals, onCleanup } from "./targets/cleanup";
import { allCosts, costId, costLabel, defaultCost } from "./targets/costs";
import { removeLeftoversOfKilledRuns, runId } from "./targets/deploy";
import { deployAll } from "./targets/deployments";
import { majorLabel } from "./targets/majors";
import { deployS3 } from "./targets/s3Deploy";
import { authRatios, measureAuthCost } from "./suites/authCost";
import { Limits } from "./suites/limits";
import { majorRatios, pushPullId3, throughputId3 } from "./suites/majors";
import { measureParallel, parallelRatios } from "./suites/parallel";
import { measurePushPull, pushPullRatios } from "./suites/pushPull";
import { RunBlobs } from "./suites/runBlobs";
import { measureS3, s3Notes, s3Ratios } from "./suites/s3";
import { measureThroughput, throughputRatios, ThroughputVariant } from "./suites/throughput";
import { currentLoad, describeMachine } from "./report/machine";
import { methodNotes, targetSummary } from "./report/notes";
import { progress } from "./report/progress";
import { printReport, writeJson } from "./report/report";
import { Results } from "./report/results";

async function main(): Promise<void> {
    const options = parseOptions(process.argv.slice(2));
    cleanupOnSignals();
    await ensureTools(options.only, options.majors);
    await removeLeftoversOfKilledRuns();
    const startedAt = new Date();
    // Under /tmp, on the same disk as Docker's volumes here (both are the root file system).
    // Owned: a later run stops what still runs in a killed run's directory and removes it.
    await reapStaleDirs("registry-bench-");
    const workDir = await ownedTempDir(`registry-${runId}-`);
    onCleanup(`remove ${workDir}`, () => rm(workDir, { recursive: true, force: true }));
    const machine = await describeMachine(workDir, options.majors);
    const loadBefore = await currentLoad(`registry-${runId}`);
    console.log(`bench ${runId}: ${options.runs} rounds, ${options.sizeMiB} MiB blob, suites ${options.only.join(",")}, majors ${options.majors.join(",")}`);
    console.log(`machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.kernel}, docker ${machine.docker}`);
    console.log(`load before: ${loadBefore.loadavg.join(" ")}; other containers running: ${loadBefore.otherContainers.length}`);

    const blobsDir = join(workDir, "blobs");
    await mkdir(blobsDir);
    progress("deploying");
    const d = await deployAll(workDir, options.only, options.majors, blobsDir);
    const blobs = new RunBlobs(blobsDir, options.sizeMiB, options.parallelSizeMiB);
    const results = new Results();
    const has = (s: (typeof options.only)[number]) => options.only.includes(s);

    if (has("auth")) await measureAuthCost(d.noAuth!, d.byCost!, options.authRequests, options.runs, results);
    if (has("pushpull")) {
        const targets = [
            { id: "none", label: "no auth (baseline)", endpoint: d.noAuth! },
            ...allCosts.map((cost) => ({ id: costId(cost), label: `bcrypt ${costLabel(cost)}`, endpoint: d.byCost!.get(cost)! })),
        ];
        // Distribution 3.1 next to the 2.8 container at the default cost, so the two are measured back to back.
        if (d.deployed3) targets.splice(2, 0, { id: pushPullId3, label: `${majorLabel(3)}, bcrypt ${costLabel(defaultCost)}`, endpoint: d.deployed3 });
        await measurePushPull(targets, options.layers, options.runs, workDir, results);
    }
    // The deployed container is the product's: default bcrypt cost, HTTP/2 off. The bare
    // processes run the same rendered config (HTTP/2 off too); every target compares to them.
    const deployedLabel = `container as deployed: ${costLabel(defaultCost)}, HTTP/2 off, published port (kernel NAT)`;
    const variants: ThroughputVariant[] = [
        { id: "nat-h1", label: deployedLabel, endpoint: d.deployed, http: "1.1" },
        // The same container on Distribution 3.1, next to 2.8's so that the two are measured back to back.
        ...(d.deployed3 ? [{ id: throughputId3, label: `${majorLabel(3)}, ${deployedLabel}`, endpoint: d.deployed3, http: "1.1" as const }] : []),
        { id: "bare-h1", label: "bare process, same binary and config (HTTP/2 off)", endpoint: d.bare!, http: "1.1" },
        { id: "bareveth-h1", label: "bare process in a netns over veth (MTU 1500, no NAT)", endpoint: d.bareVeth!, http: "1.1" },
        { id: "nginx-front-h1", label: "nginx-in-front design (runbook)", endpoint: d.nginxFront!, http: "1.1" },
    ];
    if (has("throughput")) {
        const blob = await blobs.largeBlob();
        const limits = await Limits.create(workDir, d.nginxLimits!, () => "large.bin");
        const all: ThroughputVariant[] = [
            ...variants,
            // A client that offers h2 (curl's default): HTTP/1.1 from the deployed container, HTTP/2
            // from the same container with HTTP/2 turned back on.
            { id: "nat-auto", label: deployedLabel, endpoint: d.deployed, http: "auto" },
            { id: "h2on-auto", label: "container with HTTP/2 on (http.http2.disabled: false)", endpoint: d.http2On!, http: "auto" },
            { id: "host-h1", label: "container, --network host", endpoint: d.hostNetwork!, http: "1.1" },
            { id: "userland-h1", label: "container via docker-proxy (userland) → published port", endpoint: d.userland!, http: "1.1" },
        ];
        await measureThroughput(all, limits, blob, options.runs, results);
    }
    if (has("parallel")) await measureParallel(variants, await blobs.parallelBlobs(), options.runs, results);
    // Last, so Ceph runs during no other suite. Beside the deployed container's filesystem figures.
    const ran = { throughput: has("throughput"), parallel: has("parallel") };
    const s3 = has("s3") ? await deployS3(workDir) : undefined;
    if (s3) await measureS3(s3, d.deployed, await blobs.largeBlob(), await blobs.parallelBlobs(), ran, options.runs, results);

    authRatios(results);
    pushPullRatios(results);
    throughputRatios(results);
    parallelRatios(results);
    s3Ratios(results, ran);
    majorRatios(results, machine.registries);
    results.notes.push(...methodNotes(machine, d.deployed3 !== undefined), ...(s3 ? s3Notes(s3, ran, machine.ceph) : []), ...targetSummary(results));
    const loadAfter = await currentLoad(`registry-${runId}`);
    const seconds = Math.round((Date.now() - startedAt.getTime()) / 1000);
    printReport(results, [
        `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.kernel}`,
        `Docker ${machine.docker} (${machine.userlandProxyOff ? "--userland-proxy=false" : "userland proxy ON"})`,
        ...machine.registries.map((r) => `Distribution ${r.major}: ${r.version}, built with ${r.go}, image ${r.image}`),
        `${options.runs} rounds, medians; ${startedAt.toISOString()}, took ${seconds} s; load ${loadBefore.loadavg.join(" ")} → ${loadAfter.loadavg.join(" ")}, other containers ${loadBefore.otherContainers.length} → ${loadAfter.otherContainers.length}`,
    ]);
    await writeJson(options.out, {
        runId,
        startedAt: startedAt.toISOString(),
        durationSeconds: seconds,
        options,
        machine,
        load: { before: loadBefore, after: loadAfter },
        figures: [...results.figures.values()],
        ratios: results.ratios,
        tables: results.tables,
        notes: results.notes,
    });
    console.log(`\nJSON: ${options.out}`);
}

main()
    .catch((e: Error) => {
        // After Ctrl-C, whatever was still starting fails as cleanup removes what it needs.
        if (cleaningUp()) console.error(`bench interrupted (${e.message.split("\n")[0]})`);
        else console.error(`bench failed: ${e.stack ?? e.message}`);
        process.exitCode = 1;
    })
    .finally(() => cleanupAll());
