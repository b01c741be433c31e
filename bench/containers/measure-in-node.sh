#!/bin/sh
# Container-service figures measured inside a DockStack node (run: ./dockstack exec -- sh -c "$(cat this file)").
# Prints: create-to-Running through the container API vs `docker run` on the nested engine (one run each),
# zun-api/zun-compute RSS, zun-api start-to-answer, and the node's total PSS.
set -e
PASSWORD=${ADMIN_PASSWORD:-secret}
now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
token=$(curl -s -i -H 'Content-Type: application/json' -d "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"admin\",\"domain\":{\"id\":\"default\"},\"password\":\"$PASSWORD\"}}},\"scope\":{\"project\":{\"name\":\"admin\",\"domain\":{\"id\":\"default\"}}}}}" \
    http://127.0.0.1:5000/v3/auth/tokens | tr -d '\r' | sed -n 's/^[Xx]-[Ss]ubject-[Tt]oken: //p')
api() { curl -s -H "X-Auth-Token: $token" -H 'OpenStack-API-Version: container 1.40' -H 'Content-Type: application/json' "$@"; }
status() { api "http://127.0.0.1:9517/v1/containers/$1" | sed -E 's/.*"status": ?"([A-Za-z]+)".*/\1/'; }

# Warm both paths once (first request JIT, image cache), then measure one run of each.
api -X POST -d '{"name":"bench-warm","image":"cirros","command":["sleep","60"]}' 'http://127.0.0.1:9517/v1/containers?run=true' >/dev/null
while [ "$(status bench-warm)" != Running ]; do sleep 0.05; done
api -X DELETE 'http://127.0.0.1:9517/v1/containers/bench-warm?force=True' >/dev/null
docker rm -f "$(docker run -d cirros sleep 60)" >/dev/null

t0=$(now)
api -X POST -d '{"name":"bench-api","image":"cirros","command":["sleep","60"]}' 'http://127.0.0.1:9517/v1/containers?run=true' >/dev/null
while [ "$(status bench-api)" != Running ]; do sleep 0.02; done
t1=$(now)
id=$(docker run -d --name bench-direct cirros sleep 60)
while [ "$(docker inspect -f '{{.State.Status}}' "$id")" != running ]; do sleep 0.02; done
t2=$(now)
api_ms=$(ms "$t0" "$t1"); docker_ms=$(ms "$t1" "$t2")
echo "create_to_running_api_ms=$api_ms"
echo "create_to_running_docker_ms=$docker_ms"
echo "ratio=$(awk "BEGIN { printf \"%.2f\", $api_ms / $docker_ms }")"
api -X DELETE 'http://127.0.0.1:9517/v1/containers/bench-api?force=True' >/dev/null
docker rm -f bench-direct >/dev/null
sleep 5

for unit in zun-api zun-compute; do
    pid=$(systemctl show -p MainPID --value "$unit")
    echo "${unit}_rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$pid/status) ${unit}_pss_kb=$(awk '/^Pss:/ {print $2}' /proc/$pid/smaps_rollup)"
done
dockerd=$(pidof dockerd || true); containerd=$(pidof containerd || true)
echo "dockerd_pss_kb=$(awk '/^Pss:/ {print $2}' /proc/$dockerd/smaps_rollup) containerd_pss_kb=$(awk '/^Pss:/ {print $2}' /proc/$containerd/smaps_rollup)"
total=0
for f in /proc/[0-9]*/smaps_rollup; do
    p=$(awk '/^Pss:/ {print $2}' "$f" 2>/dev/null || true)
    total=$((total + ${p:-0}))
done
echo "node_total_pss_mb=$((total / 1024))"

t0=$(now)
systemctl restart zun-api
until [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:9517/v1)" = 200 ]; do sleep 0.02; done
echo "zun_api_restart_to_answer_ms=$(ms "$t0" "$(now)")"
