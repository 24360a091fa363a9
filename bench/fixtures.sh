#!/usr/bin/env bash
# Times PvBoot's pygrub against Xen's pygrub 4.17 on every committed test image (tests/fixtures/images), both doing a
# full extraction (--quiet), with hyperfine (medians of 10 runs, no shell, outputs removed before each run), and prints
# per image whether each one boots it (and why PvBoot does not), both times and their ratio. A tool that fails is timed
# until it gives up. Some images are file-system or partition-table fixtures that hold no boot configuration at all.
# Usage: sudo bash bench/fixtures.sh [PYGRUB]   (root: both run as they do under a toolstack)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
pvboot=${1:-$(bash eng/publish-portable.sh)}
reference=/usr/lib/xen-4.17/bin/pygrub
images=out/bench/fixtures
results=out/bench/fixture-results
rm -rf "$results"; mkdir -p "$images" "$results/out"

outcome() { # TOOL IMAGE: "ok", or "fails" and the reason PvBoot gives
  rm -f "$results"/out/boot_*
  if "$1" --quiet --output-directory="$results/out" "$2" >/dev/null 2>"$results/stderr"; then echo ok; return; fi
  case "$(head -n 1 "$results/stderr")" in
    *"no partition holds a boot configuration"*) echo "fails: no boot configuration" ;;
    "pygrub: error: "*) echo "fails: $(head -n 1 "$results/stderr" | sed 's/^.*at byte [0-9]*: //; s/^[^)]*): //' | cut -c1-90)" ;;
    *) echo fails ;;
  esac
}

for gz in tests/fixtures/images/*.img.gz; do
  name=$(basename "$gz" .img.gz)
  img="$images/$name.img"
  [ "$img" -nt "$gz" ] || gunzip -c "$gz" >"$img"
  printf '%s\t%s\t%s\n' "$name" "$(outcome "$reference" "$img")" "$(outcome "$pvboot" "$img")" >>"$results/outcomes.tsv"
  settle_cache "$img"
  hyperfine -N --style none --warmup 2 --runs 10 --ignore-failure --prepare "sh -c 'rm -f $results/out/boot_*'" \
    --export-json "$results/$name.json" \
    -n pygrub "$reference --quiet --output-directory=$results/out $img" \
    -n pvboot "$pvboot --quiet --output-directory=$results/out $img" >/dev/null 2>&1
done
rm -f "$results"/out/boot_*

python3 - "$results" <<'PY'
import json, math, os, sys
results = sys.argv[1]
print("%-20s %-7s %9s   %-7s %9s   %-6s %s" % ("image", "pygrub", "median", "PvBoot", "median", "ratio", "why PvBoot does not boot it"))
ratios = []
for line in open(os.path.join(results, "outcomes.tsv")):
    name, ref, ours = line.rstrip("\n").split("\t")
    runs = {r["command"]: r["median"] for r in json.load(open(os.path.join(results, name + ".json")))["results"]}
    a, b = runs["pygrub"], runs["pvboot"]
    both = ref == "ok" and ours == "ok"
    if both:
        ratios.append(b / a)
    why = ours.split(": ", 1)[1] if ": " in ours else ""
    line = "%-20s %-7s %6.1f ms   %-7s %6.1f ms   %-6s %s" % (name, ref.split(":")[0], a * 1000, ours.split(":")[0], b * 1000,
                                                          "%.3f" % (b / a) if both else "-", why)
    print(line.rstrip())
if ratios:
    mean = math.exp(sum(map(math.log, ratios)) / len(ratios))
    print("geometric mean of PvBoot / pygrub over the %d images both boot: %.3f" % (len(ratios), mean))
PY
