#!/usr/bin/env bash
# The copy step alone: how fast can one thread copy the benchmark kernel out of the ext4 images, fragmented and
# contiguous? Builds bench/copy-model.c, lists the kernel's extents in each image with debugfs, checks every mode's
# output against `debugfs dump`, then times each mode and `cp` of the same 50 MiB with hyperfine (medians; outputs
# removed and written back before each run, as in run.sh). PvBoot's own runs add their fixed cost (start-up, sandbox,
# configuration; see run.sh) to these figures.
# Usage: sudo bash bench/copy-floor.sh   (after bench/run.sh or bench/make-images.sh has made out/bench/images)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin:/sbin"
images=out/bench/images
work=out/bench/copy-floor
kernel=/boot/vmlinuz-6.1.0-13-amd64
[ -e "$images/frag-ext4.img" ] || bash bench/make-images.sh "$images"
rm -rf "$work"; mkdir -p "$work"
gcc -O2 -Wall -Wextra -Werror -o "$work/copy-model" bench/copy-model.c

for kind in frag twin; do
  img="$images/$kind-ext4.img"
  start=$(sfdisk -d "$img" | sed -n 's/.*start= *\([0-9]*\).*/\1/p' | head -n1)
  fs="$img?offset=$((start * 512))"
  block=$(debugfs -R stats "$fs" 2>/dev/null | sed -n 's/^Block size: *//p')
  # Leaf extents are the lines with a physical range ("first - last"); interior nodes show one block number.
  debugfs -R "ex $kernel" "$fs" 2>/dev/null | sed -nE 's/^ *[0-9]+\/ *[0-9]+ +[0-9]+\/ *[0-9]+ +[0-9]+ +- +[0-9]+ +([0-9]+) +- +[0-9]+ +([0-9]+).*/\1 \2/p' |
    awk -v b="$block" -v base=$((start * 512)) '{ print base + $1 * b, $2 * b }' >"$work/$kind.extents"
  debugfs -R "dump $kernel $work/$kind.expected" "$fs" 2>/dev/null
  echo "$kind-ext4: $(wc -l <"$work/$kind.extents") extents, $(stat -c %s "$work/$kind.expected") bytes" >&2
  for mode in window direct preadv mmap; do
    rm -f "$work/out"
    "$work/copy-model" "$mode" "$img" "$work/$kind.extents" "$work/out"
    cmp -s "$work/out" "$work/$kind.expected" || { echo "copy-model $mode copied the wrong bytes from $img" >&2; exit 1; }
  done
done
cp "$work/twin.expected" "$work/source"

commands=()
for kind in twin frag; do
  for mode in window direct preadv mmap; do
    commands+=(-n "$kind $mode" "$work/copy-model $mode $images/$kind-ext4.img $work/$kind.extents $work/out")
  done
done
commands+=(-n "cp (50 MiB)" "cp $work/source $work/out")
hyperfine -N --style basic --warmup 3 --runs 20 --prepare "sh -c 'rm -f $work/out; sync'" \
  --export-json "$work/times.json" "${commands[@]}" >/dev/null
python3 - "$work/times.json" <<'PY'
import json, sys
times = {r["command"]: r["median"] for r in json.load(open(sys.argv[1]))["results"]}
how = {
    "window": "a 256 KiB read-ahead window, as PvBoot copies small extents",
    "direct": "one read per extent, at most 256 KiB, as PvBoot copies large extents",
    "preadv": "a window, the other file's bytes read into a scratch buffer",
    "mmap": "the image mapped and written out with writev",
}
twin = times["twin direct"]
print("copy step only, medians of 20 runs; ratio against the contiguous twin read directly")
for name, t in times.items():
    note = how.get(name.split()[-1], "")
    print(f"{name:14} {t * 1000:8.2f} ms   ratio {t / twin:5.2f}   {note}".rstrip())
PY
