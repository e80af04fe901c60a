#!/usr/bin/env bash
# Publishes the node (src/EdgeNode) self-contained for one Linux runtime identifier.
#   scripts/publish.sh <rid> [output-dir]
#   rid: linux-x64 | linux-arm64 (what boards and the multi-arch Dockerfile use)
#   output-dir: default artifacts/publish/<rid>
# The output holds the edgenode executable, its native libraries (ONNX Runtime, SQLite, SkiaSharp)
# and models/ (manifest.json, ResNet18.onnx, ResNetPreprocess.onnx). The Dockerfile and
# scripts/deploy.sh both call this script, so what the tests publish is what ships.
# Intermediate files go under artifacts/ (--artifacts-path) so a publish for another RID never
# rewrites the obj/ folders a concurrent build of the solution is using.
# No docs file and no code-style analysis here: the solution build (scripts/test.sh) enforces both
# (IDE0005 needs the docs file, so a publish without it must not turn code style on).
set -euo pipefail

usage() { echo "usage: $0 <linux-x64|linux-arm64> [output-dir]" >&2; exit 64; }
if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
rid="$1"
case "$rid" in
  linux-x64|linux-arm64) ;;
  *) echo "publish.sh: unsupported runtime identifier '$rid'" >&2; usage ;;
esac

root="$(cd "$(dirname "$0")/.." && pwd)"
out="${2:-$root/artifacts/publish/$rid}"
artifacts="${EDGENODE_ARTIFACTS:-$root/artifacts/build}"
configuration="${CONFIGURATION:-Release}"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
dotnet publish "$root/src/EdgeNode/EdgeNode.csproj" \
  -c "$configuration" -r "$rid" --self-contained true \
  --artifacts-path "$artifacts" \
  -p:PublishReadyToRun=false -p:DebugType=none -p:GenerateDocumentationFile=false -p:EnforceCodeStyleInBuild=false \
  -o "$out" -nologo -v quiet

# A publish that lacks its executable, the ONNX Runtime native library or the models is not a release.
for f in edgenode libonnxruntime.so models/manifest.json models/ResNet18.onnx models/ResNetPreprocess.onnx; do
  if [ ! -e "$out/$f" ]; then
    echo "publish.sh: $out/$f is missing after publish" >&2
    exit 1
  fi
done
echo "$out"
