#!/usr/bin/env bash
# How much of the parse-only budget (0.1 x `pygrub -n`) a native-AOT pygrub has left once it has started and gone
# through its sandbox. Builds bench/start-floor the way the release pygrub is built (eng/publish-portable.sh) and times,
# with hyperfine in one run (medians of 100 runs, no shell):
#   start-floor print          the runtime's start, one line out, the exit
#   start-floor sandbox DIR    and the sandbox pygrub's worker enters (see bench/start-floor/Program.cs), no guest work
#   pvboot -n --no-depriv      PvBoot's parse-only run on the typical image without the sandbox
#   pvboot -n                  the same run, sandboxed (pygrub's default as root)
#   pygrub -n                  Xen's pygrub on the same image
# and prints each median with its ratio to pygrub -n.
# Usage: sudo bash bench/start-floor.sh [PYGRUB]   (root: the sandbox needs it)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin:/sbin"
pvboot=${1:-$(bash eng/publish-portable.sh)}
floor=$(bash eng/publish-portable.sh bench/start-floor out/bench/start-floor start-floor)
reference=/usr/lib/xen-4.17/bin/pygrub
images=out/bench/images
results=out/bench/start-floor-results
bash bench/make-images.sh "$images"
rm -rf "$results"; mkdir -p "$results/root"
image=$images/typical.img
hyperfine -N --style basic --warmup 5 --runs 100 --export-json "$results/times.json" \
  -n "start-floor print" "$floor print" \
  -n "start-floor sandbox" "$floor sandbox $results/root" \
  -n "pvboot -n --no-depriv" "$pvboot --quiet --not-really --no-depriv $image" \
  -n "pvboot -n" "$pvboot --quiet --not-really $image" \
  -n "pygrub -n" "$reference --quiet --not-really $image" >/dev/null
python3 - "$results/times.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
pygrub = results[-1]["median"]
print(f"medians of 100 runs; the parse-only target is 0.1 x pygrub -n = {pygrub * 100:.2f} ms")
for r in results:
    print(f"{r['command']:24} {r['median'] * 1000:7.2f} ms   ratio to pygrub -n {r['median'] / pygrub:6.3f}")
PY
