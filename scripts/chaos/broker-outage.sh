#!/usr/bin/env bash
# A broker outage under a live stream (issue 20, chaos suite): the broker is killed for D seconds (the issue's soak
# setting is 300) while the node keeps inferring into its outbox, then restarted on its store; the node reconnects
# and drains. Prints the time until the first result after the broker is back, and lost/duplicated.
#   scripts/chaos/broker-outage.sh [-d seconds] [-n outages]
set -euo pipefail
down=300 outages=1
while [ $# -gt 0 ]; do
  case "$1" in
    -d) down="$2"; shift 2 ;;
    -n) outages="$2"; shift 2 ;;
    *) echo "usage: $0 [-d seconds] [-n outages]" >&2; exit 64 ;;
  esac
done
source "$(dirname "$0")/lib.sh"
start_broker
start_subscriber
t0=$(now); start_node
echo "node healthy after $(until_results "$t0" 0) s"
for outage in $(seq "$outages"); do
  sleep 3
  stop_broker
  sleep "$down"
  start_broker; start_subscriber
  seen=$(results); t0=$(now)
  echo "outage $outage (${down}s): first result $(until_results "$t0" "$seen") s after the broker is back"
done
sleep 5
stop_node
sleep 2
echo "broker-outage: outages=$outages down=${down}s $(count)"
