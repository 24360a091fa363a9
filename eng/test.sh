#!/usr/bin/env bash
# Installs everything the tests use, builds with warnings as errors, publishes the native-AOT pygrub,
# runs every test project and ends with the line "N passed, N failed".
# Usage: sudo bash eng/test.sh   (CI runs it as root through .ci/run)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

packages=(
  e2fsprogs xfsprogs btrfs-progs dosfstools mtools xorriso fdisk gdisk lvm2 zstd
  grub-common grub-emu grub-pc-bin xen-utils-4.17 python3 hyperfine tmux debootstrap binutils time isolinux
  grub-legacy strace
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v npm >/dev/null || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "Installing: ${missing[*]}"
  $SUDO apt-get update -qq || exit 1
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || exit 1
fi
export PATH="$PATH:/usr/sbin:/sbin"

status=0
dotnet build PvBoot.sln -c Release -warnaserror -nologo -clp:ErrorsOnly || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }

echo "Publishing the native-AOT pygrub (warnings are errors)"
dotnet publish src/PvBoot.Shim -c Release -r linux-x64 -o out/pygrub -warnaserror -nologo -clp:ErrorsOnly \
  || { echo "AOT publish failed"; echo "0 passed, 1 failed"; exit 1; }
export PVBOOT_PYGRUB="$root/out/pygrub/pygrub"

echo "Building the release binary (glibc 2.17 floor) and the Debian package"
PVBOOT_PORTABLE_PYGRUB=$(bash eng/publish-portable.sh) || { echo "portable build failed"; echo "0 passed, 1 failed"; exit 1; }
PVBOOT_DEB=$(bash eng/make-deb.sh) || { echo "package build failed"; echo "0 passed, 1 failed"; exit 1; }
export PVBOOT_PORTABLE_PYGRUB PVBOOT_DEB

results="$root/out/test-results"
rm -rf "$results" out/test-work; mkdir -p "$results"
for proj in tests/*/*.Tests.csproj; do
  name=$(basename "$proj" .csproj)
  dotnet test "$proj" -c Release --no-build --nologo --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    -- NUnit.NumberOfTestWorkers=2 || status=1
done

passed=0; failed=0; skipped=0; total=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n1)
  get() { printf '%s' "$counters" | grep -oE " $1=\"[0-9]+\"" | grep -oE '[0-9]+' || echo 0; }
  t=$(get total); p=$(get passed); f=$(get failed); e=$(get error); to=$(get timeout); ab=$(get aborted)
  total=$((total + t)); passed=$((passed + p)); failed=$((failed + f + e + to + ab))
  skipped=$((skipped + t - p - f - e - to - ab))
done
[ "$total" -gt 0 ] || { status=1; failed=$((failed + 1)); }
[ "$failed" -eq 0 ] || status=1
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit $status
