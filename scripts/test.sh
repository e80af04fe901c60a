#!/usr/bin/env bash
# Runs the whole EdgeNode test suite on a fresh Debian machine: installs what is missing
# (mosquitto, ffmpeg, sqlite3, protoc), builds the solution once, runs every test project, and prints
# one closing line "N passed, N failed" summed over all projects.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
command -v mosquitto_sub >/dev/null 2>&1 || need+=(mosquitto-clients)
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
# Sparkplug tests decode the node's protobuf payloads with protoc and the published schema.
command -v protoc >/dev/null 2>&1 || need+=(protobuf-compiler)
# MQTT TLS tests: scripts/make-certs.sh makes certificates with openssl.
command -v openssl >/dev/null 2>&1 || need+=(openssl)
# Deployment tests: arm64 under qemu-user, shellcheck, sshd stand-in board, systemd-analyze, cloud-init schema.
command -v qemu-aarch64-static >/dev/null 2>&1 || need+=(qemu-user-static)
[ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ] || need+=(libc6-arm64-cross)
[ -e /usr/aarch64-linux-gnu/lib/libstdc++.so.6 ] || need+=(libstdc++6-arm64-cross)
command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
command -v rsync >/dev/null 2>&1 || need+=(rsync)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
command -v cloud-init >/dev/null 2>&1 || need+=(cloud-init)
# Storage tests make a folder immutable (chattr +i) and mount tmpfs (util-linux's mount, essential on Debian).
command -v chattr >/dev/null 2>&1 || need+=(e2fsprogs)
# Web page end-to-end tests drive Debian's headless Chromium (PuppeteerSharp; no browser is downloaded).
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]} ..."
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# Debian starts a system mosquitto on 1883 when installing it; the tests use their own brokers on free ports.

configuration="${CONFIGURATION:-Release}"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
dotnet build EdgeNode.sln -c "$configuration" -nologo -v quiet

results="$(mktemp -d)"
status=0
for project in tests/*/*.csproj; do
  name="$(basename "$project" .csproj)"
  case "$name" in *Tests) ;; *) continue ;; esac
  echo "=== $name"
  if ! dotnet test "$project" -c "$configuration" --no-build --filter "Category!=Hardware&Category!=Flaky" \
      --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" --results-directory "$results" -v quiet; then
    status=1
  fi
done

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  p=$(grep -o 'passed="[0-9]*"' "$trx" | head -1 | grep -o '[0-9]*' || echo 0)
  f=$(grep -o 'failed="[0-9]*"' "$trx" | head -1 | grep -o '[0-9]*' || echo 0)
  passed=$((passed + p))
  failed=$((failed + f))
done
rm -rf "$results"
echo "${passed} passed, ${failed} failed"
exit $status
