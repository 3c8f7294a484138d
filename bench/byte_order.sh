#!/bin/sh
# bench/byte_order.sh: what reading page tables in the other byte order costs `memsift report`,
# and (given a baseline binary) that the native path did not slow down. One synthetic host,
# collected twice: as generated (this machine's byte order) and with its three tables
# byte-swapped (objcopy --reverse-bytes=8) and collected with --byte-order stating the other
# order. Runs are interleaved; medians over REPETITIONS.
#
# Usage: bench/byte_order.sh [BUILD_DIR] [SIZE_GIB] [REPETITIONS] [BASELINE_MEMSIFT]
#        defaults: build, 64, 5, none
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
size=${2:-64}
reps=${3:-5}
baseline=${4:-}
. "$here/bench/lib.sh"
need_bins bench/byte_order.sh "$build" memsift memsift-collect memsift-testgen
command -v objcopy >/dev/null || { echo "bench/byte_order.sh: needs objcopy (binutils)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

synthetic_bundle "$build" "$size" "$tmp"
native=$(printf '\001\000' | od -An -tu2 | tr -d ' ')
if [ "$native" = 1 ]; then other=big; else other=little; fi
for t in kpageflags kpagecount kpagecgroup; do
  chmod u+w "$tmp/root/proc/$t"
  objcopy -I binary -O binary --reverse-bytes=8 "$tmp/root/proc/$t" "$tmp/swapped"
  mv "$tmp/swapped" "$tmp/root/proc/$t"
done
"$build/bin/memsift-collect" -q --no-nice --root "$tmp/root" --page-size 4096 \
  --byte-order "$other" -o "$tmp/s.tar.zst"
rm -rf "$tmp/root"
echo "synthetic host: $size GiB; bundles: native $(stat -c %s "$tmp/b.tar.zst"), $other-endian $(stat -c %s "$tmp/s.tar.zst") bytes"

: >"$tmp/native"; : >"$tmp/swap"; : >"$tmp/base"
i=0
while [ "$i" -lt "$reps" ]; do
  t0=$(now); "$build/bin/memsift" report -f json "$tmp/b.tar.zst" -o "$tmp/r1"; t1=$(now)
  "$build/bin/memsift" report -f json "$tmp/s.tar.zst" -o "$tmp/r2"; t2=$(now)
  sub "$t1" "$t0" >>"$tmp/native"
  sub "$t2" "$t1" >>"$tmp/swap"
  if [ -n "$baseline" ]; then
    t3=$(now); "$baseline" report "$tmp/b.tar.zst" -o /dev/null; t4=$(now)
    sub "$t4" "$t3" >>"$tmp/base"
  fi
  i=$((i + 1))
done
# The reports (JSON) differ only in the byte order the bundle names and the collection time.
sed '/"byte_order":/d; /"collected_at":/d' "$tmp/r1" >"$tmp/r1m"
sed '/"byte_order":/d; /"collected_at":/d' "$tmp/r2" >"$tmp/r2m"
if cmp -s "$tmp/r1m" "$tmp/r2m"; then echo "reports: identical"; else echo "reports: DIFFER"; diff "$tmp/r1m" "$tmp/r2m" | head; fi
echo "memsift report, native tables:      median $(median "$tmp/native") s over $reps runs"
echo "memsift report, $other-endian tables: median $(median "$tmp/swap") s over $reps runs"
[ -z "$baseline" ] || echo "baseline $baseline, native tables: median $(median "$tmp/base") s over $reps runs"
