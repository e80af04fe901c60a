#!/usr/bin/env bash
# kill -9 of the node under a live stream (issue 20, chaos suite): N cycles of start → healthy (first new result
# at the durable subscriber) → run S seconds → SIGKILL; then a last start drains the outbox and stops cleanly.
# Prints per cycle the time to healthy, and at the end lost (seq gaps), duplicated (ids twice), recovered.
#   scripts/chaos/kill-cycles.sh [-c cycles] [-s seconds]
set -euo pipefail
cycles=8 seconds=5
while [ $# -gt 0 ]; do
  case "$1" in
    -c) cycles="$2"; shift 2 ;;
    -s) seconds="$2"; shift 2 ;;
    *) echo "usage: $0 [-c cycles] [-s seconds]" >&2; exit 64 ;;
  esac
done
source "$(dirname "$0")/lib.sh"
start_broker
start_subscriber
for cycle in $(seq "$cycles"); do
  seen=$(results); t0=$(now)
  start_node
  echo "cycle $cycle: healthy after $(until_results "$t0" "$seen") s"
  sleep "$seconds"
  kill_node
done
seen=$(results); t0=$(now)
start_node
echo "final start: healthy after $(until_results "$t0" "$seen") s"
sleep "$seconds"
stop_node
sleep 2
echo "kill-cycles: cycles=$cycles $(count) recovered=$(grep -c 'seq' "$work/results" || true)"
