#!/usr/bin/env bash
# The node's end-to-end result rate against bare InferenceSession.Run of the same model at the same thread count,
# in the same run, with no source capping the rate (uncapped cameras: FramesPerSecond=0 makes capture wait for
# the node instead of pacing itself).
#
#   scripts/bench-node.sh [seconds] [model-id] [threads]
#
# Scenarios: raw (synthetic 640x480 RGB, pre-rendered and replayed) and mjpeg (a folder of 640x480 JPEGs from
# ffmpeg's test pattern, replayed from memory, decoded by the node), each with 1 and 4 cameras; change gate off;
# raw4-alone is raw4 with EdgeNode__Inference__MaxBatch=1 (every frame alone), the same-run baseline of batching.
# Baseline: `edgenode bench <model> --threads T` before and after the node runs, averaged. Per scenario: results/s
# from the database over the measured window, the ratio to bare Run, p95 latency per camera and allocated bytes
# per frame from the node's telemetry, peak RSS (VmHWM), and time from process start to the first published
# result (mosquitto_sub on the embedded broker). Prints one JSON line per scenario, then a summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
model_id="${2:-resnet18-int8}"
threads="${3:-2}"
out="src/EdgeNode/bin/Release/net10.0"
dotnet build src/EdgeNode -c Release -nologo -v quiet >/dev/null
model_file=$(python3 -c "import json,sys; m=[x for x in json.load(open('$out/models/manifest.json'))['models'] if x['id']=='$model_id'][0]; print(m['file'])")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/jpeg"
ffmpeg -hide_banner -loglevel error -f lavfi -i testsrc2=size=640x480:rate=30 -frames:v 30 -q:v 5 "$work/jpeg/f%03d.jpg"

bare() {
  dotnet "$out/edgenode.dll" bench "$out/models/$model_file" --threads "$threads" --warmup 5 --runs "$1" --json 2>/dev/null \
    | python3 -c "import json,sys; print(json.load(sys.stdin)['models'][0]['latency']['throughputPerSecond'])"
}

scenario() { # name kind cameras [max-batch]
  local name=$1 kind=$2 cameras=$3 max_batch=${4:-8} dir="$work/$1" env=()
  mkdir -p "$dir"
  local port; port=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
  for ((i = 0; i < cameras; i++)); do
    local source=synthetic
    [[ $kind == mjpeg ]] && source="folder:$work/jpeg"
    env+=("EdgeNode__Cameras__${i}__Name=cam$i" "EdgeNode__Cameras__${i}__Source=$source" "EdgeNode__Cameras__${i}__FramesPerSecond=0"
          "EdgeNode__Cameras__${i}__Width=640" "EdgeNode__Cameras__${i}__Height=480")
  done
  local started; started=$(date +%s.%N)
  (cd "$dir" && exec env EdgeNode__NodeId=bench EdgeNode__Mqtt__Port="$port" EdgeNode__ChangeGate__Enabled=false \
    EdgeNode__Inference__Model="$model_id" EdgeNode__Inference__IntraOpThreads="$threads" EdgeNode__Inference__Providers__0=CPU EdgeNode__Inference__MaxBatch="$max_batch" \
    EdgeNode__Telemetry__IntervalSeconds=2 EdgeNode__Web__Enabled=false "${env[@]}" \
    dotnet "$OLDPWD/$out/edgenode.dll" >"$dir/node.log" 2>&1) &
  local node=$!
  local first=""
  # Retried only while the embedded broker is not up yet; once connected it waits for the first result.
  for _ in $(seq 1 600); do
    if mosquitto_sub -p "$port" -t edgenode/bench/results -C 1 -W 120 >/dev/null 2>&1; then first=$(date +%s.%N); break; fi
    sleep 0.05
  done
  sleep 5   # warm-up, not measured
  count() { sqlite3 "$dir/data/edgenode.db" "select count(*) from messages where kind=0"; }
  local c0 t0 c1 t1
  c0=$(count); t0=$(date +%s.%N)
  sleep "$seconds"
  c1=$(count); t1=$(date +%s.%N)
  mosquitto_sub -p "$port" -t edgenode/bench/telemetry -C 1 -W 10 >"$dir/telemetry.json" 2>/dev/null || echo '{}' >"$dir/telemetry.json"
  local pid; pid=$(pgrep -P "$node" -f edgenode.dll || echo "$node")
  local rss_kib; rss_kib=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
  kill -TERM "$node"; wait "$node" || true
  python3 - "$name" "$c0" "$c1" "$t0" "$t1" "$rss_kib" "$started" "${first:-0}" "$dir/telemetry.json" <<'PY'
import json, sys
name, c0, c1, t0, t1, rss, started, first, telemetry = sys.argv[1:]
t = json.load(open(telemetry)) if open(telemetry).read().strip() else {}
print(json.dumps({"scenario": name, "results_per_s": round((int(c1) - int(c0)) / (float(t1) - float(t0)), 2),
                  "p95_ms_per_camera": {c["name"]: c["latencyP95Ms"] for c in t.get("cameras", [])},
                  "allocated_bytes_per_frame": t.get("allocatedBytesPerFrame"), "gen0_per_1000_frames": t.get("gen0Per1000Frames"),
                  "peak_rss_mib": round(int(rss) / 1024, 1),
                  "start_to_first_result_s": round(float(first) - float(started), 2) if float(first) > 0 else None}))
PY
}

base1=$(bare 100)
results=()
for s in "raw1 raw 1" "mjpeg1 mjpeg 1" "raw4 raw 4" "mjpeg4 mjpeg 4" "raw4-alone raw 4 1"; do
  # shellcheck disable=SC2086
  line=$(scenario $s); echo "$line"; results+=("$line")
done
base2=$(bare 100)
python3 - "$base1" "$base2" "$model_id" "$threads" "${results[@]}" <<'PY'
import json, sys
b1, b2, model, threads, *lines = sys.argv[1:]
base = (float(b1) + float(b2)) / 2
r = {x["scenario"]: x for x in map(json.loads, lines)}
print(json.dumps({"model": model, "threads": int(threads), "bare_run_per_s": round(base, 2),
                  "bare_before": round(float(b1), 2), "bare_after": round(float(b2), 2),
                  "ratio_raw_1cam": round(r["raw1"]["results_per_s"] / base, 3),
                  "ratio_mjpeg_1cam": round(r["mjpeg1"]["results_per_s"] / base, 3),
                  "four_over_one_raw": round(r["raw4"]["results_per_s"] / max(r["raw1"]["results_per_s"], 1e-9), 3),
                  "four_over_one_mjpeg": round(r["mjpeg4"]["results_per_s"] / max(r["mjpeg1"]["results_per_s"], 1e-9), 3),
                  "raw4_batched_over_alone": round(r["raw4"]["results_per_s"] / max(r["raw4-alone"]["results_per_s"], 1e-9), 3)}))
PY
