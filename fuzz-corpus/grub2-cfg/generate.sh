#!/usr/bin/env bash
# Regenerates fuzz-corpus/grub2-cfg/generated/*.cfg with Debian's real /etc/grub.d scripts (grub-common, grub-pc-bin).
# Runs as root inside a private mount namespace whose /boot is an empty tmpfs holding fake kernels, with grub-probe and
# grub-mkrelpath replaced by stubs, so neither the host's /boot nor any boot loader is read or written.
set -euo pipefail
if [ "${1:-}" != "--inside" ]; then
  exec unshare -m --propagation private "$0" --inside "$(cd "$(dirname "$0")" && pwd)"
fi
here=$2
out="$here/generated"
mkdir -p "$out"
mount -t tmpfs tmpfs /boot
stubs=$(mktemp -d)
cat >"$stubs/grub-probe" <<'PROBE'
#!/bin/sh
target=
for a in "$@"; do case "$a" in --target=*) target=${a#--target=};; esac; done
case "$target" in
  fs) echo "${STUB_FS:-ext2}";;
  fs_uuid) echo "${STUB_UUID:-0a1b2c3d-1111-2222-3333-444455556666}";;
  fs_label) echo "rootfs";;
  partmap) echo "${STUB_PARTMAP:-msdos}";;
  abstraction) echo "${STUB_ABSTRACTION:-}";;
  drive) echo "(${STUB_DRIVE:-hd0,msdos1})";;
  compatibility_hint) echo "${STUB_DRIVE:-hd0,msdos1}";;
  bios_hints) echo "--hint-bios=${STUB_DRIVE:-hd0,msdos1}";;
  efi_hints) echo "--hint-efi=${STUB_DRIVE:-hd0,msdos1}";;
  baremetal_hints) echo "--hint-baremetal=ahci0,msdos1";;
  hints_string) echo "--hint-bios=${STUB_DRIVE:-hd0,msdos1} --hint-efi=${STUB_DRIVE:-hd0,msdos1} --hint-baremetal=ahci0,msdos1";;
  device) echo "/dev/xvda1";;
  disk) echo "/dev/xvda";;
  *) echo "";;
esac
PROBE
cat >"$stubs/grub-mkrelpath" <<'REL'
#!/bin/sh
if [ -n "${STUB_SEPARATE_BOOT:-}" ]; then echo "${1#/boot}"; else echo "$1"; fi
REL
chmod +x "$stubs/grub-probe" "$stubs/grub-mkrelpath"

