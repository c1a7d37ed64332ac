#!/usr/bin/env bash
# Installs what `npm run bench` needs beyond the integration tests' own provisioning, on a
# Debian machine, as root: nginx (the nginx-in-front design and the machine's TLS limits),
# golang-go (a tiny hasher with the same Go crypto/sha256 the registry uses), and for the s3
# suite Ceph's monitor, OSD and S3 gateway (ceph-mon, ceph-osd, radosgw, ceph-common). The tests'
# provisioning installs Ceph and nginx too today; they are listed here as well so the bench does
# not depend on that. Nothing is started at install: the bench starts its own. Idempotent.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Docker engine, Debian's docker-registry and the registry:2 and registry:3 stand-in images.
bash "$here/../tests/kit/provision.sh"
. "$here/../tests/kit/packages.sh"

packages=(nginx golang-go curl coreutils ceph-mon ceph-osd radosgw ceph-common)
mapfile -t missing < <(missing_packages "${packages[@]}")
if [ "${#missing[@]}" -gt 0 ]; then
  echo "bench provision: installing ${missing[*]}"
  apt-get update -qq
  # The bench runs its own nginx and Ceph with their own configs: keep the packages from
  # starting system services (nginx's default site on port 80) by forbidding service starts.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "bench provision: ready ($(nginx -v 2>&1), $(go version), $(ceph --version | cut -d' ' -f1-3))"
