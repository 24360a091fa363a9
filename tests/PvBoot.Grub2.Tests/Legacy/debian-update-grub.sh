#!/usr/bin/env bash
# Runs Debian's GRUB legacy update-grub (package grub-legacy) against a fake /boot in OUTDIR/boot and leaves the
# generated OUTDIR/boot/grub/menu.lst and OUTDIR/boot/grub/default there. No boot loader is installed and no disk is
# touched: /boot is replaced by OUTDIR/boot in a private mount namespace (needs root), and the two probes update-grub
# makes of the running system (grub-probe for the root device, grub for device.map) answer as a one-disk Xen guest would.
# Usage: debian-update-grub.sh OUTDIR
set -euo pipefail
out=$(realpath "$1")
rm -rf "$out"
mkdir -p "$out/boot/grub" "$out/bin"
cat >"$out/bin/grub-probe" <<'PROBE'
#!/bin/sh
case "$*" in
  *"-t device"*) echo /dev/xvda1 ;;
  *"-t drive"*) echo "(hd0,0)" ;;
  *abstraction*) echo "" ;;
  *fs_uuid*) echo 0b1c2d3e-0000-4000-8000-000000000001 ;;
esac
PROBE
printf '#!/bin/sh\nexit 0\n' >"$out/bin/grub"
chmod +x "$out/bin/grub-probe" "$out/bin/grub"
: >"$out/boot/grub/device.map"
for v in 2.6.32-5-xen-amd64 2.6.26-2-amd64; do
  printf 'kernel %s\n' "$v" >"$out/boot/vmlinuz-$v"
  printf 'initrd %s\n' "$v" >"$out/boot/initrd.img-$v"
  printf 'CONFIG_XEN=y\n' >"$out/boot/config-$v"
done
printf 'CONFIG_XEN_PRIVILEGED_GUEST=y\n' >>"$out/boot/config-2.6.32-5-xen-amd64"
printf 'xen hypervisor\n' >"$out/boot/xen-4.0-amd64.gz"
touch -h -d @1300000000 "$out"/boot/*
unshare --mount --propagation private bash -c '
  mount --bind "$1/boot" /boot
  PATH="$1/bin:$PATH" /usr/sbin/update-grub -y
' update-grub "$out" >"$out/update-grub.log" 2>&1
