#!/usr/bin/env bash
# Builds the release pygrub (native AOT, glibc 2.17 floor) and runs it on the sample guest disk embedded in the
# repository: an MBR disk whose first partition is ext4 with a GRUB 2 configuration. Prints what it would boot (and
# why) and extracts the kernel and initrd into out/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in npm strip gzip; do
  if ! command -v "$tool" >/dev/null; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq npm binutils gzip >/dev/null
    break
  fi
done
pygrub=$(bash eng/publish-portable.sh)
rm -rf out/demo && mkdir -p out/demo
gzip -dc tests/fixtures/images/sample.img.gz >out/demo/sample.img
echo "== pygrub --list-entries out/demo/sample.img"
"$pygrub" --list-entries out/demo/sample.img
echo "== pygrub --quiet --explain --output-directory=out/demo out/demo/sample.img"
"$pygrub" --quiet --explain --output-directory=out/demo out/demo/sample.img
echo
echo "Kernel and initrd extracted to $(pwd)/out/demo:"
ls -l out/demo/boot_kernel.* out/demo/boot_ramdisk.* 2>/dev/null || true
