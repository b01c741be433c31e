#!/bin/sh
# The state of each unit in UNITS, the answer of each URL in URLS and, for each of nova and neutron in BEATS, the
# services or agents that reported since the node booted: one tab-separated line each, read by HealthChecker. Each
# answer, and the heartbeats (a "clock" line before them), carry the node's time in microseconds since the epoch: when
# the check saw them, which `status --timeline` shows.
for unit in $UNITS; do
    printf 'unit\t%s\t%s\n' "$unit" "$(systemctl is-active "$unit")"
done
for url in $URLS; do
    answer=$(curl -s -o /dev/null -m 5 -w '%{http_code}\t%{time_total}' "$url")
    printf 'http\t%s\t%s\t%s\n' "$url" "$answer" "$(date +%s%6N)"
done
[ -n "$BEATS" ] || exit 0
# Both tables hold UTC times; the node runs in UTC, so PID 1's start time is the boot in the same clock.
boot=$(date -u -d "$(ps -o lstart= -p 1)" '+%F %T')
printf 'clock\t%s\n' "$(date +%s%6N)"
case " $BEATS " in
    *" nova "*) mariadb -N -B -r -e "SELECT CONCAT('beat\tnova:', \`binary\`) FROM nova.services WHERE deleted = 0 AND updated_at >= '$boot'" 2>/dev/null ;;
esac
case " $BEATS " in
    *" neutron "*) mariadb -N -B -r -e "SELECT CONCAT('beat\tneutron:', agent_type) FROM neutron.agents WHERE heartbeat_timestamp >= '$boot'" 2>/dev/null ;;
esac
