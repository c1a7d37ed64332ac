# shellcheck shell=bash
# Sourced by tests/kit/provision.sh. The Pulumi CLI the stack tests run: built from its Go module
# (through the Go module proxy; no download from get.pulumi.com), once per machine and version.

# The CLI version the tests run. The Go module proxy here has no 3.265 (package-lock.json's
# launcher pin); 3.276 is the nearest it serves. docs/offline.md says what that means.
PULUMI_CLI_VERSION=3.276.0
PULUMI_CLI_DIR=/var/cache/private-registry-test/pulumi-$PULUMI_CLI_VERSION

# pulumi_cli_binary: prints the path of the built CLI, building it first when absent.
pulumi_cli_binary() {
  local dir=$PULUMI_CLI_DIR version=$PULUMI_CLI_VERSION go module=github.com/pulumi/pulumi/pkg/v3
  if [ ! -x "$dir/bin/pulumi" ]; then
    go=$(command -v go || echo /usr/local/go/bin/go)
    [ -x "$go" ] || { echo "provision: Go is needed to build the Pulumi CLI $version" >&2; return 1; }
    echo "provision: building the Pulumi CLI $version from its Go module (a few minutes, once)" >&2
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp/src" "$dir.tmp/bin"
    (
      set -e
      cd "$dir.tmp/src"
      "$go" mod init private-registry-test/pulumi-cli >/dev/null 2>&1
      # The CLI's own go.mod replaces atotto/clipboard with this fork; a module that only
      # requires the CLI does not inherit the replace, so it is repeated here.
      "$go" mod edit -replace github.com/atotto/clipboard=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e
      # Its list of a few hundred added modules is only worth reading when it fails.
      "$go" get -tool "$module/cmd/pulumi@v$version" >"$dir.tmp/get.log" 2>&1 || { cat "$dir.tmp/get.log" >&2; exit 1; }
      CGO_ENABLED=0 GOFLAGS=-buildvcs=false "$go" build -o "$dir.tmp/bin/pulumi" \
        -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version" "$module/cmd/pulumi" >&2
    ) || { echo "provision: building the Pulumi CLI $version failed" >&2; return 1; }
    # Renamed when complete: an interrupted build never passes for a cached one.
    rm -rf "$dir" && mv "$dir.tmp" "$dir" && rm -rf "$dir/src"
  fi
  echo "$dir/bin/pulumi"
}
