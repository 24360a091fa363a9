#!/usr/bin/env bash
# Linker driver for the portable native-AOT build: links against glibc 2.17 symbol versions with `zig cc`.
# NativeAOT calls this through the MSBuild property CppCompilerAndLinker. Flags that zig's driver rejects or mishandles
# are dropped; --no-gc-sections keeps the runtime's __modules section, which lld would otherwise discard.
set -euo pipefail
zig=${PVBOOT_ZIG:?PVBOOT_ZIG must point at the zig executable (eng/publish-portable.sh sets it)}
args=()
for a in "$@"; do
  case "$a" in
    --target=*|-fuse-ld=*|-Wl,--discard-all|-pie|-Wl,-pie|-Wl,--gc-sections) ;;
    *) args+=("$a") ;;
  esac
done
exec "$zig" cc -target x86_64-linux-gnu.2.17 "${args[@]}" -Wl,--no-gc-sections
