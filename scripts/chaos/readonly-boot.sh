#!/usr/bin/env bash
# A read-only file system at boot (issue 20, chaos suite; needs root for the mount): the node stores a backlog with
# the broker away, is killed, its data folder is remounted read-only and the node started: it must exit (74)
# without moving the database aside, naming it, with every file unchanged; remounted read-write, it starts and
# delivers the whole backlog. Exits 1 when the read-only boot did anything else.
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
digest() { (cd "$data" && find . -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16; }
before=$(digest)
mount -o remount,ro "$data"
t0=$(now); start_node
for _ in $(seq 300); do kill -0 "$node_pid" 2>/dev/null || break; sleep 0.1; done
failed=0
if kill -0 "$node_pid" 2>/dev/null; then
  outcome="still running after 30 s, $(grep -c 'could not be stored' "$work/node.log" || true) results not stored"
  kill_node; failed=1
else
  wait "$node_pid" 2>/dev/null && rc=0 || rc=$?; node_pid=""; outcome="exit $rc"
  [ "$rc" = 74 ] || failed=1
fi
named=$(grep -c "Database $data/edgenode.db cannot be opened" "$work/node.log" || true)
unchanged=$([ "$(digest)" = "$before" ] && echo yes || echo no)
moved=$(ls "$data" | grep -c corrupt || true)
echo "read-only boot: $outcome (expected 74); log names the database: $([ "$named" -gt 0 ] && echo yes || echo no); files unchanged: $unchanged; moved aside: $moved"
[ "$named" -gt 0 ] && [ "$unchanged" = yes ] && [ "$moved" = 0 ] || failed=1
mount -o remount,rw "$data"
start_broker
start_subscriber
seen=$(results); t0=$(now); start_node
echo "read-write again: healthy after $(until_results "$t0" "$seen") s"
sleep 10
stop_node
sleep 2
echo "readonly-boot: $(count) recovered=$(results)"
[ "$failed" = 0 ] || { echo "readonly-boot: FAILED (the read-only boot must exit 74, name the database, change nothing and move nothing aside)" >&2; exit 1; }
