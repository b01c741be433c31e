#!/bin/sh
# Usage: discover-hosts.sh HOSTNAME
# Maps the compute host into cell1 once nova-compute has registered (the committed image then needs no discovery).
for _ in $(seq 120); do
    runuser -u nova -- nova-manage cell_v2 discover_hosts >/dev/null 2>&1 || true
    if runuser -u nova -- nova-manage cell_v2 list_hosts 2>/dev/null | grep -q " $1 "; then exit 0; fi
    sleep 2
done
echo "nova-compute did not register within 4 minutes" >&2
journalctl -u nova-compute -n 20 --no-pager -o cat >&2
exit 1
