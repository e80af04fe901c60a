#!/usr/bin/env bash
# Managed allocation per frame of the node in steady state, with the embedded broker (the default) and with an external
# mosquitto, in the same run: one uncapped synthetic 640x480 camera (FramesPerSecond=0), change gate off, the web page
# off; after a warm-up, the node's own telemetry (allocatedBytesPerFrame, every 2 s) is sampled four times.
#
#   scripts/bench-alloc.sh [warm-up seconds] [threads]
#
# Needs mosquitto and mosquitto_sub. Prints one JSON line per broker.
set -euo pipefail
cd "$(dirname "$0")/.."
warmup="${1:-15}"
threads="${2:-2}"
out="src/EdgeNode/bin/Release/net10.0"
dotnet build src/EdgeNode -c Release -nologo -v quiet >/dev/null
work=$(mktemp -d)
broker=""
cleanup() { [[ -n "$broker" ]] && kill "$broker" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"; }

measure() { # name embedded(true|false) port
  local name=$1 embedded=$2 port=$3 dir="$work/$1" samples=()
  mkdir -p "$dir"
  (cd "$dir" && exec env EdgeNode__NodeId=alloc EdgeNode__Mqtt__EmbeddedBroker="$embedded" EdgeNode__Mqtt__Port="$port" \
    EdgeNode__ChangeGate__Enabled=false EdgeNode__Inference__IntraOpThreads="$threads" EdgeNode__Inference__Providers__0=CPU \
    EdgeNode__Web__Enabled=false EdgeNode__Telemetry__IntervalSeconds=2 \
    EdgeNode__Cameras__0__Name=cam0 EdgeNode__Cameras__0__Source=synthetic EdgeNode__Cameras__0__FramesPerSecond=0 \
    EdgeNode__Cameras__0__Width=640 EdgeNode__Cameras__0__Height=480 \
    dotnet "$OLDPWD/$out/edgenode.dll" >"$dir/node.log" 2>&1) &
  local node=$!
  sleep "$warmup"
  for _ in 1 2 3 4; do
    samples+=("$(mosquitto_sub -p "$port" -t edgenode/alloc/telemetry -C 1 -W 10 \
      | python3 -c "import json,sys; print(json.load(sys.stdin).get('allocatedBytesPerFrame'))")")
  done
  kill -TERM "$node"; wait "$node" || true
  python3 -c "import json,sys; v=[float(x) for x in sys.argv[2:]]; print(json.dumps({'broker': sys.argv[1], 'allocated_bytes_per_frame': v, 'min': min(v), 'max': max(v)}))" "$name" "${samples[@]}"
}

measure embedded true "$(free_port)"
port=$(free_port)
printf 'listener %s 127.0.0.1\nallow_anonymous true\nuser root\n' "$port" >"$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
broker=$!
sleep 1
measure external-mosquitto false "$port"
