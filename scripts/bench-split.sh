#!/usr/bin/env bash
# Split inference (#16): two node processes pinned to one core each (taskset), standing in for a camera board (head) and
# its neighbour (tail), against one pinned process running the whole int8 model.
#
#   scripts/bench-split.sh [seconds] [cut|auto] [model-id]
#   env: SKIP_BUILD=1 (use the built node), CUT_DIR=<dir> (an existing `edgenode split` folder), LINKS="1000 100 20", MAX_IN_FLIGHT=4,
#        HEAD_CORE=0 TAIL_CORE=1, NETNS=0 (force loopback), JPEG=0 (leave out the JPEG offload baseline), JPEG_QUALITY=85
#
# At each link the tensor cut runs, then the JPEG offload baseline (`edgenode split --at jpeg`: the head sends the
# camera's frame as JPEG, the tail runs the whole model), in the same run; each split scenario also prints the bytes per
# frame that crossed (from the head's "Split: sent" log line at stop).
#
# With permission to create network namespaces (root with `ip netns`), the tail runs in its own namespace behind a veth
# pair whose both ends are rate-limited with tc (tbf) at each of LINKS Mbit/s; the tail then listens beyond loopback,
# which the node allows only with mutual TLS, so the script makes a throw-away CA and certificates (scripts/make-certs.sh)
# and both nodes use an external (absent) broker, since MQTT TLS settings exclude the embedded broker. Without netns it
# falls back to one run over loopback (no rate limit) and says so. Numbers come from each node's SQLite: results/s over
# the measured window, latency p50/p95 from the results' latencyMs, and how many frames ran split or local (split
# telemetry is not published without a broker, so the counts come from the head's log line at stop).
# Prints one JSON line per scenario, then a summary line. Needs dotnet, sqlite3, python3, taskset; netns: ip, tc, openssl.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds="${1:-30}"
at="${2:-auto}"
model_id="${3:-resnet18-int8}"
links="${LINKS:-1000 100 20}"
head_core="${HEAD_CORE:-0}"
tail_core="${TAIL_CORE:-1}"
out="$root/src/EdgeNode/bin/Release/net10.0"
[[ "${SKIP_BUILD:-0}" == 1 ]] || dotnet build src/EdgeNode -c Release -nologo -v quiet >/dev/null
model_file=$(python3 -c "import json; m=[x for x in json.load(open('$out/models/manifest.json'))['models'] if x['id']=='$model_id'][0]; print(m['file'])")
work=$(mktemp -d)
ns="edgenode-bench-$$"
netns=0
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [[ $netns == 1 ]]; then ip netns del "$ns" 2>/dev/null || true; ip link del "veth-h$$" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"; }

# The cut: the tail board is taken as fast as this one (--peer-speed 1), the link as 1000 Mbit/s for `auto`.
cut="${CUT_DIR:-}"
if [[ -z "$cut" ]]; then
  cut="$work/cut"
  dotnet "$out/edgenode.dll" split "$out/models/$model_file" --at "$at" -o "$cut" --link-mbps 1000 --peer-speed 1 --threads 1 | tail -n 3 >&2
fi
cuts=("tensor:$cut")
if [[ "${JPEG:-1}" == 1 ]]; then
  dotnet "$out/edgenode.dll" split "$out/models/$model_file" --at jpeg -o "$work/jpeg" --link-mbps 1000 --peer-speed 1 --threads 1 | tail -n 1 >&2
  cuts+=("jpeg:$work/jpeg")
fi
kind=$(python3 -c "import json; print(json.load(open('$cut/split.json'))['kind'])")
[[ $kind == tensor ]] || { echo "bench-split.sh: the cut is '$kind' (all local or JPEG offload won); pick a tensor with --at" >&2; exit 1; }

if [[ "${NETNS:-1}" == 1 ]] && ip netns add "$ns" 2>/dev/null; then
  netns=1
  ip link add "veth-h$$" type veth peer name "veth-t$$"
  ip link set "veth-t$$" netns "$ns"
  ip addr add 10.77.0.1/24 dev "veth-h$$"; ip link set "veth-h$$" up
  ip netns exec "$ns" ip addr add 10.77.0.2/24 dev "veth-t$$"
  ip netns exec "$ns" ip link set "veth-t$$" up; ip netns exec "$ns" ip link set lo up
  scripts/make-certs.sh -o "$work/certs" ca >/dev/null
  scripts/make-certs.sh -o "$work/certs" server 10.77.0.2 >/dev/null
  scripts/make-certs.sh -o "$work/certs" client head >/dev/null
else
  echo "bench-split.sh: network namespaces not permitted here; one run over loopback without a rate limit" >&2
  links="loopback"
fi

# node NAME DIR CORE [NETNS] ENV... : starts a node in DIR pinned to CORE; its pid is appended to pids.
node() {
  local name=$1 dir=$2 core=$3 inns=$4; shift 4
  mkdir -p "$dir"
  local prefix=()
  [[ -n $inns ]] && prefix=(ip netns exec "$inns")
  (cd "$dir" && exec "${prefix[@]}" env EdgeNode__NodeId="$name" EdgeNode__Mqtt__EmbeddedBroker=false EdgeNode__Mqtt__Port="$(free_port)" \
    EdgeNode__Web__Enabled=false EdgeNode__ChangeGate__Enabled=false EdgeNode__Inference__Model="$model_id" \
    EdgeNode__Inference__IntraOpThreads=1 EdgeNode__Inference__Providers__0=CPU EdgeNode__Camera__FramesPerSecond=0 \
    "$@" taskset -c "$core" dotnet "$out/edgenode.dll" >"$dir/node.log" 2>&1) &
  pids+=($!)
}

