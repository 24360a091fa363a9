# Shared by the benchmark scripts (sourced).

# Every input starts from the same page-cache state: its cached pages dropped, then read once from start to end. How a
# file came into the cache (mkfs's small writes, a loop mount, an earlier extraction) changes how fast it reads back;
# that alone moved the fragmented XFS kernel's time by about 15%.
settle_cache() { # FILE...
  sync
  for f in "$@"; do
    dd if="$f" iflag=nocache count=0 status=none
    cat "$f" >/dev/null
  done
}
