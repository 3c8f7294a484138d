#!/bin/sh
# bench/export.sh: `memsift export -j JOBS` of 100 bundles (ten corpus cases, ten copies each)
# against their `memsift report`s run one after another, side by side, medians over several
# repetitions. Issue 14's bound: export -j 2 <= 2 x (sequential reports / 2), i.e. the ratio
# printed last <= 2.
#
# Usage: bench/export.sh [BUILD_DIR] [REPETITIONS] [JOBS]    defaults: build, 3, 2
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
reps=${2:-3}
jobs=${3:-2}
. "$here/bench/lib.sh"
need_bins bench/export.sh "$build" memsift memsift-collect memsift-testgen
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

for c in seed healthy-x86 pinned-anon-v2 slab-leak zombie-memcg hugetlb-unused tmpfs-unmapped \
         stacks-pagetables ppc64le-mthp arm64-16k-thp; do
  "$build/bin/memsift-testgen" "$c" "$tmp/$c" --expect "$tmp/$c.json" >/dev/null 2>&1
  "$build/bin/memsift-collect" -q --no-nice --root "$tmp/$c" -o "$tmp/$c.tar.zst"
  rm -rf "${tmp:?}/$c"
  for i in 1 2 3 4 5 6 7 8 9; do cp "$tmp/$c.tar.zst" "$tmp/$c-$i.tar.zst"; done
done
set -- "$tmp"/*.tar.zst
echo "bundles: $# ($(du -sh "$tmp" | cut -f1))"

: >"$tmp/reports"
: >"$tmp/export"
r=0
while [ "$r" -lt "$reps" ]; do
  t0=$(now)
  for b in "$@"; do "$build/bin/memsift" report "$b" -o /dev/null 2>/dev/null || true; done
  t1=$(now)
  "$build/bin/memsift" export "$@" -o "$tmp/fleet" -j "$jobs" 2>/dev/null || true
  t2=$(now)
  sub "$t1" "$t0" >>"$tmp/reports"
  sub "$t2" "$t1" >>"$tmp/export"
  r=$((r + 1))
done
seq=$(median "$tmp/reports")
exp=$(median "$tmp/export")
echo "memsift report, one after another: median $seq s"
echo "memsift export -j $jobs:             median $exp s"
awk -v e="$exp" -v s="$seq" -v j="$jobs" 'BEGIN {
  printf "export / (reports / %d): %.2f (issue 14: <= 2)\n", j, e / (s / j) }'
