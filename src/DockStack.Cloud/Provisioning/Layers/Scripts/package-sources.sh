#!/bin/sh
# Keeps the mirror the base image was built from (`up --mirror`); adds SUITE's updates, and security when the mirror is
# Debian's own.
set -e
mirror=$(grep -h -o -E '^deb +(\[[^]]*\] +)?[a-z]+://[^ ]+' /etc/apt/sources.list 2>/dev/null | head -n1 | awk '{print $NF}')
[ -n "$mirror" ] || mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
{
    echo "deb $mirror $SUITE main"
    echo "deb $mirror $SUITE-updates main"
    case "$mirror" in http://deb.debian.org/*|https://deb.debian.org/*) echo "deb http://deb.debian.org/debian-security $SUITE-security main";; esac
} > /etc/apt/sources.list
rm -f /etc/apt/sources.list.d/debian.sources
