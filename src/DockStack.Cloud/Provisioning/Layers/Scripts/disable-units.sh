#!/bin/sh
# Leaves the units in DISABLE disabled until the cloud layer configures and enables them, masks those in MASK (units the
# packages bring that a cloud does not use), and cleans up after the install.
set -e
for unit in $DISABLE $MASK; do
    if systemctl cat "$unit" >/dev/null 2>&1; then systemctl disable "$unit" 2>/dev/null || true; fi
done
for unit in $MASK; do
    if systemctl cat "$unit" >/dev/null 2>&1; then systemctl mask "$unit" >/dev/null 2>&1 || true; fi
done
rm -f /usr/sbin/policy-rc.d /root/dockstack-preseed.txt
apt-get clean
rm -rf /var/lib/apt/lists/*
