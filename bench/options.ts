/** Command-line options of `npm run bench`. */
import type { RegistryMajor } from "../components/version/args";

const suites = ["auth", "pushpull", "throughput", "parallel", "s3"] as const;
export type Suite = (typeof suites)[number];

export interface BenchOptions {
    /** Rounds of every measurement; each figure is the median over them. */
    runs: number;
    /** Size of the large blob (throughput and s3 suites), MiB. */
    sizeMiB: number;
    /** Size of each of the 8 parallel blobs (parallel and s3 suites), MiB. */
    parallelSizeMiB: number;
    /** Requests per round of the authentication-cost measurement. */
    authRequests: number;
    /** Layers of the pushed and pulled image. */
    layers: number;
    /** Suites to run (all by default). */
    only: Suite[];
    /**
     * Distribution majors the deployed container is measured on (2 and 3 by default). 2 always:
     * every other comparison is made on it; 3 adds the container on Distribution 3.1 to the
     * pushpull, throughput and parallel suites, in the same rounds, with 3.1 / 2.8 ratios.
     */
    majors: RegistryMajor[];
    /** Where the JSON goes. */
    out: string;
}

const usage = `usage: npm run bench -- [--runs N] [--size MiB] [--parallel-size MiB] [--auth-requests N]
                          [--layers N] [--only ${suites.join(",")}] [--majors 2,3] [--out file.json] [--quick]
  --majors  Distribution majors of the deployed container (default 2,3; 2 is always measured):
            3 adds Distribution 3.1 beside 2.8 to the pushpull, throughput and parallel suites
  --quick   a fast development run: 2 rounds, a 64 MiB blob, 8 MiB parallel blobs, 50 requests`;

function positive(flag: string, value: string | undefined): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a whole number >= 1, got ${value}\n${usage}`);
    return n;
}

export function parseOptions(argv: string[]): BenchOptions {
    const o: BenchOptions = {
        runs: 5,
        sizeMiB: 512,
        parallelSizeMiB: 64,
        authRequests: 200,
        layers: 50,
        only: [...suites],
        majors: [2, 3],
        out: "bench/results/latest.json",
    };
    // --quick first, so explicit flags given with it still win.
    if (argv.includes("--quick")) Object.assign(o, { runs: 2, sizeMiB: 64, parallelSizeMiB: 8, authRequests: 50 });
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        const value = argv[i + 1];
        switch (flag) {
            case "--quick":
                continue;
            case "--runs":
                o.runs = positive(flag, value);
                break;
            case "--size":
                o.sizeMiB = positive(flag, value);
                break;
            case "--parallel-size":
                o.parallelSizeMiB = positive(flag, value);
                break;
            case "--auth-requests":
                o.authRequests = positive(flag, value);
                break;
            case "--layers":
                o.layers = positive(flag, value);
                break;
            case "--only": {
                const chosen = (value ?? "").split(",").filter(Boolean);
                const unknown = chosen.filter((s) => !(suites as readonly string[]).includes(s));
                if (chosen.length === 0 || unknown.length > 0) throw new Error(`--only: unknown suite(s) ${unknown.join(",")}\n${usage}`);
                o.only = chosen as Suite[];
                break;
            }
            case "--majors": {
                const chosen = [...new Set((value ?? "").split(",").filter(Boolean))];
                if (chosen.some((m) => m !== "2" && m !== "3") || !chosen.includes("2")) {
                    throw new Error(`--majors takes 2 or 2,3 (every other comparison is made on 2), got ${value}\n${usage}`);
                }
                o.majors = chosen.map(Number).sort() as RegistryMajor[];
                break;
            }
            case "--out":
                if (!value) throw new Error(`--out needs a file\n${usage}`);
                o.out = value;
                break;
            case "--help":
            case "-h":
                console.log(usage);
                process.exit(0);
            // falls through (never reached)
            default:
                throw new Error(`unknown option ${flag}\n${usage}`);
        }
        i++;
    }
    return o;
}
