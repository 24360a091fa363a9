#!/usr/bin/env bash
# Times PvBoot's pygrub against Xen's pygrub and against `cp` of the same bytes, on the same images in one run, with
# hyperfine (medians), and prints the ratios against the targets:
#   parse only (-n)          PvBoot / pygrub  <= 0.1
#   full extraction          PvBoot / cp      <= 1.0
#   fragmented kernel        fragmented / contiguous twin <= 1.2 (ext4 and XFS)
#   peak RSS                 <= 32 MB whatever the file size (250 MiB initrd)
# Usage: sudo bash bench/run.sh [PYGRUB]   (root: the fragmented images are made on loop mounts)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
export PATH="$PATH:/usr/sbin:/sbin"
pvboot=${1:-$(bash eng/publish-portable.sh)}
reference=/usr/lib/xen-4.17/bin/pygrub
images=out/bench/images
results=out/bench/results
bash bench/make-images.sh "$images"
rm -rf "$results"; mkdir -p "$results/out" "$results/cp"

# The bytes `cp` copies: the same kernel and initrd, extracted once.
extract() { # IMAGE NAME
  local dir="$results/files-$2"; mkdir -p "$dir"
  "$pvboot" --quiet --output-format=simple --output-directory="$dir" "$1" >/dev/null
  mv "$dir"/boot_kernel.* "$dir/kernel"; mv "$dir"/boot_ramdisk.* "$dir/initrd"
}

time_pair() { # NAME CMD_A CMD_B
  # The inputs are the arguments that name existing files other than the programs.
  local inputs=() word
  for word in $2 $3; do
    case "$word" in "$images"/*|"$results"/files-*) [ -f "$word" ] && inputs+=("$word") ;; esac
  done
  settle_cache "${inputs[@]}"
  # Each run starts with the previous outputs gone and written back, so neither side pays for the other's dirty pages.
  hyperfine -N --style basic --warmup 3 --runs 20 --prepare "sh -c 'rm -f $results/out/boot_* $results/cp/*; sync'" \
    --export-json "$results/$1.json" -n A "$2" -n B "$3" >/dev/null
}

median() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(" ".join("%.6f" % x["median"] for x in r))' "$1"; }

report() { # NAME LABEL_A LABEL_B TARGET
  read -r a b < <(median "$results/$1.json")
  python3 - "$1" "$2" "$3" "$4" "$a" "$b" <<'PY'
import sys
name, la, lb, target, a, b = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
ratio = a / b
print(f"{name:28} {la} {a*1000:9.2f} ms   {lb} {b*1000:9.2f} ms   ratio {ratio:6.3f}  target <= {target}  {'ok' if ratio <= target else 'MISSED'}")
PY
}

for img in typical gpt; do
  time_pair "parse-$img" "$pvboot --quiet --not-really $images/$img.img" "$reference --quiet --not-really $images/$img.img"
  extract "$images/$img.img" "$img"
  time_pair "extract-$img" "$pvboot --quiet --output-directory=$results/out $images/$img.img" \
    "cp $results/files-$img/kernel $results/files-$img/initrd $results/cp/"
done
extract "$images/big-initrd.img" big
time_pair "extract-big-initrd" "$pvboot --quiet --output-directory=$results/out $images/big-initrd.img" \
  "cp $results/files-big/kernel $results/files-big/initrd $results/cp/"
# The cost of the sandbox (a second process, namespaces, chroot), shown for information.
time_pair "parse-typical-no-depriv" "$pvboot --quiet --not-really --no-depriv $images/typical.img" "$reference --quiet --not-really $images/typical.img"
for fs in ext4 xfs; do
  time_pair "fragmented-$fs" "$pvboot --quiet --output-directory=$results/out $images/frag-$fs.img" \
    "$pvboot --quiet --output-directory=$results/out $images/twin-$fs.img"
done
time_pair "pygrub-extract-typical" "$reference --quiet --output-directory=$results/out $images/typical.img" \
  "cp $results/files-typical/kernel $results/files-typical/initrd $results/cp/"

echo "PvBoot $("$pvboot" --version 2>/dev/null || echo "$pvboot") vs Xen pygrub 4.17 and cp; medians of 20 runs"
report parse-typical "pvboot -n" "pygrub -n" 0.1
report parse-gpt "pvboot -n" "pygrub -n" 0.1
report parse-typical-no-depriv "pvboot -n --no-depriv" "pygrub -n" 0.1
report extract-typical "pvboot" "cp" 1.0
report extract-gpt "pvboot" "cp" 1.0
report extract-big-initrd "pvboot" "cp" 1.0
report fragmented-ext4 "frag" "twin" 1.2
report fragmented-xfs "frag" "twin" 1.2
report pygrub-extract-typical "pygrub" "cp" 1000
rm -f "$results"/out/boot_*
rss=$(/usr/bin/time -f %M "$pvboot" --quiet --output-directory="$results/out" "$images/big-initrd.img" 2>&1 >/dev/null | tail -n1)
python3 - "$rss" <<'PY'
import sys
kb = int(sys.argv[1])
verdict = "ok" if kb * 1024 <= 32e6 else "MISSED"
print("%-28s %.1f MiB  target <= 32 MB  %s" % ("peak RSS, 250 MiB initrd", kb / 1024, verdict))
PY
rm -f "$results"/out/boot_*
