#!/usr/bin/env bash
# Makes a site CA and the certificates for EdgeNode's mutual TLS with openssl (docs/security.md).
#   scripts/make-certs.sh [-o DIR] [--days N] ca [--force]
#   scripts/make-certs.sh [-o DIR] [--days N] server NAME-OR-ADDRESS...   # the broker: every host name and IP clients use
#   scripts/make-certs.sh [-o DIR] [--days N] client NAME...              # node ids, operator, aggregator, homeassistant
# Layout under DIR (default ./certs):
#   ca.crt ca.key                               the site CA; keep ca.key off the boards
#   broker/ca.crt broker/server.crt broker/server.key                  -> mosquitto (deploy/mosquitto/tls.conf)
#   clients/NAME/ca.crt clients/NAME/client.crt clients/NAME/client.key  -> EdgeNode__Mqtt__Tls__CaFile/CertFile/KeyFile
# The client certificate's CN is NAME, which mosquitto takes as the MQTT user name (use_identity_as_username), so
# edgenode.acl applies to it. Keys are EC P-256, PKCS#8 PEM, mode 600. Running "server" or "client" again issues
# a new key and certificate (rotation); "ca" refuses to replace an existing CA without --force.
set -euo pipefail

out="certs"
days=""
usage() { echo "usage: $0 [-o DIR] [--days N] ca [--force] | server NAME-OR-ADDRESS... | client NAME..." >&2; exit 64; }
fail() { echo "make-certs.sh: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case "$1" in
    -o) [ $# -ge 2 ] || usage; out="$2"; shift 2 ;;
    --days) [ $# -ge 2 ] || usage; days="$2"; shift 2 ;;
    -*) usage ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || usage
command="$1"; shift
[ -z "$days" ] || [[ "$days" =~ ^[1-9][0-9]*$ ]] || fail "--days must be a positive number of days, not '$days'"
command -v openssl >/dev/null 2>&1 || { echo "make-certs.sh: openssl not found (apt-get install openssl)" >&2; exit 69; }

new_key() { (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null); }
serial() { echo "0x1$(openssl rand -hex 15)"; }

# sign CSR CERT EXTFILE: issues CERT from the site CA.
sign() {
  openssl x509 -req -in "$1" -CA "$out/ca.crt" -CAkey "$out/ca.key" -set_serial "$(serial)" \
    -days "${days:-825}" -sha256 -extfile "$3" -out "$2" 2>/dev/null || fail "openssl could not sign $2"
}

need_ca() {
  if [ ! -f "$out/ca.crt" ] || [ ! -f "$out/ca.key" ]; then
    fail "no CA in $out (run: $0 -o $out ca)"
  fi
}

make_ca() {
  local force="${1:-}"
  if [ -e "$out/ca.key" ] && [ "$force" != "--force" ]; then
    fail "$out/ca.key exists; replacing the CA invalidates every certificate it issued (add --force to do it anyway)"
  fi
  mkdir -p "$out"
  new_key "$out/ca.key"
  openssl req -x509 -new -key "$out/ca.key" -sha256 -days "${days:-3650}" -subj "/CN=EdgeNode site CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$out/ca.crt" 2>/dev/null || fail "openssl could not create the CA"
  echo "CA: $out/ca.crt (key $out/ca.key)"
}

make_server() {
  [ $# -ge 1 ] || fail "server: name at least one host name or address the clients connect to"
  need_ca
  local dir="$out/broker" san="" name
  for name in "$@"; do
    if [[ "$name" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ || "$name" == *:* ]]; then
      san="${san:+$san,}IP:$name"
    elif [[ "$name" =~ ^[A-Za-z0-9*]([A-Za-z0-9.-]*[A-Za-z0-9])?$ ]]; then
      san="${san:+$san,}DNS:$name"
    else
      fail "server: '$name' is neither a host name nor an IP address"
    fi
  done
  mkdir -p "$dir"
  local tmp
  tmp="$(mktemp -d)"
  new_key "$dir/server.key"
  openssl req -new -key "$dir/server.key" -subj "/CN=$1" -out "$tmp/server.csr" 2>/dev/null || fail "openssl could not create the request"
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' "$san" > "$tmp/ext"
  sign "$tmp/server.csr" "$dir/server.crt" "$tmp/ext"
  rm -rf "$tmp"
  cp "$out/ca.crt" "$dir/ca.crt"
  echo "broker: $dir/server.crt ($san)"
}

make_client() {
  [ $# -ge 1 ] || fail "client: name at least one client (node id, operator, aggregator, homeassistant)"
  need_ca
  local name dir tmp
  for name in "$@"; do
    # The name becomes the MQTT user name and, for a node, a topic level.
    [[ "$name" =~ ^[A-Za-z0-9._-]+$ ]] || fail "client: '$name' must be letters, digits, '.', '_' or '-' (it is the MQTT user name and topic level)"
    [ "$name" != "fleet" ] || fail "client: 'fleet' is the level of the federated topics, not a client name"
    dir="$out/clients/$name"
    mkdir -p "$dir"
    tmp="$(mktemp -d)"
    new_key "$dir/client.key"
    openssl req -new -key "$dir/client.key" -subj "/CN=$name" -out "$tmp/client.csr" 2>/dev/null || fail "openssl could not create the request for $name"
    printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' > "$tmp/ext"
    sign "$tmp/client.csr" "$dir/client.crt" "$tmp/ext"
    rm -rf "$tmp"
    cp "$out/ca.crt" "$dir/ca.crt"
    echo "client $name: $dir/client.crt"
  done
}

case "$command" in
  ca) make_ca "$@" ;;
  server) make_server "$@" ;;
  client) make_client "$@" ;;
  *) usage ;;
esac
