#!/usr/bin/env bash
# A real ENOSPC (issue 20, chaos suite; needs root for the mount): the node's data folder is a size-limited tmpfs,
# the broker is away so the outbox grows, a filler file and a chunked model transfer compete for the space. The
# transfer's begin must be refused (insufficient_space) rather than pre-allocate the disk away; the database is
# kept; once space is freed and the broker is back every stored result arrives. Prints lost/duplicated/recovered.
#   scripts/chaos/enospc.sh [-m tmpfs-MiB] [-s seconds-offline]
set -euo pipefail
size=48 offline=20
while [ $# -gt 0 ]; do
  case "$1" in
    -m) size="$2"; shift 2 ;;
    -s) offline="$2"; shift 2 ;;
    *) echo "usage: $0 [-m tmpfs-MiB] [-s seconds-offline]" >&2; exit 64 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "enospc.sh mounts a tmpfs: run it as root" >&2; exit 77; }
source "$(dirname "$0")/lib.sh"
mount -t tmpfs -o "size=${size}m" chaos-enospc "$data"

# A publisher key the node trusts, and a signed "model" bigger than what will be left.
dotnet "$node_dll" model keygen --out "$work/publisher" --name ops > /dev/null
mkdir -p "$data/keys/models" && cp "$work/publisher/ops.pem" "$data/keys/models/"
head -c $((size / 2 * 1048576)) /dev/urandom > "$work/big.onnx"
dotnet "$node_dll" model sign --key "$work/publisher/ops.key" --model "$work/big.onnx" --name chaos --version 1 \
  --input Input247:1,3,224,224 --output Pooling395_Output_0:1,512,1,1 --out "$work/big.signed.json" 2> /dev/null

start_broker
start_subscriber
t0=$(now); start_node EdgeNode__Storage__MaxSizeMegabytes=$((size * 4))
echo "node healthy after $(until_results "$t0" 0) s"
stop_broker                                          # offline: the outbox grows on the tmpfs
head -c $((size * 1048576)) /dev/zero > "$data/filler" 2>/dev/null || true   # the rest of the disk, until ENOSPC
echo "filler: $(du -m "$data/filler" | cut -f1) MiB, free now: $(df -m --output=avail "$data" | tail -1 | tr -d ' ') MiB"
sleep "$offline"
start_broker
begin=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d['action']='begin'; d['chunkSize']=1048576; print(json.dumps(d))" "$work/big.signed.json")
reply=$(mosquitto_rr -h 127.0.0.1 -p "$port" -V mqttv5 -t "edgenode/$node_id/cmd/model" -e "chaos/reply" -m "$begin" -W 30 2>&1 || true)
echo "model begin on a full disk: $(echo "$reply" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r.get("error",{}).get("code") or "accepted")' 2>/dev/null || echo "$reply")"
echo "node alive on a full disk: $(kill -0 "$node_pid" 2>/dev/null && echo yes || echo no); database kept: $([ -f "$data/edgenode.db" ] && echo yes || echo no); moved aside: $(ls "$data" | grep -c corrupt || true)"
rm -f "$data/filler"
start_subscriber
seen=$(results); t0=$(now)
echo "space freed: new results $(until_results "$t0" "$seen") s later"
sleep 10
stop_node
sleep 2
echo "enospc: tmpfs=${size}MiB $(count) recovered=$(results)"
