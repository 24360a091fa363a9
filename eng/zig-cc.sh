#!/usr/bin/env bash
# Linker driver for the portable native-AOT build: links against glibc 2.17 symbol versions with `zig cc`.
# NativeAOT calls this through the MSBuild property CppCompilerAndLinker. Flags that zig's driver rejects or mishandles
# are dropped (zig passes -pie to its linker itself, so -Wl,-pie is not needed); --no-gc-sections keeps the runtime's
# __modules section, which lld would otherwise discard. The result is position-independent, like the default build.
set -euo pipefail
zig=${PVBOOT_ZIG:?PVBOOT_ZIG must point at the zig executable (eng/publish-portable.sh sets it)}
args=()
for a in "$@"; do
  case "$a" in
    --target=*|-fuse-ld=*|-Wl,--discard-all|-Wl,-pie|-Wl,--gc-sections) ;;
    *) args+=("$a") ;;
  esac
done
exec "$zig" cc -target x86_64-linux-gnu.2.17 "${args[@]}" -Wl,--no-gc-sections
