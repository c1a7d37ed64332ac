# Sourced by tests/kit/provision.sh. Builds local stand-ins for the official `registry` images
# (no registry can be pulled from here), shaped like them: /entrypoint.sh (the official
# docker-entrypoint.sh), a default config at the image's config path (plain HTTP on :5000, no
# auth: what a container runs if the component's config missed that path), CMD naming that path.

# Bump when a stand-in's file system changes, so machines with an older build rebuild it.
STAND_IN_ROOTFS_VERSION=4

# stand_in_present IMAGE: true when IMAGE exists and was built by this recipe version.
stand_in_present() {
  [ "$(docker image inspect -f '{{index .Config.Labels "private-registry-test.rootfs"}}' "$1" 2>/dev/null)" = "$STAND_IN_ROOTFS_VERSION" ]
}

# build_stand_in IMAGE BINARY CONFIG_PATH DESCRIPTION
build_stand_in() {
  local image=$1 binary=$2 config=$3 description=$4 rootfs applet
  rootfs=$(mktemp -d)
  mkdir -p "$rootfs"/{bin,lib/x86_64-linux-gnu,lib64,var/lib/registry,tmp} "$rootfs$(dirname "$config")"
  cp "$binary" "$rootfs/bin/registry"
  cp /lib/x86_64-linux-gnu/libc.so.6 "$rootfs/lib/x86_64-linux-gnu/"
  cp /lib64/ld-linux-x86-64.so.2 "$rootfs/lib64/"
  cp /bin/busybox "$rootfs/bin/busybox"
  # The applets the official (Alpine) image has and the health check and the garbage collector
  # use (nc: a Redis command piped to the cache).
  for applet in sh wget cat ls ps kill du rm mkdir cut grep sed sleep dd head tail tr wc find stat nc; do
    ln -s busybox "$rootfs/bin/$applet"
  done
  chmod 1777 "$rootfs/tmp"
  cat >"$rootfs/entrypoint.sh" <<'SCRIPT'
#!/bin/sh
set -e
case "$1" in
    *.yaml|*.yml) set -- registry serve "$@" ;;
    serve|garbage-collect|help|-*) set -- registry "$@" ;;
esac
exec "$@"
SCRIPT
  chmod 755 "$rootfs/entrypoint.sh"
  cat >"$rootfs$config" <<'CONFIG'
version: 0.1
log:
  fields:
    service: registry
storage:
  cache:
    blobdescriptor: inmemory
  filesystem:
    rootdirectory: /var/lib/registry
http:
  addr: :5000
  headers:
    X-Content-Type-Options: [nosniff]
health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
CONFIG
  tar -C "$rootfs" -c . | docker import \
    -c 'ENTRYPOINT ["/entrypoint.sh"]' \
    -c "CMD [\"$config\"]" \
    -c 'VOLUME ["/var/lib/registry"]' \
    -c 'EXPOSE 5000' \
    -c "LABEL org.opencontainers.image.description=\"$description\"" \
    -c "LABEL private-registry-test.rootfs=$STAND_IN_ROOTFS_VERSION" \
    - "$image" >/dev/null
  rm -rf "$rootfs"
}

# distribution3_binary VERSION: prints the path of CNCF Distribution VERSION's registry binary,
# built once from its Go module (through the Go module proxy) and kept for later runs.
distribution3_binary() {
  local version=$1 dir=/var/cache/private-registry-test/distribution-$1 go
  if [ ! -x "$dir/registry" ]; then
    go=$(command -v go || echo /usr/local/go/bin/go)
    [ -x "$go" ] || { echo "provision: Go is needed to build Distribution $version" >&2; return 1; }
    echo "provision: building Distribution $version from its Go module (a few minutes, once)" >&2
    mkdir -p "$dir.tmp"
    # A temporary GOBIN, renamed when complete: an interrupted build never passes for a cached one.
    GOBIN="$dir.tmp" GOFLAGS=-buildvcs=false "$go" install "github.com/distribution/distribution/v3/cmd/registry@v$version" >&2 || return 1
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
  fi
  echo "$dir/registry"
}
