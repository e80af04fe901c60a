#!/usr/bin/env bash
# Rewrites the "Command line" usage block of README.md from `edgenode --usage-markdown` (the --help of every verb).
# Run it after changing a verb's flags or descriptions; CommandLineTests.ReadmeUsageBlock_EqualsTheHelpOfEveryVerb checks it.
set -euo pipefail
cd "$(dirname "$0")/.."
configuration="${CONFIGURATION:-Release}"
dotnet build src/EdgeNode -c "$configuration" -v q --nologo >/dev/null
block="$(mktemp)"
trap 'rm -f "$block"' EXIT
dotnet "src/EdgeNode/bin/$configuration/net10.0/edgenode.dll" --usage-markdown >"$block"
python3 - "$block" <<'PY'
import sys
block = open(sys.argv[1]).read()
readme = open("README.md").read()
begin = readme.index("<!-- usage: generated")
end = readme.index("<!-- usage: end -->") + len("<!-- usage: end -->\n")
open("README.md", "w").write(readme[:begin] + block + readme[end:])
PY
echo "README.md: usage block updated"
