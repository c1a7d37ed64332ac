#!/usr/bin/env bash
# Installs and starts what the integration tests need, on a Debian machine, as root:
# Docker engine, CNCF Distribution 2.8.2 (Debian's docker-registry) as a locally built image,
# openssl, curl and htpasswd; sshd, sudo and python3 for the client-host tests; shellcheck for
# the workflows' scripts; for the shared-storage tests a Ceph cluster with its S3 gateway
# (ceph-mon, ceph-osd, radosgw), redis-server and nginx with its stream module. Those services
# are only installed: the tests start their own instances, and nothing starts at install.
# Idempotent: reuses a running dockerd and an existing image.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/packages.sh"

TEST_IMAGE="${REGISTRY_TEST_IMAGE:-private-registry-test/registry:2.8.2}"
packages=(docker.io docker-registry busybox-static apache2-utils openssl curl tar openssh-server openssh-client sudo python3 shellcheck
  ceph-mon ceph-osd radosgw ceph-common redis-server redis-tools nginx libnginx-mod-stream)

mapfile -t missing < <(missing_packages "${packages[@]}")
if [ "${#missing[@]}" -gt 0 ]; then
  echo "provision: installing ${missing[*]}"
  apt-get update -qq
  # Forbid service starts during the install (Debian's policy-rc.d): nginx's default site
  # would listen on port 80 of every address, redis-server on 6379.
  own_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    own_policy=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ -n "$own_policy" ]; then rm -f /usr/sbin/policy-rc.d; trap - EXIT; fi
fi

if ! docker info >/dev/null 2>&1; then
  echo "provision: starting dockerd"
  # Without the userland proxy, loopback-published ports are NATed by the kernel, as remote clients are.
  nohup dockerd --userland-proxy=false >/var/log/dockerd-tests.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "provision: dockerd did not start:"; tail -n 30 /var/log/dockerd-tests.log; exit 1; }
fi

# Bump when the stand-in's file system changes, so machines with an older build rebuild it.
ROOTFS_VERSION=3
if [ "$(docker image inspect -f '{{index .Config.Labels "private-registry-test.rootfs"}}' "$TEST_IMAGE" 2>/dev/null)" = "$ROOTFS_VERSION" ]; then
  echo "provision: $TEST_IMAGE present"
else
  echo "provision: building $TEST_IMAGE from Debian's docker-registry $(dpkg-query -W -f='${Version}' docker-registry)"
  rootfs=$(mktemp -d)
  trap 'rm -rf "$rootfs"' EXIT
  mkdir -p "$rootfs"/{bin,lib/x86_64-linux-gnu,lib64,etc/docker/registry,var/lib/registry,tmp}
  cp /usr/bin/docker-registry "$rootfs/bin/registry"
  cp /lib/x86_64-linux-gnu/libc.so.6 "$rootfs/lib/x86_64-linux-gnu/"
  cp /lib64/ld-linux-x86-64.so.2 "$rootfs/lib64/"
  cp /bin/busybox "$rootfs/bin/busybox"
  # The applets registry:2 (Alpine) has and the health check and the garbage collector use
  # (nc: a Redis command piped to the cache).
  for applet in sh wget cat ls ps kill du rm mkdir cut grep sed sleep dd head tail tr wc find stat nc; do ln -s busybox "$rootfs/bin/$applet"; done
  chmod 1777 "$rootfs/tmp"
  # The same entrypoint contract as registry:2: serve the config at the default path.
  tar -C "$rootfs" -c . | docker import \
    -c 'ENTRYPOINT ["/bin/registry"]' \
    -c 'CMD ["serve", "/etc/docker/registry/config.yml"]' \
    -c 'VOLUME ["/var/lib/registry"]' \
    -c 'LABEL org.opencontainers.image.description="Debian docker-registry (CNCF Distribution 2.8.2), test stand-in for registry:2"' \
    -c "LABEL private-registry-test.rootfs=$ROOTFS_VERSION" \
    - "$TEST_IMAGE" >/dev/null
fi
echo "provision: ready (image $TEST_IMAGE, $(docker version --format 'docker {{.Server.Version}}'))"
