#!/bin/sh
# Writes the last tempest run of WORKSPACE into RESULTS: its subunit stream, an HTML and a JUnit XML report, tempest's
# log and configuration; packs them as RESULTS.tar.gz.
set -e
mkdir -p "$RESULTS"
cd "$WORKSPACE"
stestr last --subunit > "$RESULTS/results.subunit" || true
subunit2html "$RESULTS/results.subunit" "$RESULTS/results.html" >/dev/null
subunit2junitxml < "$RESULTS/results.subunit" > "$RESULTS/results.xml" || true
cp etc/tempest.conf "$RESULTS/tempest.conf"
if [ -f tempest.log ]; then cp tempest.log "$RESULTS/tempest.log"; fi
tar -czf "$RESULTS.tar.gz" -C "$RESULTS" .
