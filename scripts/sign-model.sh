#!/usr/bin/env bash
# Signs a model update for EdgeNode nodes: a thin wrapper around `edgenode model sign` (docs/models.md).
#
#   scripts/sign-model.sh --key <key.key> --model <file.onnx> --name <id> --version <v> [--precision fp32]
#                         [--input NAME:1,3,224,224] [--output NAME:1,512,1,1] [--out <signed.json>]
#
# Uses `edgenode` from PATH when there is one, else the Release build of this checkout (building it if needed).
# Make a key pair first with `edgenode model keygen --out <dir> --name <key>`.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
if command -v edgenode >/dev/null 2>&1; then
  exec edgenode model sign "$@"
fi

dll="$root/src/EdgeNode/bin/Release/net10.0/edgenode.dll"
if [ ! -f "$dll" ]; then
  dotnet build "$root/src/EdgeNode" -c Release -v quiet -nologo >&2
fi
exec dotnet "$dll" model sign "$@"
