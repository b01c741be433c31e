#!/bin/sh
# Usage: uwsgi-workers.sh INI PROCESSES [THREADS]
# Sets a Debian uwsgi ini's process (and thread) count, and makes every response say "Connection: close".
set -e
f=$1
processes=$2
threads=${3:-}
test -f "$f"
sed -i -E "s/^processes *=.*/processes = $processes/" "$f"
if [ -n "$threads" ]; then
    if grep -qE '^threads *=' "$f"; then
        sed -i -E "s/^threads *=.*/threads = $threads/" "$f"
    else
        sed -i -E "s/^(processes *=.*)/\\1\\nthreads = $threads/" "$f"
    fi
fi
grep -q '^add-header = Connection: close' "$f" || printf '%s\n' 'add-header = Connection: close' >> "$f"