count() { sqlite3 "$1/data/edgenode.db" "select count(*) from messages where kind=0" 2>/dev/null || echo 0; }

# frames NAME DIR: the head's split/local frame counts and the bytes per frame it sent, from its log lines at stop.
frames() {
  python3 - "$1" "$2/node.log" <<'PY'
import json, re, sys
log = open(sys.argv[2]).read()
m = re.findall(r"Split: stopped; (\d+) frames were finished by the tail, (\d+) ran locally", log)
b = re.findall(r"Split: sent (\d+) bytes in (\d+) frames", log)
print(json.dumps({"scenario": sys.argv[1], "split_frames": int(m[-1][0]) if m else None, "local_frames": int(m[-1][1]) if m else None,
                  "bytes_per_frame": round(int(b[-1][0]) / int(b[-1][1])) if b and int(b[-1][1]) else None}))
PY
}

# measure NAME DIR: results/s and latency over the window, after a warm-up until results flow.
measure() {
  local name=$1 dir=$2
  for _ in $(seq 1 1200); do [[ $(count "$dir") -gt 0 ]] && break; sleep 0.1; done
  sleep 3
  local s0 c0 t0 c1 t1
  s0=$(sqlite3 "$dir/data/edgenode.db" "select coalesce(max(seq),0) from messages")
  c0=$(count "$dir"); t0=$(date +%s.%N)
  sleep "$seconds"
  c1=$(count "$dir"); t1=$(date +%s.%N)
  sqlite3 "$dir/data/edgenode.db" "select payload from messages where kind=0 and seq>$s0" >"$dir/window.jsonl"
  python3 - "$name" "$c0" "$c1" "$t0" "$t1" "$dir/window.jsonl" "$dir/node.log" <<'PY'
import json, re, sys
name, c0, c1, t0, t1, window, log = sys.argv[1:]
lat = sorted(json.loads(l)["latencyMs"] for l in open(window) if l.strip())
pct = lambda p: round(lat[min(len(lat) - 1, int(p * len(lat)))], 2) if lat else None
print(json.dumps({"scenario": name, "results_per_s": round((int(c1) - int(c0)) / (float(t1) - float(t0)), 2),
                  "latency_p50_ms": pct(0.5), "latency_p95_ms": pct(0.95), "results": len(lat),
                  "degraded_logged": len(re.findall("Split: degraded", open(log).read()))}))
PY
}

stop_all() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}

lines=()
node whole "$work/whole" "$head_core" ""
line=$(measure whole "$work/whole"); echo "$line"; lines+=("$line"); stop_all

for link in $links; do
  for entry in "${cuts[@]}"; do
    mode=${entry%%:*}; dir=${entry#*:}
    name="split-$link"
    if [[ $mode == jpeg ]]; then name="jpeg-$link"; fi
    port=$(free_port)
    tls=()
    if [[ $link == loopback ]]; then
      peer="http://127.0.0.1:$port"; listen="$peer"; tailns=""
    else
      peer="https://10.77.0.2:$port"; listen="$peer"; tailns="$ns"
      tc qdisc replace dev "veth-h$$" root tbf rate "${link}mbit" burst 256kb latency 50ms
      ip netns exec "$ns" tc qdisc replace dev "veth-t$$" root tbf rate "${link}mbit" burst 256kb latency 50ms
      tls=(EdgeNode__Mqtt__Tls__CaFile="$work/certs/ca.crt")
    fi
    tail_env=(EdgeNode__Split__Role=tail EdgeNode__Split__Cut="$dir" EdgeNode__Split__Listen="$listen" EdgeNode__Camera__FramesPerSecond=1)
    head_env=(EdgeNode__Split__Role=head EdgeNode__Split__Cut="$dir" EdgeNode__Split__Peer="$peer" EdgeNode__Split__MaxInFlight="${MAX_IN_FLIGHT:-4}" EdgeNode__Split__DeadlineMs=5000
      EdgeNode__Split__JpegQuality="${JPEG_QUALITY:-85}")
    if [[ $link != loopback ]]; then
      tail_env+=("${tls[@]}" EdgeNode__Mqtt__Tls__CertFile="$work/certs/broker/server.crt" EdgeNode__Mqtt__Tls__KeyFile="$work/certs/broker/server.key")
      head_env+=("${tls[@]}" EdgeNode__Mqtt__Tls__CertFile="$work/certs/clients/head/client.crt" EdgeNode__Mqtt__Tls__KeyFile="$work/certs/clients/head/client.key")
    fi
    node "tail-$name" "$work/tail-$name" "$tail_core" "$tailns" "${tail_env[@]}"
    node "head-$name" "$work/head-$name" "$head_core" "" "${head_env[@]}"
    line=$(measure "$name" "$work/head-$name"); echo "$line"; lines+=("$line"); stop_all
    frames "$name" "$work/head-$name"
  done
done

python3 - "${lines[@]}" <<'PY'
import json, sys
r = [json.loads(l) for l in sys.argv[1:]]
whole = r[0]["results_per_s"] or 1e-9
print(json.dumps({"whole_per_s": r[0]["results_per_s"], **{x["scenario"] + "_over_whole": round(x["results_per_s"] / whole, 3) for x in r[1:]}}))
PY
