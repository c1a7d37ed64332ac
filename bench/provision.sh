#!/usr/bin/env bash
# Installs what `npm run bench` needs beyond the integration tests' own provisioning, on a
# Debian machine, as root: nginx (the nginx-in-front design and the machine's TLS limits) and
# golang-go (a tiny hasher with the same Go crypto/sha256 the registry uses). Idempotent.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Docker engine, Debian's docker-registry and the registry:2 stand-in image.
bash "$here/../tests/support/provision.sh"
. "$here/../tests/support/packages.sh"

packages=(nginx golang-go curl coreutils)
mapfile -t missing < <(missing_packages "${packages[@]}")
if [ "${#missing[@]}" -gt 0 ]; then
  echo "bench provision: installing ${missing[*]}"
  apt-get update -qq
  # The bench runs its own nginx with its own config: keep the package from starting the
  # system service (default site on port 80) by forbidding service starts during the install.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "bench provision: ready ($(nginx -v 2>&1), $(go version))"
