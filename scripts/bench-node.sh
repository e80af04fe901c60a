#!/usr/bin/env bash
# Node end-to-end inference rate versus bare InferenceSession.Run of the same model, in the same run.
#
#   scripts/bench-node.sh [seconds] [model-id]
#
# Baseline: `edgenode bench <model> --threads 2` (bare InferenceSession.Run on a pre-filled tensor), run
# before and after the node and averaged. Node: the real service (synthetic 640x480 camera at 60 fps, change
# gate off, so inference is the bottleneck), inference rate from its own telemetry counters over the
# measured window, peak RSS from /proc/<pid>/status (VmHWM). Prints one JSON line with the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
model_id="${2:-resnet18-fp32}"
out="src/EdgeNode/bin/Release/net10.0"
dotnet build src/EdgeNode -c Release -nologo -v quiet >/dev/null
model_file=$(python3 -c "import json,sys; m=[x for x in json.load(open('$out/models/manifest.json'))['models'] if x['id']=='$model_id'][0]; print(m['file'])")
work=$(mktemp -d)
port=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")

bare() {
  dotnet "$out/edgenode.dll" bench "$out/models/$model_file" --threads 2 --warmup 5 --runs "$1" --json 2>/dev/null \
    | python3 -c "import json,sys; print(json.load(sys.stdin)['models'][0]['latency']['throughputPerSecond'])"
}

base1=$(bare 60)
(cd "$work" && EdgeNode__NodeId=bench EdgeNode__Mqtt__Port="$port" EdgeNode__Camera__FramesPerSecond=60 \
  EdgeNode__ChangeGate__Enabled=false EdgeNode__Inference__Model="$model_id" EdgeNode__Inference__IntraOpThreads=2 \
  EdgeNode__Inference__Providers__0=CPU EdgeNode__Telemetry__IntervalSeconds=1 \
  exec dotnet "$OLDPWD/$out/edgenode.dll" >"$work/node.log" 2>&1) &
node=$!
sleep 15   # start-up and warm-up, not measured
count() { sqlite3 "$work/data/edgenode.db" "select count(*) from messages where kind=0"; }
c0=$(count); t0=$(date +%s.%N)
sleep "$seconds"
c1=$(count); t1=$(date +%s.%N)
rss_kib=$(awk '/VmHWM/ {print $2}' "/proc/$(pgrep -P $node -f edgenode.dll || echo $node)/status" 2>/dev/null || echo 0)
kill -TERM "$node"; wait "$node" || true
base2=$(bare 60)
python3 - "$c0" "$c1" "$t0" "$t1" "$base1" "$base2" "$rss_kib" "$model_id" <<'PY'
import json, sys
c0, c1, t0, t1, b1, b2, rss, model = sys.argv[1:]
node = (int(c1) - int(c0)) / (float(t1) - float(t0))
base = (float(b1) + float(b2)) / 2
print(json.dumps({"model": model, "node_inferences_per_s": round(node, 2), "bare_run_per_s": round(base, 2),
                  "bare_before": round(float(b1), 2), "bare_after": round(float(b2), 2),
                  "ratio": round(node / base, 3), "node_peak_rss_mib": round(int(rss) / 1024, 1)}))
PY
rm -rf "$work"
