#!/usr/bin/env bash
# Benchmarks of the node's web page (docs/web.md, docs/benchmarks.md). Run in a quiet window, not under load.
#   scripts/bench-web.sh [seconds-per-phase]
# Starts one node (synthetic 640x480 camera, embedded broker, page on a free loopback port) and measures in the same run:
#   1. inference rate with 0 live viewers, then with 2 viewers on /api/live (target: <= 5 % lower)
#   2. the stream's frame rate at 640x480 as one viewer receives it (target: >= 10 fps)
#   3. first-view bytes of the page: index.html, its CSS/JS/icon and the first API answers (target: <= 200 KB)
#   4. time from 10 labels (POST /api/labels) to an active head (target: <= 5 s)
set -euo pipefail
cd "$(dirname "$0")/.."
phase="${1:-30}"
configuration="${CONFIGURATION:-Release}"
dll="src/EdgeNode/bin/$configuration/net10.0/edgenode.dll"
[ -f "$dll" ] || dotnet build src/EdgeNode -c "$configuration" -v quiet -nologo
work="$(mktemp -d)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

EdgeNode__Web__Urls="http://127.0.0.1:0" EdgeNode__Mqtt__Port="$(free_port)" EdgeNode__Storage__Path="$work/edgenode.db" \
EdgeNode__Camera__Source=synthetic EdgeNode__Camera__Width=640 EdgeNode__Camera__Height=480 EdgeNode__Camera__FramesPerSecond=30 \
EdgeNode__ChangeGate__Enabled=false EdgeNode__Telemetry__IntervalSeconds=1 EdgeNode__Learning__RetrainAfterLabels=10 \
  dotnet "$dll" >"$work/node.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 240); do grep -q "Web page at" "$work/node.log" && break; sleep 0.5; done
url="$(grep -o 'Web page at http://[0-9.:]*' "$work/node.log" | head -1 | cut -d' ' -f4)"
[ -n "$url" ] || { echo "the node did not start:"; cat "$work/node.log"; exit 1; }
sleep 10 # warm-up

inferences() { curl -s "$url/api/events" -m 2.5 | grep -o '"inferences":[0-9]*' | tail -1 | cut -d: -f2; }
rate() { local a b; a="$(inferences)"; sleep "$phase"; b="$(inferences)"; echo "scale=2; ($b - $a) / $phase" | bc; }

r0="$(rate)"
curl -s -N "$url/api/live" -o /dev/null & pids+=($!)
curl -s -N "$url/api/live" -o "$work/stream.bin" & pids+=($!)
sleep 3
: >"$work/stream.bin"
r2="$(rate)"
frames="$(grep -ac 'Content-Type: image/jpeg' "$work/stream.bin" || true)"
echo "inference rate, 0 viewers: $r0 /s"
echo "inference rate, 2 viewers: $r2 /s ($(echo "scale=1; 100 * ($r0 - $r2) / $r0" | bc) % lower)"
echo "stream at 640x480: $(echo "scale=1; $frames / $phase" | bc) fps"

bytes=0
for path in / app.css app.js api.js live.js label.js region.js head.js status.js favicon.svg api/session api/status api/heads; do
  n="$(curl -s -o /dev/null -w '%{size_download}' "$url/${path#/}")"
  bytes=$((bytes + n))
done
echo "first view (page, scripts, first API answers; the live stream excluded): $bytes bytes"

csrf="$(curl -s -c "$work/cookies" "$url/api/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')"
before="$(curl -s "$url/api/heads" | python3 -c 'import json,sys; print(json.load(sys.stdin)["activeVersion"] or 0)')"
start="$(date +%s.%N)"
for i in $(seq 1 10); do
  label=$([ $((i % 2)) -eq 0 ] && echo left || echo right)
  curl -s -b "$work/cookies" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    -d "{\"result\":\"last\",\"label\":\"$label\"}" "$url/api/labels" >/dev/null
  sleep 0.1
done
while [ "$(curl -s "$url/api/heads" | python3 -c 'import json,sys; print(json.load(sys.stdin)["activeVersion"] or 0)')" = "$before" ]; do sleep 0.05; done
end="$(date +%s.%N)"
echo "10 labels to an active head: $(echo "scale=2; $end - $start" | bc) s (including 0.1 s between labels)"
