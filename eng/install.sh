#!/usr/bin/env bash
# Installs PvBoot's pygrub on a dom0 without dpkg (EL, XenServer/XCP-ng): copies the portable binary to
# /usr/lib/pvboot/pygrub and replaces every pygrub path the toolstack uses with a symlink to it, keeping the
# original as PATH.xen-pygrub.  `eng/install.sh --uninstall` puts the originals back.
# On Debian/Ubuntu prefer the package from eng/make-deb.sh (dpkg-divert keeps upgrades of Xen working).
set -euo pipefail
paths=(/usr/lib/xen-*/bin/pygrub /usr/lib/xen/bin/pygrub /usr/bin/pygrub)
if [ "${1:-}" = --uninstall ]; then
  for p in "${paths[@]}"; do
    if [ -e "$p.xen-pygrub" ] || [ -L "$p.xen-pygrub" ]; then rm -f "$p"; mv "$p.xen-pygrub" "$p"; fi
  done
  rm -rf /usr/lib/pvboot
  exit 0
fi
binary=${PVBOOT_BINARY:-$(cd "$(dirname "$0")/.." && bash eng/publish-portable.sh)}
install -d -m 755 /usr/lib/pvboot
install -m 755 "$binary" /usr/lib/pvboot/pygrub
for p in "${paths[@]}"; do
  [ -e "$p" ] || [ -L "$p" ] || continue
  # A symlink into a Xen directory that is itself replaced needs no change of its own.
  if [ -L "$p" ] && [[ "$(readlink -f "$p")" == /usr/lib/pvboot/pygrub ]]; then continue; fi
  [ -e "$p.xen-pygrub" ] || [ -L "$p.xen-pygrub" ] || mv "$p" "$p.xen-pygrub"
  ln -sf /usr/lib/pvboot/pygrub "$p"
done
