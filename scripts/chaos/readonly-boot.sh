#!/usr/bin/env bash
# A read-only file system at boot (issue 20, chaos suite; needs root for the mount): the node stores a backlog with
# the broker away, is killed, its data folder is remounted read-only and the node started: it must exit (74)
# without moving the database aside; remounted read-write, it starts and delivers the whole backlog.
#   scripts/chaos/readonly-boot.sh [-s seconds-offline]
set -euo pipefail
offline=10
while [ $# -gt 0 ]; do
  case "$1" in
    -s) offline="$2"; shift 2 ;;
    *) echo "usage: $0 [-s seconds-offline]" >&2; exit 64 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "readonly-boot.sh mounts a tmpfs: run it as root" >&2; exit 77; }
source "$(dirname "$0")/lib.sh"
mount -t tmpfs -o size=256m chaos-ro "$data"
start_broker
start_subscriber
t0=$(now); start_node
echo "node healthy after $(until_results "$t0" 0) s"
stop_broker
sleep "$offline"                                     # a backlog in the outbox
kill_node
before=$(ls -l "$data" | md5sum | cut -c1-12)
mount -o remount,ro "$data"
t0=$(now); start_node
for _ in $(seq 300); do kill -0 "$node_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$node_pid" 2>/dev/null; then
  # SQLite opens an existing file read-only without complaint: the node runs and every write fails.
  outcome="still running after 30 s, $(grep -c 'could not be stored' "$work/node.log" || true) results not stored"
  kill_node
else
  wait "$node_pid" 2>/dev/null && rc=0 || rc=$?; node_pid=""; outcome="exit $rc"
fi
echo "read-only boot: $outcome; files unchanged: $([ "$(ls -l "$data" | md5sum | cut -c1-12)" = "$before" ] && echo yes || echo no); moved aside: $(ls "$data" | grep -c corrupt || true)"
mount -o remount,rw "$data"
start_broker
start_subscriber
seen=$(results); t0=$(now); start_node
echo "read-write again: healthy after $(until_results "$t0" "$seen") s"
sleep 10
stop_node
sleep 2
echo "readonly-boot: $(count) recovered=$(results)"
