#!/usr/bin/env bash
# Runs an arm64 (linux-arm64) EdgeNode publish on an x86-64 machine under qemu-user.
#   scripts/run-arm64.sh <publish-dir> [edgenode arguments…]
# e.g. scripts/run-arm64.sh artifacts/publish/linux-arm64 bench models/ResNet18.onnx --runs 2
# Needs (Debian): qemu-user-static, libc6-arm64-cross, libstdc++6-arm64-cross; root (or
# unprivileged user namespaces) for unshare.
# ONNX Runtime's CPU detection (cpuinfo) reads /proc/cpuinfo, which under qemu-user describes
# the x86 host and makes it crash. The node therefore runs in a private mount namespace in which
# an ARM Cortex-A76 /proc/cpuinfo is bind-mounted over the real one; nothing outside that
# namespace sees the change.
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 <linux-arm64 publish dir> [edgenode arguments…]" >&2
  exit 64
fi
dir="$(cd "$1" && pwd)"
shift

qemu="$(command -v qemu-aarch64-static || command -v qemu-aarch64 || true)"
if [ -z "$qemu" ]; then
  echo "run-arm64.sh: qemu-aarch64-static not found (apt-get install qemu-user-static)" >&2
  exit 69
fi
sysroot="${QEMU_LD_PREFIX:-/usr/aarch64-linux-gnu}"
if [ ! -e "$sysroot/lib/ld-linux-aarch64.so.1" ]; then
  echo "run-arm64.sh: $sysroot/lib/ld-linux-aarch64.so.1 not found (apt-get install libc6-arm64-cross libstdc++6-arm64-cross)" >&2
  exit 69
fi
if [ ! -x "$dir/edgenode" ]; then
  echo "run-arm64.sh: $dir/edgenode not found; run scripts/publish.sh linux-arm64 first" >&2
  exit 66
fi

cpuinfo="$(mktemp)"
trap 'rm -f "$cpuinfo"' EXIT
# Four Cortex-A76 cores, as on a Raspberry Pi 5.
for n in 0 1 2 3; do
  cat >>"$cpuinfo" <<CPUINFO
processor	: $n
BogoMIPS	: 108.00
Features	: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp
CPU implementer	: 0x41
CPU architecture: 8
CPU variant	: 0x4
CPU part	: 0xd0b
CPU revision	: 1

CPUINFO
done

# The inner shell runs inside the new mount namespace: bind the fake cpuinfo, then exec qemu.
export QEMU_LD_PREFIX="$sysroot"
cd "$dir"
status=0
# shellcheck disable=SC2016 # expanded by the inner shell
unshare --mount --propagation private -- /bin/sh -c '
  mount --bind "$1" /proc/cpuinfo
  shift
  exec "$@"
' run-arm64 "$cpuinfo" "$qemu" "$dir/edgenode" "$@" || status=$?
exit "$status"