generate() ( # NAME KERNEL-VERSIONS... ; environment: GRUB_* and STUB_* (a subshell, so nothing leaks between calls);
             # STUB_NO_INITRD lists versions that get no initrd.img (10_linux then writes an entry without an initrd line)
  name=$1; shift
  rm -rf /boot/* && mkdir -p /boot/grub
  for v in "$@"; do
    printf 'kernel %s\n' "$v" >"/boot/vmlinuz-$v"
    case " ${STUB_NO_INITRD:-} " in
      *" $v "*) ;;
      *) printf 'initrd %s\n' "$v" >"/boot/initrd.img-$v";;
    esac
    touch -d "2024-01-0${#v} 00:00:00" "/boot/vmlinuz-$v"
  done
  export grub_probe="$stubs/grub-probe" grub_mkrelpath="$stubs/grub-mkrelpath" pkgdatadir=/usr/share/grub
  export GRUB_DEVICE=/dev/xvda1 GRUB_DEVICE_UUID=${STUB_UUID:-0a1b2c3d-1111-2222-3333-444455556666} GRUB_FS=${STUB_FS:-ext2}
  export GRUB_DEVICE_BOOT=/dev/xvda1 GRUB_DEVICE_BOOT_UUID=${STUB_UUID:-0a1b2c3d-1111-2222-3333-444455556666}
  export GRUB_DISTRIBUTOR=${GRUB_DISTRIBUTOR:-Debian} GRUB_DISABLE_OS_PROBER=true
  export GRUB_DEFAULT GRUB_TIMEOUT GRUB_CMDLINE_LINUX GRUB_CMDLINE_LINUX_DEFAULT GRUB_DISABLE_RECOVERY GRUB_DISABLE_SUBMENU
  export GRUB_TIMEOUT_STYLE GRUB_SAVEDEFAULT GRUB_DISABLE_LINUX_UUID STUB_SEPARATE_BOOT STUB_FS STUB_UUID
  {
    for script in /etc/grub.d/00_header /etc/grub.d/05_debian_theme /etc/grub.d/10_linux /etc/grub.d/30_uefi-firmware /etc/grub.d/40_custom /etc/grub.d/41_custom; do
      printf '\n### BEGIN %s ###\n' "$script"
      "$script"
      printf '### END %s ###\n' "$script"
    done
  } >"$out/$name.cfg" 2>/dev/null
)

GRUB_DEFAULT=0 GRUB_TIMEOUT=5 GRUB_CMDLINE_LINUX_DEFAULT=quiet GRUB_CMDLINE_LINUX="" generate debian-one-kernel 6.1.0-13-amd64
GRUB_DEFAULT=0 GRUB_TIMEOUT=5 GRUB_CMDLINE_LINUX_DEFAULT=quiet GRUB_CMDLINE_LINUX="console=hvc0" generate debian-two-kernels 6.1.0-13-amd64 6.1.0-18-amd64
GRUB_DEFAULT=saved GRUB_SAVEDEFAULT=true GRUB_TIMEOUT=3 GRUB_CMDLINE_LINUX_DEFAULT="" GRUB_CMDLINE_LINUX="console=hvc0 earlyprintk=xen" generate debian-saved-default 5.10.0-26-amd64 6.1.0-18-amd64
GRUB_DEFAULT="1>2" GRUB_TIMEOUT=0 GRUB_TIMEOUT_STYLE=hidden GRUB_CMDLINE_LINUX_DEFAULT="quiet splash" GRUB_CMDLINE_LINUX="" GRUB_DISTRIBUTOR=Ubuntu generate ubuntu-submenu-path 5.15.0-91-generic 6.5.0-14-generic
GRUB_DISTRIBUTOR=Debian GRUB_DEFAULT=0 GRUB_TIMEOUT=5 GRUB_DISABLE_RECOVERY=true GRUB_DISABLE_SUBMENU=y GRUB_CMDLINE_LINUX_DEFAULT=quiet GRUB_CMDLINE_LINUX="" generate debian-no-submenu 6.1.0-13-amd64 6.1.0-18-amd64
GRUB_DISTRIBUTOR=Debian GRUB_DEFAULT=0 GRUB_TIMEOUT=-1 STUB_SEPARATE_BOOT=1 GRUB_CMDLINE_LINUX_DEFAULT=quiet GRUB_CMDLINE_LINUX="" generate debian-separate-boot 6.1.0-18-amd64
GRUB_DISTRIBUTOR=Debian GRUB_DEFAULT=0 GRUB_TIMEOUT=5 STUB_FS=btrfs GRUB_CMDLINE_LINUX_DEFAULT=quiet GRUB_CMDLINE_LINUX="" generate debian-btrfs 6.1.0-18-amd64
GRUB_DISTRIBUTOR=Debian GRUB_DEFAULT=0 GRUB_TIMEOUT=5 GRUB_DISABLE_LINUX_UUID=true GRUB_CMDLINE_LINUX_DEFAULT='quiet acpi_osi="Windows 2009"' GRUB_CMDLINE_LINUX="" generate debian-quoted-args 6.1.0-18-amd64
# Xen dom0 configurations: /etc/grub.d/20_linux_xen lists a kernel only when its config-V has CONFIG_XEN_DOM0=y and
# needs a /boot/xen*.gz; it emits multiboot2/module2 when grub-file finds a Multiboot2 header in the hypervisor
# (XEN_HEADER=mb2: a minimal header, magic 0xe85250d6, architecture 0, length 24, checksum, end tag), else
# multiboot/module. GRUB_DEFAULT is what xen-utils' /etc/default/grub.d/xen.cfg sets: the Xen entry.
generate_xen() ( # NAME KERNEL-VERSIONS... ; environment: XEN_HEADER=mb2|none, GRUB_*
  name=$1; shift
  rm -rf /boot/* && mkdir -p /boot/grub
  for v in "$@"; do
    printf 'kernel %s\n' "$v" >"/boot/vmlinuz-$v"
    printf 'initrd %s\n' "$v" >"/boot/initrd.img-$v"
    printf 'CONFIG_XEN_DOM0=y\n' >"/boot/config-$v"
    touch -d "2024-01-0${#v} 00:00:00" "/boot/vmlinuz-$v"
  done
  if [ "${XEN_HEADER:-none}" = mb2 ]; then
    { printf '\326\120\122\350\000\000\000\000\030\000\000\000\022\257\255\027\000\000\000\000\010\000\000\000'; printf 'xen 4.17\n'; } | gzip -9n >/boot/xen-4.17-amd64.gz
  else
    printf 'xen 4.17\n' | gzip -9n >/boot/xen-4.17-amd64.gz
  fi
  export grub_probe="$stubs/grub-probe" grub_mkrelpath="$stubs/grub-mkrelpath" pkgdatadir=/usr/share/grub
  export GRUB_DEVICE=/dev/xvda1 GRUB_DEVICE_UUID=0a1b2c3d-1111-2222-3333-444455556666 GRUB_FS=ext2
  export GRUB_DEVICE_BOOT=/dev/xvda1 GRUB_DEVICE_BOOT_UUID=0a1b2c3d-1111-2222-3333-444455556666
  export GRUB_DISTRIBUTOR=Debian GRUB_DISABLE_OS_PROBER=true GRUB_DEFAULT="Debian GNU/Linux, with Xen hypervisor"
  export GRUB_TIMEOUT GRUB_CMDLINE_LINUX GRUB_CMDLINE_LINUX_DEFAULT GRUB_CMDLINE_XEN GRUB_CMDLINE_XEN_DEFAULT GRUB_DISABLE_RECOVERY
  mkdir -p "$here/generated-xen"
  {
    for script in /etc/grub.d/00_header /etc/grub.d/05_debian_theme /etc/grub.d/10_linux /etc/grub.d/20_linux_xen /etc/grub.d/30_uefi-firmware /etc/grub.d/40_custom /etc/grub.d/41_custom; do
      printf '\n### BEGIN %s ###\n' "$script"
      "$script"
      printf '### END %s ###\n' "$script"
    done
  } >"$here/generated-xen/$name.cfg" 2>/dev/null
)

XEN_HEADER=mb2 GRUB_TIMEOUT=5 GRUB_DISABLE_RECOVERY=true GRUB_CMDLINE_LINUX_DEFAULT=quiet GRUB_CMDLINE_LINUX="" GRUB_CMDLINE_XEN_DEFAULT="dom0_mem=1024M,max:1024M" GRUB_CMDLINE_XEN="" generate_xen debian-xen-multiboot2 6.1.0-18-amd64
XEN_HEADER=none GRUB_TIMEOUT=5 GRUB_DISABLE_RECOVERY=true GRUB_CMDLINE_LINUX_DEFAULT=quiet GRUB_CMDLINE_LINUX="console=hvc0" GRUB_CMDLINE_XEN_DEFAULT="" GRUB_CMDLINE_XEN="loglvl=all" generate_xen debian-xen-multiboot 6.1.0-18-amd64

GRUB_DISTRIBUTOR=Debian GRUB_DEFAULT=0 GRUB_TIMEOUT=5 STUB_NO_INITRD=6.1.0-18-amd64 GRUB_CMDLINE_LINUX_DEFAULT=quiet GRUB_CMDLINE_LINUX="console=hvc0" generate debian-no-initrd 6.1.0-13-amd64 6.1.0-18-amd64
umount /boot
rm -rf "$stubs"
