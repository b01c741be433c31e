#!/bin/sh
# Gathers what a failed CI job uploads, into one folder the CLI copies out of the node:
#   journal/UNIT.log      the journal of every service unit (and journal/all.log, the whole boot)
#   var-log/              /var/log of the services (binary journal files left out)
#   etc/SERVICE/          the rendered configuration files, with passwords and URL credentials masked
#   nested-containers.json  the nested engine's container list (when it runs)
#   units.txt             every unit and its state
#   all of it packed as OUT_DIR.tar.gz (one regular file for the engine's archive API to copy out)
set -u
out="${1:?usage: export-logs.sh OUT_DIR}"
rm -f "$out.tar.gz"
rm -rf "$out"
mkdir -p "$out/journal" "$out/var-log" "$out/etc"

journalctl --no-pager -o short-iso >"$out/journal/all.log" 2>&1 || true
systemctl list-units --all --no-legend --plain >"$out/units.txt" 2>&1 || true
systemctl list-units --type=service --all --no-legend --plain | while read -r unit _; do
    case "$unit" in *.service) ;; *) continue ;; esac
    journalctl --no-pager -o short-iso -u "$unit" >"$out/journal/${unit%.service}.log" 2>&1 || true
done

# /var/log without the binary journal and login records (binary, sparse).
tar -C /var/log --exclude=./journal --exclude=./lastlog --exclude=./wtmp --exclude=./btmp --exclude=./faillog -cf - . 2>/dev/null \
    | tar -C "$out/var-log" -xf - 2>/dev/null || true

for dir in keystone glance nova neutron placement zun openstack-dashboard libvirt openvswitch rabbitmq mysql memcached.conf apache2/sites-enabled; do
    [ -e "/etc/$dir" ] || continue
    mkdir -p "$out/etc/$(dirname "$dir")"
    cp -rL "/etc/$dir" "$out/etc/$dir" 2>/dev/null || true
done

if [ -S /run/docker.sock ]; then
    curl -fsS --max-time 10 --unix-socket /run/docker.sock 'http://engine/containers/json?all=1' \
        >"$out/nested-containers.json" 2>/dev/null || true
fi

# Mask secrets in every text file: INI keys that hold passwords or secrets, and credentials inside URLs.
find "$out" -type f -size -20M | while read -r file; do
    grep -Iq . "$file" 2>/dev/null || continue
    sed -i -E \
        -e 's#^([[:space:]]*[A-Za-z0-9_.-]*(password|passwd|secret|_key|token)[A-Za-z0-9_.-]*[[:space:]]*=[[:space:]]*).+$#\1****#I' \
        -e "s#^([[:space:]]*'?[A-Za-z0-9_]*(PASSWORD|SECRET_KEY)[A-Za-z0-9_]*'?[[:space:]]*[=:][[:space:]]*).+\$#\\1'****'#" \
        -e 's#(://[^:/@[:space:]]+:)[^@/[:space:]]+@#\1****@#g' \
        "$file" 2>/dev/null || true
done

tar -C "$out" -czf "$out.tar.gz" .
rm -rf "$out"
