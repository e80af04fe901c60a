#!/usr/bin/env bash
# Broker durability under kill -9 (issue 20, item 19). A durable subscriber (persistent session, QoS 1) is offline
# while a publisher sends N messages, each acknowledged (PUBACK) by mosquitto, so the broker holds them for it; the
# broker is killed with SIGKILL mid-drain (the subscriber has taken part of the queue), restarted on the same store,
# and the subscriber collects the rest. Prints how many acknowledged messages were lost.
#   scripts/chaos/broker-durability.sh [-n messages] [-c cycles] [--setting shipped|60s]
# shipped: the persistence lines of deploy/mosquitto/edgenode.conf; 60s: the old "autosave_interval 60".
# Needs mosquitto, mosquitto_pub, mosquitto_sub. Uses a free port on 127.0.0.1 and a temporary folder.
set -euo pipefail
n=500 cycles=3 setting=shipped
while [ $# -gt 0 ]; do
  case "$1" in
    -n) n="$2"; shift 2 ;;
    -c) cycles="$2"; shift 2 ;;
    --setting) setting="$2"; shift 2 ;;
    *) echo "usage: $0 [-n messages] [-c cycles] [--setting shipped|60s]" >&2; exit 64 ;;
  esac
done
root="$(cd "$(dirname "$0")/../.." && pwd)"
mosquitto="$(command -v mosquitto || echo /usr/sbin/mosquitto)"
dir="$(mktemp -d)"
broker_pid=""
cleanup() { [ -n "$broker_pid" ] && kill -9 "$broker_pid" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"

{
  echo "listener $port 127.0.0.1"
  echo "allow_anonymous true"
  [ "$(id -u)" = 0 ] && echo "user root"
  echo "max_queued_messages 0"
  if [ "$setting" = shipped ]; then
    grep -E '^(persistence|autosave_)' "$root/deploy/mosquitto/edgenode.conf" | grep -v persistence_location
  else
    printf 'persistence true\nautosave_interval 60\n'
  fi
  echo "persistence_location $dir/"
} > "$dir/mosquitto.conf"

start_broker() {
  "$mosquitto" -c "$dir/mosquitto.conf" > "$dir/broker.log" 2>&1 &
  broker_pid=$!
  for _ in $(seq 100); do mosquitto_pub -h 127.0.0.1 -p "$port" -t chaos/ping -m x 2>/dev/null && return; sleep 0.1; done
  echo "mosquitto did not start: $(cat "$dir/broker.log")" >&2; exit 1
}

sub() { # collect from the durable session for $1 seconds, at most $2 messages
  timeout "$1" mosquitto_sub -h 127.0.0.1 -p "$port" -V mqttv5 -i chaos-durable -c -x 3600 -q 1 -t 'chaos/data' ${2:+-C "$2"} >> "$dir/received" 2>/dev/null || true
}

total_lost=0 total_dup=0
for cycle in $(seq "$cycles"); do
  : > "$dir/received"
  start_broker
  sub 1                                   # creates the persistent session, then goes offline
  seq -f "c$cycle-%g" 1 "$n" | mosquitto_pub -h 127.0.0.1 -p "$port" -V mqttv5 -q 1 -t chaos/data -l
  sub 5 $((n / 2))                         # mid-drain: half of the queue is taken
  kill -9 "$broker_pid"; wait "$broker_pid" 2>/dev/null || true; broker_pid=""
  start_broker
  sub 3                                   # the rest, from the store written before the crash
  kill -9 "$broker_pid"; wait "$broker_pid" 2>/dev/null || true; broker_pid=""
  got="$(sort -u "$dir/received" | grep -c "^c$cycle-" || true)"
  lines="$(grep -c "^c$cycle-" "$dir/received" || true)"
  lost=$((n - got)); dup=$((lines - got))
  total_lost=$((total_lost + lost)); total_dup=$((total_dup + dup))
  echo "cycle $cycle: acknowledged $n, received $got, lost $lost, duplicated $dup"
  rm -f "$dir"/mosquitto.db "$dir"/*.db
done
echo "setting=$setting messages=$((n * cycles)) lost=$total_lost duplicated=$total_dup"
