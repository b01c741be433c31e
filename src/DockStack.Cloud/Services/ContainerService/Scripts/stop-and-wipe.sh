#!/bin/sh
# The build node has no volume at /var/lib/docker, so the engine ran on vfs in the image's root fs: stop it (and its
# socket, which would start it again) and leave the folder empty, so a cloud's new volume starts empty and the engine
# initialises overlay2 on it.
set -e
systemctl stop zun-api.service dockstack-cirros.service
systemctl stop docker.socket docker.service containerd.service
if grep -q ' /var/lib/docker/' /proc/mounts; then grep ' /var/lib/docker/' /proc/mounts | cut -d' ' -f2 | sort -r | xargs -r umount; fi
find /var/lib/docker /var/lib/containerd -mindepth 1 -maxdepth 1 -exec rm -rf {} +
test -z "$(ls -A /var/lib/docker)"
