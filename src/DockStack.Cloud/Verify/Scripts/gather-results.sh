#!/bin/sh
# Writes the last tempest run of WORKSPACE into RESULTS: its subunit stream, an HTML and a JUnit XML report, tempest's
# log and configuration; packs them as RESULTS.tar.gz.
set -e
mkdir -p "$RESULTS"
cd "$WORKSPACE"
# These exit non-zero when a test failed: what they wrote is checked instead.
stestr last --subunit > "$RESULTS/results.subunit" || true
subunit2html "$RESULTS/results.subunit" "$RESULTS/results.html" >/dev/null || true
subunit2junitxml < "$RESULTS/results.subunit" > "$RESULTS/results.xml" || true
for report in results.subunit results.html results.xml; do
    [ -s "$RESULTS/$report" ] || { echo "$report is empty" >&2; exit 1; }
done
cp etc/tempest.conf "$RESULTS/tempest.conf"
if [ -f tempest.log ]; then cp tempest.log "$RESULTS/tempest.log"; fi
tar -czf "$RESULTS.tar.gz" -C "$RESULTS" .
