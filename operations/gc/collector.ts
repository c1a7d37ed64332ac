/**
 * The throwaway container that runs `registry garbage-collect`: its shell script, and the parse
 * of what it prints. Pure, so the parse is tested on real output and the script on the real image.
 */

/** Prefix of the lines the script adds to the registry's own output. */
const marker = "private-registry-gc:";

/** The registry's error when a storage has no repositories yet: nothing to collect, not a failure. */
const emptyStorage = /Path not found: \/docker\/registry\/v2\/repositories\b/;

/**
 * Shell script (`sh -c SCRIPT private-registry-gc ROOT yes|no [FLAGS...]`) for the registry image:
 * reads the config from stdin into the container's own /tmp (so it never reaches the host's disk
 * or a command line), measures the data root with `du` before and after, removes abandoned
 * uploads when the second argument is `yes`, runs the collector and exits with its code. A dry
 * run measures what it would delete instead. An empty ROOT (S3 storage) measures nothing.
 */
export const collectorScript = `
set -u
root=$1; purge=$2; shift 2
flags="$*"
umask 077
config=/tmp/private-registry-gc.yml
cat > "$config"
kib() { if [ -n "$root" ] && command -v du >/dev/null 2>&1; then du -sk "$@" 2>/dev/null | { t=0; while read -r k _; do t=$((t + k)); done; echo "$t"; }; fi; }
case " $flags " in *" --dry-run "*) dry=yes ;; *) dry=no ;; esac
echo "${marker} kib-before $(kib "$root")"
if [ "$purge" = yes ]; then
  set --
  find "$root/docker/registry/v2/repositories" -type d -name _uploads 2>/dev/null >/tmp/gc.uploads
  while read -r dir; do for u in "$dir"/*; do if [ -e "$u" ]; then set -- "$@" "$u"; fi; done; done </tmp/gc.uploads
  if [ $# -gt 0 ]; then echo "${marker} uploads $# $(kib "$@")"; else echo "${marker} uploads 0 0"; fi
  if [ "$dry" = no ] && [ $# -gt 0 ]; then rm -rf "$@"; fi
fi
registry garbage-collect $flags "$config" >/tmp/gc.out 2>/tmp/gc.err
rc=$?
rm -f "$config"
cat /tmp/gc.out; cat /tmp/gc.err >&2
if [ -z "$root" ]; then
  :
elif [ "$dry" = yes ]; then
  set --
  while read -r a b c d digest; do
    if [ "$a $b $c $d" = "blob eligible for deletion:" ]; then
      hex=\${digest#sha256:}
      set -- "$@" "$root/docker/registry/v2/blobs/sha256/\${hex%\${hex#??}}/$hex"
    fi
  done </tmp/gc.out
  if [ $# -gt 0 ]; then echo "${marker} kib-eligible $(kib "$@")"; else echo "${marker} kib-eligible 0"; fi
else
  echo "${marker} kib-after $(kib "$root")"
fi
exit $rc
`;

export interface ManifestRef {
    repository: string;
    digest: string;
}

/** What one collector run reported. Sizes are disk usage in KiB, absent when the image has no `du`. */
export interface CollectorOutput {
    /** The storage had no repositories yet (the registry reports that as an error). */
    emptyStorage: boolean;
    repositories: string[];
    blobsMarked: number;
    blobsEligible: string[];
    manifestsEligible: ManifestRef[];
    kibBefore?: number;
    kibAfter?: number;
    kibEligible?: number;
    /** Upload folders found (and, unless a dry run, removed) with purgeUploads. */
    uploads?: { count: number; kib?: number };
}

function kib(lines: string[], key: string): number | undefined {
    const line = lines.find((l) => l.startsWith(`${marker} ${key} `));
    const value = line?.slice(`${marker} ${key} `.length).trim();
    return value ? Number(value) : undefined;
}

function uploadsLine(lines: string[]): CollectorOutput["uploads"] {
    const m = lines.map((l) => new RegExp(`^${marker} uploads (\\d+) ?(\\d*)$`).exec(l)).find((x) => x);
    return m ? { count: Number(m[1]), kib: m[2] ? Number(m[2]) : undefined } : undefined;
}

/**
 * Parses the collector's stdout. Distribution 2.8 prints each repository's name on a line of its
 * own, then `manifest eligible for deletion: DIGEST` (with --delete-untagged) and
 * `REPO: marking ...` lines, a summary, and `blob eligible for deletion: DIGEST` lines. 3.x prints
 * the untagged manifests after every repository, each with its repository and the repository's
 * tags (`manifest eligible for deletion: {REPO DIGEST [TAGS]}`), and `REPO: layer link eligible
 * for deletion: DIGEST` lines at the end.
 */
export function parseCollectorOutput(stdout: string, stderr: string): CollectorOutput {
    const lines = stdout.split("\n").map((l) => l.trimEnd());
    const repositories: string[] = [];
    const blobsEligible: string[] = [];
    const manifestsEligible: ManifestRef[] = [];
    let blobsMarked = 0;
    for (const line of lines) {
        let m: RegExpExecArray | null;
        if ((m = /^blob eligible for deletion: (sha256:[0-9a-f]{64})$/.exec(line))) blobsEligible.push(m[1]);
        else if ((m = /^manifest eligible for deletion: (sha256:[0-9a-f]{64})$/.exec(line)))
            manifestsEligible.push({ repository: repositories[repositories.length - 1] ?? "", digest: m[1] });
        else if ((m = /^manifest eligible for deletion: \{(\S+) (sha256:[0-9a-f]{64}) \[[^\]]*\]\}$/.exec(line)))
            manifestsEligible.push({ repository: m[1], digest: m[2] });
        else if ((m = /^(\d+) blobs marked, \d+ blobs and \d+ manifests eligible for deletion$/.exec(line))) blobsMarked = Number(m[1]);
        else if (/^[a-z0-9]+(?:(?:[._]|__|-+|\/)[a-z0-9]+)*$/.test(line)) repositories.push(line);
    }
    return {
        emptyStorage: emptyStorage.test(stderr),
        repositories,
        blobsMarked,
        blobsEligible,
        manifestsEligible,
        kibBefore: kib(lines, "kib-before"),
        kibAfter: kib(lines, "kib-after"),
        kibEligible: kib(lines, "kib-eligible"),
        uploads: uploadsLine(lines),
    };
}
