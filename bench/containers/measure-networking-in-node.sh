#!/bin/sh
# Containers on Neutron networks, measured inside a node of a cloud with Nova, Neutron's OVS agent and the container
# service with kuryr (the seed local.conf). Run: ./dockstack exec -n NAME -- env RUNS=5 sh -c "$(cat this file)"
# Prints, over RUNS runs (default 5; median/min/max): create-to-Running through the container API on demo's `private`
# network (a Neutron port) and on an engine bridge (a throwaway project without a Neutron network), and their ratio;
# ping RTT from a container on `private` to a Nova server on it, against the same busybox ping from the router's
# namespace; the idle PSS and RSS of the `zun kuryr` process; the load average. Everything it makes it removes, also
# on failure or Ctrl+C (a server or engine network that was there before is kept).
set -eu
RUNS=${RUNS:-5}
PASSWORD=${ADMIN_PASSWORD:-secret}
KEYSTONE=http://127.0.0.1:5000 ZUN=http://127.0.0.1:9517 NEUTRON=http://127.0.0.1:9696
NOVA=http://127.0.0.1:8774/v2.1 GLANCE=http://127.0.0.1:9292
PREFIX=bench-net-$(head -c 3 /dev/urandom | od -An -tx1 | tr -d ' \n')
ADMIN='' DEMO='' NAMES='' SERVER='' SERVER_MADE='' GROUP='' ENGINE_NET='' TMP_PROJECT='' TMP_USER=''

