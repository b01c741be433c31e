#!/bin/sh
# Runs in a build node just before its layer is committed. What is removed here would otherwise be committed in every
# layer that used apt: its package caches (pkgcache.bin and srcpkgcache.bin, 91 MB together, rebuilt by the next apt
# command) and downloaded .deb files.
set -e
if command -v apt-get >/dev/null 2>&1; then
    apt-get clean
fi
rm -f /var/cache/apt/pkgcache.bin /var/cache/apt/srcpkgcache.bin
