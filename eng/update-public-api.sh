#!/usr/bin/env bash
# Records every public symbol the build reports as undeclared (RS0016) in the project's PublicAPI.Unshipped.txt.
# Run after an intended change to a library's public surface; review the diff before committing.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
dotnet build PvBoot.sln -p:TreatWarningsAsErrors=false -p:WarningsAsErrors= --no-incremental >"$log" 2>&1 || true
grep -oE "RS0016: Symbol '.*' is not part of the declared public API.*\[[^]]*\.csproj\]" "$log" \
  | sed -E "s/^RS0016: Symbol '(.*)' is not part of the declared public API.*\[(.*)\.csproj\]$/\2\t\1/" \
  | sort -u | while IFS=$'\t' read -r proj symbol; do
      file="$(dirname "$proj")/PublicAPI.Unshipped.txt"
      grep -qxF -- "$symbol" "$file" || printf '%s\n' "$symbol" >>"$file"
    done
for f in src/*/PublicAPI.Unshipped.txt; do
  { head -n1 "$f"; tail -n +2 "$f" | LC_ALL=C sort -u; } >"$f.tmp" && mv "$f.tmp" "$f"
done
rm -f "$log"
