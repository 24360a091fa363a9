#!/usr/bin/env bash
# Builds out/pvboot_VERSION_amd64.deb with dpkg-deb: the portable pygrub in /usr/lib/pvboot, and maintainer scripts
# that divert Xen's pygrub (/usr/lib/xen-*/bin/pygrub, /usr/lib/xen/bin/pygrub, a non-symlink /usr/bin/pygrub) to
# PvBoot on install and restore it on remove/purge. Prints the package's path.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -n1)
pygrub=$(bash eng/publish-portable.sh)
stage=$(mktemp -d "${TMPDIR:-/tmp}/pvboot-deb.XXXXXX")
trap 'rm -rf "$stage"' EXIT
install -d -m 755 "$stage/DEBIAN" "$stage/usr/lib/pvboot" "$stage/usr/share/doc/pvboot"
install -m 755 "$pygrub" "$stage/usr/lib/pvboot/pygrub"
install -m 644 README.md "$stage/usr/share/doc/pvboot/README.md"
install -m 644 LICENSE "$stage/usr/share/doc/pvboot/copyright"
install -m 755 packaging/debian/postinst packaging/debian/postrm "$stage/DEBIAN/"
cat >"$stage/DEBIAN/control" <<CONTROL
Package: pvboot
Version: $version
Architecture: amd64
Maintainer: The PvBoot developers <pvboot@example.invalid>
Depends: libc6 (>= 2.17)
Section: admin
Priority: optional
Description: drop-in replacement for Xen's pygrub
 PvBoot boots Xen PV/PVH guests from the kernel inside their own disk. It reads
 ext2/3/4, XFS, btrfs, FAT and ISO9660 boot file systems with hardened readers,
 evaluates GRUB 2, BootLoaderSpec, GRUB legacy, syslinux and LILO configurations
 as the guest's boot loader would, and keeps pygrub's command line and output.
 Installing it diverts Xen's pygrub; removing it restores the original.
CONTROL
mkdir -p out
deb="out/pvboot_${version}_amd64.deb"
dpkg-deb --root-owner-group --build "$stage" "$deb" >/dev/null
echo "$(pwd)/$deb"
