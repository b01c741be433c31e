#!/bin/sh
# Installs PACKAGES without recommends and keeps no package lists or archives in the image.
set -e
apt-get update -q
# shellcheck disable=SC2086 # PACKAGES is a word list
apt-get install -y -q --no-install-recommends $PACKAGES
apt-get clean
rm -rf /var/lib/apt/lists/*
tempest --version
