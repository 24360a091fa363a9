#!/usr/bin/env bash
# The copy step alone: how fast can one thread copy the benchmark kernel out of the ext4 and XFS images, fragmented
# and contiguous? Builds bench/copy-model.c, lists the kernel's extents in each image (debugfs, xfs_db), checks every
# mode's output against the file's bytes (`debugfs dump`; for XFS, a read-only loop mount), then times each mode and
# `cp` of the same 50 MiB with hyperfine (medians; outputs removed and written back before each run, as in run.sh).
# PvBoot's own runs add their fixed cost (start-up, sandbox, configuration; see run.sh) to these figures.
# Usage: sudo bash bench/copy-floor.sh   (root: the XFS check mounts a loop device; the images are made if missing or stale)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
export PATH="$PATH:/usr/sbin:/sbin"
images=out/bench/images
work=out/bench/copy-floor
kernel=/boot/vmlinuz-6.1.0-13-amd64
bash bench/make-images.sh "$images"  # makes only the images that are missing or stale
rm -rf "$work"; mkdir -p "$work"
gcc -O2 -Wall -Wextra -Werror -o "$work/copy-model" bench/copy-model.c
modes="window direct preadv mmap uring"
# io_uring can be switched off (kernel.io_uring_disabled, a container's seccomp profile); the other modes still run.
if ! "$work/copy-model" uring /dev/null /dev/null "$work/probe" 2>"$work/probe.err"; then
  echo "copy-model: the uring mode is left out: $(cat "$work/probe.err")" >&2
  modes="window direct preadv mmap"
fi
rm -f "$work/probe" "$work/probe.err"

# IMAGE FS: the kernel's extents as "IMAGE_OFFSET LENGTH" lines on standard output, and its bytes in $work/expected.
extents() {
  local img=$1 fs=$2 start base
  start=$(sfdisk -d "$img" | sed -n 's/.*start= *\([0-9]*\).*/\1/p' | head -n1)
  base=$((start * 512))
  if [ "$fs" = ext4 ]; then
    local dev="$img?offset=$base" block
    block=$(debugfs -R stats "$dev" 2>/dev/null | sed -n 's/^Block size: *//p')
    # Leaf extents are the lines with a physical range ("first - last"); interior nodes show one block number.
    debugfs -R "ex $kernel" "$dev" 2>/dev/null |
      sed -nE 's/^ *[0-9]+\/ *[0-9]+ +[0-9]+\/ *[0-9]+ +[0-9]+ +- +[0-9]+ +([0-9]+) +- +[0-9]+ +([0-9]+).*/\1 \2/p' |
      awk -v b="$block" -v base=$base '{ print base + $1 * b, $2 * b }'
    debugfs -R "dump $kernel $work/expected" "$dev" 2>/dev/null
  else
    local dev=$work/xfs.fs ino block agblocks
    dd if="$img" of="$dev" bs=1M iflag=skip_bytes skip=$base status=none
    ino=$(xfs_db -r -c "path $(dirname $kernel)" -c ls "$dev" | awk -v n="$(basename $kernel)" '$NF == n || $(NF-1) == n { print $2 }')
    block=$(xfs_db -r -c "sb 0" -c "p blocksize" "$dev" | awk '{ print $3 }')
    agblocks=$(xfs_db -r -c "sb 0" -c "p agblocks" "$dev" | awk '{ print $3 }')
    # "data offset F startblock S (AG/AGBLOCK) count N flag 0": the disk block is AG * agblocks + AGBLOCK.
    xfs_db -r -c "inode $ino" -c bmap "$dev" |
      sed -nE 's/^data offset [0-9]+ startblock [0-9]+ \(([0-9]+)\/([0-9]+)\) count ([0-9]+) flag 0$/\1 \2 \3/p' |
      awk -v b="$block" -v ag="$agblocks" -v base=$base '{ print base + ($1 * ag + $2) * b, $3 * b }'
    mkdir -p "$work/mnt"
    trap 'umount "$work/mnt" 2>/dev/null || true' EXIT
    mount -o loop,ro "$dev" "$work/mnt"
    cp "$work/mnt$kernel" "$work/expected"
    umount "$work/mnt"
    rm -f "$dev"
  fi
}

for fs in ext4 xfs; do
  for kind in frag twin; do
    img="$images/$kind-$fs.img"
    extents "$img" "$fs" >"$work/$kind-$fs.extents"
    echo "$kind-$fs: $(wc -l <"$work/$kind-$fs.extents") extents, $(stat -c %s "$work/expected") bytes" >&2
    for mode in $modes; do
      rm -f "$work/out"
      "$work/copy-model" "$mode" "$img" "$work/$kind-$fs.extents" "$work/out"
      cmp -s "$work/out" "$work/expected" || { echo "copy-model $mode copied the wrong bytes from $img" >&2; exit 1; }
    done
    mv "$work/expected" "$work/$kind-$fs.expected"
  done
done
cp "$work/twin-ext4.expected" "$work/source"

commands=()
for fs in ext4 xfs; do
  for kind in twin frag; do
    for mode in $modes; do
      commands+=(-n "$fs $kind $mode" "$work/copy-model $mode $images/$kind-$fs.img $work/$kind-$fs.extents $work/out")
    done
  done
done
commands+=(-n "ext4 cp (50 MiB)" "cp $work/source $work/out")
settle_cache "$images"/frag-*.img "$images"/twin-*.img "$work/source"
hyperfine -N --style basic --warmup 3 --runs 20 --prepare "sh -c 'rm -f $work/out; sync'" \
  --export-json "$work/times.json" "${commands[@]}" >/dev/null
python3 - "$work/times.json" <<'PY'
import json, sys
times = {r["command"]: r["median"] for r in json.load(open(sys.argv[1]))["results"]}
how = {
    "window": "a 256 KiB read-ahead window, each piece copied out of it",
    "direct": "one read per extent, at most 256 KiB",
    "preadv": "a scatter read per chunk, the bytes in between to a scratch buffer, as PvBoot copies",
    "mmap": "the image mapped and written out with writev",
    "uring": "one read per extent, queued on an io_uring, one submission per 256 KiB",
}
print("copy step only, medians of 20 runs; ratio against the same file system's contiguous twin read directly")
for name, t in times.items():
    words = name.split()
    twin = times.get(f"{words[0]} twin direct", times["ext4 twin direct"])
    note = how.get(words[-1], "")
    print(f"{name:19} {t * 1000:8.2f} ms   ratio {t / twin:5.2f}   {note}".rstrip())
PY