now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
fail() { echo "$*" >&2; exit 1; }
# json EXPR: EXPR (Python) of the JSON document on stdin, as d; None prints nothing.
json() { python3 -c 'import json, sys; d = json.load(sys.stdin); r = eval(sys.argv[1]); print("" if r is None else r)' "$1"; }
# token USER PROJECT: a token of USER scoped to PROJECT, both of the default domain (every DevStack user has the admin password).
token() {
    curl -sS -i -H 'Content-Type: application/json' -d "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"$1\",\"domain\":{\"id\":\"default\"},\"password\":\"$PASSWORD\"}}},\"scope\":{\"project\":{\"name\":\"$2\",\"domain\":{\"id\":\"default\"}}}}}" \
        "$KEYSTONE/v3/auth/tokens" | tr -d '\r' | sed -n 's/^[Xx]-[Ss]ubject-[Tt]oken: //p'
}
# call TOKEN METHOD URL [BODY]: the answer's body; a status of 400 or more fails, with the body on stderr.
call() {
    c_token=$1 c_method=$2 c_url=$3; shift 3
    if [ $# -gt 0 ]; then set -- -d "$1"; fi
    c_out=$(curl -sS -w '\n%{http_code}' -H "X-Auth-Token: $c_token" -H 'Content-Type: application/json' \
        -H 'OpenStack-API-Version: container 1.40' -X "$c_method" "$@" "$c_url") || return 1
    c_code=$(printf '%s\n' "$c_out" | tail -n 1)
    [ "$c_code" -lt 400 ] || { printf '%s %s: %s %s\n' "$c_method" "$c_url" "$c_code" "$(printf '%s\n' "$c_out" | sed '$d')" >&2; return 1; }
    printf '%s\n' "$c_out" | sed '$d'
}
code() { curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $1" -H 'OpenStack-API-Version: container 1.40' "$2"; }
status() { curl -s -H "X-Auth-Token: $1" -H 'OpenStack-API-Version: container 1.40' "$ZUN/v1/containers/$2" | sed -E 's/.*"status": ?"([A-Za-z]+)".*/\1/'; }
# stats LIST: median min max of whitespace-separated numbers.
# shellcheck disable=SC2086 # $1 is split into its numbers on purpose
stats() { printf '%s\n' $1 | sort -n | awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "median=%s min=%s max=%s", m, v[1], v[NR] }'; }
median() { stats "$1" | sed -E 's/median=([^ ]*).*/\1/'; }
pss_rss() { awk '/^Pss:/ { p = $2 } /^Rss:/ { r = $2 } END { printf "pss_kb=%s (%.1f MiB) rss_kb=%s (%.1f MiB)", p, p / 1024, r, r / 1024 }' "/proc/$1/smaps_rollup"; }
kuryr_memory() {
    pid=$(systemctl show -p MainPID --value kuryr-libnetwork)
    [ "${pid:-0}" != 0 ] || fail "kuryr-libnetwork.service is not running: this node has no zun kuryr"
    echo "kuryr_$1 $(pss_rss "$pid") pid=$pid ($(tr '\0' ' ' < "/proc/$pid/cmdline"))"
}

# run_timed TOKEN NAME NETS_JSON: T = ms from the POST ?run=true of a cirros `sleep` container to the first GET that says Running.
run_timed() {
    NAMES="$NAMES $2"
    r_t0=$(now)
    call "$1" POST "$ZUN/v1/containers?run=true" "{\"name\":\"$2\",\"image\":\"cirros\",\"command\":[\"sleep\",\"3600\"]$3}" >/dev/null
    r_end=$(( $(date +%s) + 120 ))
    while r_s=$(status "$1" "$2"); [ "$r_s" != Running ]; do
        [ "$r_s" != Error ] && [ "$(date +%s)" -lt "$r_end" ] || fail "$2 is $r_s: $(call "$1" GET "$ZUN/v1/containers/$2" | json "d.get('status_reason')")"
        sleep 0.02
    done
    T=$(ms "$r_t0" "$(now)")
}
# remove NAME: force-deletes the container (admin, any project) and waits until it is gone (its port with it).
remove() {
    for uuid in $(call "$ADMIN" GET "$ZUN/v1/containers?all_projects=True&name=$1" | json "' '.join(c['uuid'] for c in d['containers'])"); do
        call "$ADMIN" DELETE "$ZUN/v1/containers/$uuid?force=True&all_projects=True" >/dev/null || true
        i=0; while [ "$(code "$ADMIN" "$ZUN/v1/containers/$uuid?all_projects=True")" != 404 ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
    done
}
cleanup() {
    rc=$?; set +e; trap - EXIT
    if [ -n "$ADMIN" ]; then
        for n in $NAMES; do remove "$n"; done
        [ -z "$ENGINE_NET" ] || docker network rm "$ENGINE_NET" >/dev/null
        if [ -n "$SERVER_MADE" ]; then
            call "$DEMO" DELETE "$NOVA/servers/$SERVER" >/dev/null
            i=0; while [ "$(code "$DEMO" "$NOVA/servers/$SERVER")" != 404 ] && [ $i -lt 120 ]; do sleep 1; i=$((i + 1)); done
        elif [ -n "$SERVER" ] && [ -n "$GROUP" ]; then
            call "$DEMO" POST "$NOVA/servers/$SERVER/action" "{\"removeSecurityGroup\":{\"name\":\"$GROUP\"}}" >/dev/null
        fi
        i=0; while [ -n "$GROUP" ] && ! call "$DEMO" DELETE "$NEUTRON/v2.0/security-groups/$GROUP" >/dev/null 2>&1 && [ $i -lt 30 ]; do sleep 2; i=$((i + 1)); done
        if [ -n "$TMP_PROJECT" ]; then
            for g in $(call "$ADMIN" GET "$NEUTRON/v2.0/security-groups?project_id=$TMP_PROJECT" | json "' '.join(g['id'] for g in d['security_groups'])"); do
                call "$ADMIN" DELETE "$NEUTRON/v2.0/security-groups/$g" >/dev/null
            done
        fi
        [ -z "$TMP_USER" ] || call "$ADMIN" DELETE "$KEYSTONE/v3/users/$TMP_USER" >/dev/null
        [ -z "$TMP_PROJECT" ] || call "$ADMIN" DELETE "$KEYSTONE/v3/projects/$TMP_PROJECT" >/dev/null
    fi
    echo "load_average_end=$(cut -d' ' -f1-3 /proc/loadavg)"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

echo "runs=$RUNS load_average_start=$(cut -d' ' -f1-3 /proc/loadavg)"
kuryr_memory idle_before
ADMIN=$(token admin admin); DEMO=$(token demo demo)
[ -n "$ADMIN" ] && [ -n "$DEMO" ] || fail "no token from Keystone for admin or demo"

# A throwaway project without a network of its own, and a member of it: its containers stay on the engine's own
# network (the container service's default rule finds no Neutron network; with project_networks, the project's bridge).
DEMO_PROJECT=$(call "$ADMIN" GET "$KEYSTONE/v3/projects?name=demo&domain_id=default" | json "d['projects'][0]['id']")
PRIVATE=$(call "$DEMO" GET "$NEUTRON/v2.0/networks?name=private&project_id=$DEMO_PROJECT" | json "d['networks'][0]['id']")
SHARED=$(call "$ADMIN" GET "$NEUTRON/v2.0/networks?shared=true" | json "len([n for n in d['networks'] if n['subnets']])")
[ "$SHARED" != 1 ] || fail "the cloud has exactly one shared network: a project without its own would get a Neutron port on it"
TMP_PROJECT=$(call "$ADMIN" POST "$KEYSTONE/v3/projects" "{\"project\":{\"name\":\"$PREFIX\",\"domain_id\":\"default\",\"description\":\"bench, removed at its end\"}}" | json "d['project']['id']")
TMP_USER=$(call "$ADMIN" POST "$KEYSTONE/v3/users" "{\"user\":{\"name\":\"$PREFIX\",\"domain_id\":\"default\",\"password\":\"$PASSWORD\"}}" | json "d['user']['id']")
MEMBER=$(call "$ADMIN" GET "$KEYSTONE/v3/roles?name=member" | json "d['roles'][0]['id']")
call "$ADMIN" PUT "$KEYSTONE/v3/projects/$TMP_PROJECT/users/$TMP_USER/roles/$MEMBER" >/dev/null
BARE=$(token "$PREFIX" "$PREFIX"); [ -n "$BARE" ] || fail "no token for the throwaway user"
NETS=",\"nets\":[{\"network\":\"$PRIVATE\"}]"
docker network inspect "$PRIVATE" >/dev/null 2>&1 || ENGINE_NET=$PRIVATE

# One container of each kind first, not counted (first calls, the engine networks made); both stay to the end, so the
# runs create on networks that exist, and the one on `private` is the ping's source.
run_timed "$DEMO" "$PREFIX-hold-neutron" "$NETS"
run_timed "$BARE" "$PREFIX-hold-engine" ""
HOLD=zun-$(call "$DEMO" GET "$ZUN/v1/containers/$PREFIX-hold-neutron" | json "d['uuid']")
echo "neutron_container_networks=$(docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' "$HOLD")(private: $PRIVATE)"
BARE_UUID=$(call "$BARE" GET "$ZUN/v1/containers/$PREFIX-hold-engine" | json "d['uuid']")
echo "engine_container_networks=$(docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' "zun-$BARE_UUID")"

neutron='' engine=''
for run in $(seq 1 "$RUNS"); do
    # The two sides alternate which goes first, so a drift in load favours neither.
    for side in $( [ $((run % 2)) = 1 ] && echo "neutron engine" || echo "engine neutron"); do
        if [ "$side" = neutron ]; then
            run_timed "$DEMO" "$PREFIX-n$run" "$NETS"; neutron="$neutron $T"; remove "$PREFIX-n$run"
        else
            run_timed "$BARE" "$PREFIX-e$run" ""; engine="$engine $T"; remove "$PREFIX-e$run"
        fi
    done
    echo "run $run: neutron_ms=${neutron##* } engine_ms=${engine##* }"
done
echo "create_to_running_neutron_ms $(stats "$neutron")"
echo "create_to_running_engine_ms $(stats "$engine")"
echo "ratio_neutron_engine=$(awk "BEGIN { printf \"%.2f\", $(median "$neutron") / $(median "$engine") }") (medians; target within 1.5)"

# A Nova server on `private` (one of demo's that is ACTIVE there, else one booted here), in a group of ours that lets
# ICMP in: the default group only admits its own members, which the router's port is not.
GROUP=$(call "$DEMO" POST "$NEUTRON/v2.0/security-groups" "{\"security_group\":{\"name\":\"$PREFIX\",\"description\":\"bench, removed at its end\"}}" | json "d['security_group']['id']")
call "$DEMO" POST "$NEUTRON/v2.0/security-group-rules" "{\"security_group_rule\":{\"security_group_id\":\"$GROUP\",\"direction\":\"ingress\",\"ethertype\":\"IPv4\",\"protocol\":\"icmp\"}}" >/dev/null
SERVER=$(call "$DEMO" GET "$NOVA/servers/detail?status=ACTIVE" | json "next((s['id'] for s in d['servers'] if 'private' in s['addresses']), None)")
if [ -n "$SERVER" ]; then
    call "$DEMO" POST "$NOVA/servers/$SERVER/action" "{\"addSecurityGroup\":{\"name\":\"$GROUP\"}}" >/dev/null
    echo "server=$SERVER (existing, kept; our group added for the run)"
else
    IMAGE=$(call "$DEMO" GET "$GLANCE/v2/images?name=tiny-linux-x86_64" | json "d['images'][0]['id']")
    FLAVOR=$(call "$DEMO" GET "$NOVA/flavors/detail" | json "next((f['id'] for f in d['flavors'] if f['name'] == 'm1.nano'), min(d['flavors'], key=lambda f: (f['ram'], f['vcpus'], f['disk']))['id'])")
    SERVER_MADE=1
    SERVER=$(call "$DEMO" POST "$NOVA/servers" "{\"server\":{\"name\":\"$PREFIX\",\"imageRef\":\"$IMAGE\",\"flavorRef\":\"$FLAVOR\",\"networks\":[{\"uuid\":\"$PRIVATE\"}],\"security_groups\":[{\"name\":\"default\"},{\"name\":\"$GROUP\"}]}}" | json "d['server']['id']")
    t0=$(now)
    until s=$(call "$DEMO" GET "$NOVA/servers/$SERVER" | json "d['server']['status']"); [ "$s" = ACTIVE ]; do
        [ "$s" != ERROR ] && [ $(( ($(now) - t0) / 1000000000 )) -lt 300 ] || fail "server $SERVER is $s"
        sleep 1
    done
    echo "server=$SERVER (booted here: tiny-linux-x86_64, flavor $FLAVOR, ACTIVE after $(ms "$t0" "$(now)") ms)"
fi
IP=$(call "$DEMO" GET "$NOVA/servers/$SERVER" | json "d['server']['addresses']['private'][0]['addr']")
ROUTER=$(call "$ADMIN" GET "$NEUTRON/v2.0/ports?network_id=$PRIVATE&device_owner=network:router_interface" | json "d['ports'][0]['device_id'] if d['ports'] else None")
NS=qrouter-$ROUTER
ip netns list | grep -q "^$NS" || NS=qdhcp-$PRIVATE
ip netns list | grep -q "^$NS" || fail "neither the router's nor the DHCP namespace of $PRIVATE is in this node"
# The node has no ping of its own (trixie's cloud packages pull in none); busybox-static, which the guests' stand-in
# CirrOS is made of, is installed: the baseline is the same busybox ping, from the namespace.
command -v busybox >/dev/null || fail "the node has no busybox for the baseline ping"
t0=$(now)
until docker exec "$HOLD" ping -c 1 -W 2 "$IP" >/dev/null 2>&1; do
    [ $(( ($(now) - t0) / 1000000000 )) -lt 240 ] || fail "the container did not reach the server at $IP within 240 s"
done
echo "server_ip=$IP answered the container's ping after $(ms "$t0" "$(now)") ms; baseline from namespace $NS"
# ping20 COMMAND...: A = avg RTT in ms (busybox: "round-trip min/avg/max = a/b/c ms"), LOSS = its packet loss.
ping20() {
    p_out=$("$@" ping -c 20 -i 0.2 "$IP" || true)
    A=$(printf '%s\n' "$p_out" | sed -n 's#.*= [0-9.]*/\([0-9.]*\)/.*#\1#p')
    LOSS=$(printf '%s\n' "$p_out" | sed -n 's/.* \([0-9.]*%\) packet loss.*/\1/p')
    [ -n "$A" ] || fail "no answer to: $* ping -c 20 -i 0.2 $IP: $p_out"
}
from_container='' from_namespace=''
for run in $(seq 1 "$RUNS"); do
    for side in $( [ $((run % 2)) = 1 ] && echo "container namespace" || echo "namespace container"); do
        if [ "$side" = container ]; then
            ping20 docker exec "$HOLD"; from_container="$from_container $A"; c_loss=$LOSS
        else
            ping20 ip netns exec "$NS" busybox; from_namespace="$from_namespace $A"; n_loss=$LOSS
        fi
    done
    echo "run $run: container_avg_rtt_ms=${from_container##* } (loss $c_loss) namespace_avg_rtt_ms=${from_namespace##* } (loss $n_loss)"
done
echo "ping_container_to_server_avg_rtt_ms $(stats "$from_container") (ping -c 20 -i 0.2, docker exec in a container on private)"
echo "ping_${NS%%-*}_to_server_avg_rtt_ms $(stats "$from_namespace") (busybox ping -c 20 -i 0.2 in $NS)"
echo "ratio_container_namespace=$(awk "BEGIN { printf \"%.2f\", $(median "$from_container") / $(median "$from_namespace") }") (medians)"

sleep 10
kuryr_memory idle_after
echo "(target: kuryr PSS under 40 MB)"
