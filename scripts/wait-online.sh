#!/usr/bin/env bash
# Waits until a node's retained status topic says "online".
#   scripts/wait-online.sh [-h host] [-p port] [-u user -P password] [--cafile F [--cert F --key F]]
#                          [--prefix edgenode] [-t seconds] <node-id>
# Exit 0: the retained edgenode/<node>/status is "online"; 1: it was not within the timeout
# (the last value seen, if any, is printed on stderr). Uses mosquitto_sub (mosquitto-clients).
# scripts/deploy.sh waits with it after each install, and the container image's HEALTHCHECK runs it.
# TLS (docs/security.md): --cafile (EDGENODE_MQTT_CAFILE) turns it on; --cert/--key (EDGENODE_MQTT_CERTFILE/
# EDGENODE_MQTT_KEYFILE) present a client certificate, e.g. the node's own.
set -euo pipefail

host="${EDGENODE_MQTT_HOST:-127.0.0.1}"
port="${EDGENODE_MQTT_PORT:-1883}"
user="${EDGENODE_MQTT_USER:-}"
password="${EDGENODE_MQTT_PASSWORD:-}"
cafile="${EDGENODE_MQTT_CAFILE:-}"
certfile="${EDGENODE_MQTT_CERTFILE:-}"
keyfile="${EDGENODE_MQTT_KEYFILE:-}"
prefix="edgenode"
timeout=60
usage() { echo "usage: $0 [-h host] [-p port] [-u user -P password] [--cafile F [--cert F --key F]] [--prefix P] [-t seconds] <node-id>" >&2; exit 64; }
while [ $# -gt 0 ]; do
  case "$1" in
    -h) host="$2"; shift 2 ;;
    -p) port="$2"; shift 2 ;;
    -u) user="$2"; shift 2 ;;
    -P) password="$2"; shift 2 ;;
    --cafile) cafile="$2"; shift 2 ;;
    --cert) certfile="$2"; shift 2 ;;
    --key) keyfile="$2"; shift 2 ;;
    --prefix) prefix="$2"; shift 2 ;;
    -t) timeout="$2"; shift 2 ;;
    -*) usage ;;
    *) break ;;
  esac
done
[ $# -eq 1 ] || usage
node="$1"
command -v mosquitto_sub >/dev/null 2>&1 || { echo "wait-online.sh: mosquitto_sub not found (apt-get install mosquitto-clients)" >&2; exit 69; }

auth=()
if [ -n "$user" ]; then auth=(-u "$user" -P "$password"); fi
if [ -n "$cafile" ]; then auth+=(--cafile "$cafile"); fi
if [ -n "$certfile" ] || [ -n "$keyfile" ]; then
  if [ -z "$certfile" ] || [ -z "$keyfile" ] || [ -z "$cafile" ]; then
    echo "wait-online.sh: --cert and --key go together, with --cafile" >&2
    exit 64
  fi
  auth+=(--cert "$certfile" --key "$keyfile")
fi
topic="$prefix/$node/status"
deadline=$((SECONDS + timeout))
last=""
while :; do
  # -C 1 -W 2: one retained message, or give up after 2 s (no retained value yet, or the broker is down).
  if value="$(mosquitto_sub -h "$host" -p "$port" "${auth[@]}" -V mqttv5 -t "$topic" -C 1 -W 2 2>/dev/null)"; then
    last="$value"
    if [ "$value" = "online" ]; then
      echo "$topic: online"
      exit 0
    fi
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then break; fi
  sleep 1
done
echo "wait-online.sh: $topic was not online within ${timeout}s (last: ${last:-nothing})" >&2
exit 1
