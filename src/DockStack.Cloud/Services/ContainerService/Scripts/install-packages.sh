#!/bin/sh
# Usage: install-packages.sh PACKAGE... (with /usr/sbin/policy-rc.d in place: no service starts while they install)
set -e
apt-get update -q
apt-get install -y -q --no-install-recommends "$@"
rm -f /usr/sbin/policy-rc.d
# The node's engine runs its containers with containerd's runc v2 shim; containerd's CLI (ctr) and the v1 shims are
# never used (48 MB). A no-op when the packages do not ship them.
rm -f /usr/bin/ctr /usr/bin/containerd-shim /usr/bin/containerd-shim-runc-v1
apt-get clean
rm -rf /var/lib/apt/lists/*
