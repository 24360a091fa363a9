#!/usr/bin/env bash
# Builds the benchmark images into DIR (default out/bench/images). Needs root for the fragmented images (loop mounts).
#   typical.img     48 MiB MBR disk, ext4 /boot, 8 MiB kernel + 30 MiB initrd, the grub.cfg Debian writes
#   big-initrd.img  ext4 disk with a 250 MiB initrd
#   gpt.img         GPT disk, ext4 /boot in partition 2
#   frag-ext4.img / twin-ext4.img   50 MiB kernel in 10,000+ extents on ext4, and the same file contiguous
#   frag-xfs.img  / twin-xfs.img    the same on XFS v5
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"
out=${1:-out/bench/images}
mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/pvboot-bench.XXXXXX")
trap 'umount -q "$work/mnt" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/mnt"

# The grub.cfg Debian 12's grub-mkconfig writes for one kernel (made by fuzz-corpus/grub2-cfg/generate.sh with the
# real /etc/grub.d scripts): 148 lines, the kernel in a menu entry and again in the "Advanced options" submenu, found
# with `search --fs-uuid`, so every file system here gets that UUID.
config=$(dirname "$0")/../fuzz-corpus/grub2-cfg/generated/debian-one-kernel.cfg
uuid=0a1b2c3d-1111-2222-3333-444455556666
grub_cfg() { cat "$config"; }

# stale IMAGE: the image is missing or older than this script or the configuration it carries (and is then removed).
stale() { if [ ! -e "$1" ] || [ "$1" -ot "$0" ] || [ "$1" -ot "$config" ]; then rm -f "$1"; return 0; fi; return 1; }

boot_tree() { # DIR KERNEL_MIB INITRD_MIB
  mkdir -p "$1/boot/grub"
  head -c $(($2 * 1048576)) /dev/urandom >"$1/boot/vmlinuz-6.1.0-13-amd64"
  head -c $(($3 * 1048576)) /dev/urandom >"$1/boot/initrd.img-6.1.0-13-amd64"
  grub_cfg >"$1/boot/grub/grub.cfg"
}

mbr_disk() { # IMAGE FSIMAGE
  local fs_bytes; fs_bytes=$(stat -c %s "$2")
  truncate -s $((fs_bytes + 1048576)) "$1"
  printf 'label: dos\nstart=2048, type=83, bootable\n' | sfdisk -q "$1"
  dd if="$2" of="$1" bs=1M seek=1 conv=notrunc,sparse status=none
}

if stale "$out/typical.img"; then
  boot_tree "$work/typical" 8 30
  mkfs.ext4 -q -U "$uuid" -d "$work/typical" "$work/typical.fs" 46M
  mbr_disk "$out/typical.img" "$work/typical.fs"
fi

if stale "$out/big-initrd.img"; then
  boot_tree "$work/big" 8 250
  mkfs.ext4 -q -U "$uuid" -d "$work/big" "$work/big.fs" 300M
  mbr_disk "$out/big-initrd.img" "$work/big.fs"
fi

if stale "$out/gpt.img"; then
  boot_tree "$work/gpt" 8 30
  mkfs.ext4 -q -U "$uuid" -d "$work/gpt" "$work/gpt.fs" 46M
  truncate -s 64M "$out/gpt.img"
  sgdisk -n 1:2048:4095 -t 1:ef02 -n 2:4096:0 -t 2:8300 "$out/gpt.img" >/dev/null
  dd if="$work/gpt.fs" of="$out/gpt.img" bs=512 seek=4096 conv=notrunc,sparse status=none
fi

# A 50 MiB kernel whose 4 KiB blocks alternate with another file's: fallocate one block of each in turn, then fill the
# kernel with data (the unwritten extents become written in place, keeping the interleaving).
fragment() { # MOUNTPOINT
  python3 - "$1" <<'PY'
import os, sys
d = sys.argv[1] + "/boot"
a = os.open(d + "/vmlinuz-6.1.0-13-amd64", os.O_CREAT | os.O_WRONLY, 0o644)
b = os.open(d + "/filler", os.O_CREAT | os.O_WRONLY, 0o644)
for i in range(12800):
    os.posix_fallocate(a, i * 4096, 4096)
    os.posix_fallocate(b, i * 4096, 4096)
data = os.urandom(1 << 20)
for i in range(50):
    os.pwrite(a, data, i << 20)
os.fsync(a); os.close(a); os.close(b)
PY
}

for fs in ext4 xfs; do
  for kind in frag twin; do
    img="$out/$kind-$fs.img"
    stale "$img" || continue
    truncate -s 320M "$work/$kind.fs"
    if [ $fs = ext4 ]; then mkfs.ext4 -q -U "$uuid" "$work/$kind.fs"; else mkfs.xfs -q -f -m uuid="$uuid" "$work/$kind.fs"; fi
    mount -o loop "$work/$kind.fs" "$work/mnt"
    mkdir -p "$work/mnt/boot/grub"
    if [ $kind = frag ]; then fragment "$work/mnt"; else head -c 52428800 /dev/urandom >"$work/mnt/boot/vmlinuz-6.1.0-13-amd64"; fi
    head -c 1048576 /dev/urandom >"$work/mnt/boot/initrd.img-6.1.0-13-amd64"
    grub_cfg >"$work/mnt/boot/grub/grub.cfg"
    if [ $fs = ext4 ]; then extents=$(filefrag "$work/mnt/boot/vmlinuz-6.1.0-13-amd64" | grep -oE '[0-9]+ extents?' | cut -d' ' -f1); else extents=$(xfs_bmap "$work/mnt/boot/vmlinuz-6.1.0-13-amd64" | tail -n +2 | wc -l); fi
    echo "$kind-$fs: kernel in $extents extents" >&2
    umount "$work/mnt"
    mbr_disk "$img" "$work/$kind.fs"
    rm -f "$work/$kind.fs"
  done
done
ls -l "$out" >&2
