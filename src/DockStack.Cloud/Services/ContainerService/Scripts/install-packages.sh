#!/bin/sh
# Usage: install-packages.sh PACKAGE... (with /usr/sbin/policy-rc.d in place: no service starts while they install)
set -e
apt-get update -q
apt-get install -y -q --no-install-recommends "$@"
rm -f /usr/sbin/policy-rc.d
apt-get clean
rm -rf /var/lib/apt/lists/*
