#!/usr/bin/env bash
# Installs and starts what the integration tests need, on a Debian machine, as root:
# Docker engine, CNCF Distribution 2.8.2 (Debian's docker-registry) and 3.1.2 (built from its Go
# module, cached in /var/cache/private-registry-test) as locally built images,
# openssl, curl and htpasswd; sshd, sudo and python3 for the client-host tests; shellcheck for
# the workflows' scripts; for the shared-storage tests a Ceph cluster with its S3 gateway
# (ceph-mon, ceph-osd, radosgw), redis-server and nginx with its stream module; for the
# certificate tests pebble (an ACME test CA, with its mock DNS pebble-challtestsrv); for the stack
# tests the Pulumi CLI, built from its Go module (cached in /var/cache/private-registry-test). Those
# services are only installed: the tests start their own instances, and nothing starts at install.
# Idempotent: reuses a running dockerd and an existing image.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/packages.sh"
. "$(dirname "${BASH_SOURCE[0]}")/standIn.sh"
. "$(dirname "${BASH_SOURCE[0]}")/pulumiCli.sh"

packages=(docker.io docker-registry busybox-static apache2-utils openssl curl tar openssh-server openssh-client sudo python3 shellcheck
  ceph-mon ceph-osd radosgw ceph-common redis-server redis-tools nginx libnginx-mod-stream pebble iproute2)

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

# The two registry majors the tests run against, as local stand-ins for registry:2 and registry:3.
DISTRIBUTION3_VERSION=3.1.2
TEST_IMAGE_2=private-registry-test/registry:2.8.2
TEST_IMAGE_3=private-registry-test/registry:$DISTRIBUTION3_VERSION
if stand_in_present "$TEST_IMAGE_2"; then
  echo "provision: $TEST_IMAGE_2 present"
else
  echo "provision: building $TEST_IMAGE_2 from Debian's docker-registry $(dpkg-query -W -f='${Version}' docker-registry)"
  build_stand_in "$TEST_IMAGE_2" /usr/bin/docker-registry /etc/docker/registry/config.yml \
    "Debian docker-registry (CNCF Distribution 2.8.2), test stand-in for registry:2"
fi
if stand_in_present "$TEST_IMAGE_3"; then
  echo "provision: $TEST_IMAGE_3 present"
else
  binary=$(distribution3_binary "$DISTRIBUTION3_VERSION")
  echo "provision: building $TEST_IMAGE_3 from $binary"
  build_stand_in "$TEST_IMAGE_3" "$binary" /etc/distribution/config.yml \
    "CNCF Distribution $DISTRIBUTION3_VERSION built from its Go module, test stand-in for registry:3"
fi
pulumi_cli=$(pulumi_cli_binary)
echo "provision: Pulumi CLI $PULUMI_CLI_VERSION at $pulumi_cli"
echo "provision: ready (images $TEST_IMAGE_2 and $TEST_IMAGE_3, $(docker version --format 'docker {{.Server.Version}}'))"
