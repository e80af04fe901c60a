# Shared by the chaos scripts (sourced): a mosquitto with persistence on a free port, the node as a process
# (dotnet edgenode.dll, synthetic camera), a durable QoS 1 subscriber that records every result, and the count.
# Needs: mosquitto, mosquitto_sub, mosquitto_rr, python3, and the node built (dotnet build src/EdgeNode).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
node_dll="${EDGENODE_DLL:-$root/src/EdgeNode/bin/Debug/net10.0/edgenode.dll}"
[ -f "$node_dll" ] || { echo "build the node first: dotnet build src/EdgeNode ($node_dll missing)" >&2; exit 69; }
mosquitto="$(command -v mosquitto || echo /usr/sbin/mosquitto)"
work="$(mktemp -d)"
broker_pid="" node_pid="" sub_pid=""
node_id=chaos
cleanup() {
  for p in "$node_pid" "$sub_pid" "$broker_pid"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  for m in $(awk -v w="$work" '$2 ~ "^"w {print $2}' /proc/mounts | sort -r); do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
data="$work/data"
mkdir -p "$data"
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence true\nautosave_on_changes true\nautosave_interval 1\npersistence_location %s/\nmax_queued_messages 0\n%s\n' \
  "$port" "$work" "$([ "$(id -u)" = 0 ] && echo 'user root')" > "$work/mosquitto.conf"

now() { date +%s.%N; }

start_broker() {
  "$mosquitto" -c "$work/mosquitto.conf" >> "$work/broker.log" 2>&1 &
  broker_pid=$!
  for _ in $(seq 100); do mosquitto_pub -h 127.0.0.1 -p "$port" -t chaos/ping -m x 2>/dev/null && return; sleep 0.1; done
  echo "mosquitto did not start: $(tail -3 "$work/broker.log")" >&2; exit 1
}

stop_broker() { kill -9 "$broker_pid" 2>/dev/null || true; wait "$broker_pid" 2>/dev/null || true; broker_pid=""; }

# A persistent session (clean start off, session kept an hour): results sent while it is away are queued for it.
start_subscriber() {
  [ -n "$sub_pid" ] && kill -9 "$sub_pid" 2>/dev/null || true
  mosquitto_sub -h 127.0.0.1 -p "$port" -V mqttv5 -i chaos-results -c -x 3600 -q 1 -t "edgenode/$node_id/results" >> "$work/results" 2>/dev/null &
  sub_pid=$!
}

start_node() { # extra environment as NAME=VALUE arguments
  env EdgeNode__NodeId="$node_id" EdgeNode__Mqtt__Host=127.0.0.1 EdgeNode__Mqtt__Port="$port" EdgeNode__Mqtt__EmbeddedBroker=false \
    EdgeNode__Mqtt__ReconnectDelaySeconds=0.2 EdgeNode__Mqtt__MaxReconnectDelaySeconds=1 EdgeNode__Storage__Path="$data/edgenode.db" \
    EdgeNode__Telemetry__IntervalSeconds=1 EdgeNode__Inference__Providers__0=CPU EdgeNode__Camera__FramesPerSecond=10 EdgeNode__Web__Enabled=false "$@" \
    dotnet "$node_dll" >> "$work/node.log" 2>&1 &
  node_pid=$!
}

kill_node() { kill -9 "$node_pid" 2>/dev/null || true; wait "$node_pid" 2>/dev/null || true; node_pid=""; }

stop_node() { kill -TERM "$node_pid" 2>/dev/null || true; wait "$node_pid" 2>/dev/null || true; node_pid=""; }

results() { [ -f "$work/results" ] && wc -l < "$work/results" || echo 0; }

# Seconds from $1 (a now) until the subscriber has more than $2 results; "timeout" after $3 seconds.
until_results() {
  local start="$1" seen="$2" limit="${3:-120}"
  while [ "$(results)" -le "$seen" ]; do
    if [ -n "$node_pid" ] && ! kill -0 "$node_pid" 2>/dev/null; then echo "exited"; return; fi
    [ "$(python3 -c "print(int($(now) - $start > $limit))")" = 1 ] && { echo "timeout"; return; }
    sleep 0.1
  done
  python3 -c "print(f'{$(now) - $start:.1f}')"
}

# lost: results seq numbers never received between the first and the last; duplicated: ids received twice.
count() {
  python3 - "$work/results" <<'PY'
import json, sys
seqs, ids, dup = set(), set(), 0
for line in open(sys.argv[1]):
    try:
        r = json.loads(line)
    except ValueError:
        continue
    dup += r["id"] in ids
    ids.add(r["id"]); seqs.add(r["seq"])
lost = (max(seqs) - min(seqs) + 1 - len(seqs)) if seqs else 0
print(f"received={len(ids)} lost={lost} duplicated={dup} first_seq={min(seqs) if seqs else '-'} last_seq={max(seqs) if seqs else '-'}")
PY
}
