#!/bin/sh
# bench/page_types.sh: `memsift page-types BUNDLE` against the kernel's own `page-types -F FILE` on
# the same synthetic host: page-types reads the raw /proc/kpageflags file (512 MiB for 256 GiB,
# from page cache), memsift the compressed bundle. Summary mode and -l (list), run side by side in
# alternating order, as medians over several repetitions; `zstd -dc` of the bundle, for the share
# of memsift's time that is decompression; and whether the outputs are the same.
#
# Usage: bench/page_types.sh [BUILD_DIR] [PAGE_TYPES_BINARY] [SIZE_GIB] [REPS]
#   defaults: build, (none: required), 256, 5
# page-types is not part of memsift and is not built here. Build it from a kernel source tree
# (tools/mm/page-types.c, which needs tools/lib/api):  make -C tools/mm page-types
# and give the binary's path. It needs no root: -F reads the plain file it is given.
# The synthetic root and the bundle are made with memsift-testgen and memsift-collect in a
# temporary directory that is removed at the end; nothing is written anywhere else.
#
# Exit status: 0 when the outputs match (byte for byte, or for -l, see below), 1 when they do not,
# 2 on a usage error (no page-types binary, no memsift build).
# -l rows: page-types ends a row at every 65536-page read batch and, without -M, where its
# uninitialised map-count array differs, so its -l may have more rows than memsift's for the same
# pages. The -l outputs are also compared with contiguous rows of equal flags merged: a difference
# that disappears then is a difference in row splits only, reported as such (exit 0).
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
pagetypes=${2:-}
size=${3:-256}
reps=${4:-5}
if [ -z "$pagetypes" ]; then
  echo "bench/page_types.sh: no page-types binary given; usage: bench/page_types.sh [BUILD_DIR] PAGE_TYPES_BINARY [SIZE_GIB] [REPS]" >&2
  echo "  build one from a kernel source tree: make -C tools/mm page-types" >&2
  exit 2
fi
case $pagetypes in */*) ;; *) pagetypes=$(command -v "$pagetypes" || echo "$pagetypes") ;; esac
if ! [ -f "$pagetypes" ] || ! [ -x "$pagetypes" ]; then
  echo "bench/page_types.sh: $pagetypes: no such executable (page-types from a kernel tree: make -C tools/mm page-types)" >&2
  exit 2
fi

[ -x /usr/bin/time ] || { echo "bench/page_types.sh: needs /usr/bin/time (Debian: apt-get install time)" >&2; exit 2; }

. "$here/bench/lib.sh"
need_bins bench/page_types.sh "$build" memsift memsift-collect memsift-testgen
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

synthetic_bundle "$build" "$size" "$tmp"
[ "$(getconf PAGESIZE)" = 4096 ] ||
  echo "note: this machine's pages are $(getconf PAGESIZE) bytes; page-types computes its MB columns with them, the 4096-byte synthetic bundle with 4096"
flags=$tmp/root/proc/kpageflags
rm -f "$tmp/root/proc/kpagecgroup" "$tmp/root/proc/kpagecount"
cat "$flags" >/dev/null # page-types reads the raw file from page cache
echo "synthetic host: $size GiB; kpageflags $(stat -c %s "$flags") bytes; bundle $(stat -c %s "$tmp/b.tar.zst") bytes"
echo "page-types: $pagetypes"

# run NAME [PREFIX...]: one configuration, to stdout, behind PREFIX (a timer) if given: pt_sum,
# ms_sum, pt_list, ms_list (page-types or memsift, summary or -l) or unzstd.
run() {
  _name=$1
  shift
  case $_name in
    pt_sum) "$@" "$pagetypes" -F "$flags" ;;
    pt_list) "$@" "$pagetypes" -F "$flags" -l ;;
    ms_sum) "$@" "$build/bin/memsift" page-types "$tmp/b.tar.zst" ;;
    ms_list) "$@" "$build/bin/memsift" page-types "$tmp/b.tar.zst" -l ;;
    unzstd) "$@" zstd -dc "$tmp/b.tar.zst" ;;
  esac
}

for t in pt_sum ms_sum pt_list ms_list unzstd; do : >"$tmp/$t.wall"; : >"$tmp/$t.cpu"; done
# Same run, alternating which of each pair goes first.
i=0
while [ "$i" -lt "$reps" ]; do
  if [ $((i % 2)) = 0 ]; then order="pt_sum ms_sum unzstd ms_list pt_list"; else order="ms_sum pt_sum pt_list ms_list unzstd"; fi
  for t in $order; do
    t0=$(now); run "$t" /usr/bin/time -f '%U %S' -o "$tmp/time" >/dev/null; t1=$(now)
    sub "$t1" "$t0" >>"$tmp/$t.wall"
    awk '{ printf "%.3f\n", $1 + $2 }' "$tmp/time" >>"$tmp/$t.cpu"
  done
  i=$((i + 1))
done
# line LABEL NAME [BASE]: the wall and CPU medians of NAME, and their ratios to BASE's.
line() {
  awk -v label="$1" -v w="$(median "$tmp/$2.wall")" -v c="$(median "$tmp/$2.cpu")" \
    -v bw="${3:+$(median "$tmp/$3.wall")}" -v bc="${3:+$(median "$tmp/$3.cpu")}" -v base="${3:-}" 'BEGIN {
      printf "  %-34s %8.3f %8.3f", label, w, c
      if (base == "ms_sum") printf "   zstd -dc is %.0f%% (wall) / %.0f%% (CPU) of memsift summary", 100 * w / bw, 100 * c / bc
      else if (base != "") printf "   memsift/page-types %.2f (wall) %.2f (CPU)", w / bw, c / bc
      printf "\n" }'
}
printf "  %-34s %8s %8s\n" "medians of $reps runs (s; CPU = user+sys)" wall CPU
line "page-types -F kpageflags" pt_sum
line "memsift page-types BUNDLE" ms_sum pt_sum
line "page-types -F kpageflags -l" pt_list
line "memsift page-types BUNDLE -l" ms_list pt_list
line "zstd -dc BUNDLE >/dev/null" unzstd ms_sum

# Merges -l rows that continue one another (same flags, next PFN); other lines unchanged.
merged_runs() {
  awk -F'\t' '
    function hex(s,  i, v) {
      v = 0
      for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
      return v
    }
    function flush() { if (n) printf "%.0f\t%.0f\t%s\n", b, n, f; n = 0 }
    NF == 3 && $1 ~ /^[0-9a-f]+$/ && $2 ~ /^[0-9a-f]+$/ {
      s = hex($1); l = hex($2)
      if (n && $3 == f && s == b + n) { n += l; next }
      flush(); b = s; n = l; f = $3; next
    }
    { flush(); print }
    END { flush() }' "$1"
}
# A page-types older than 6.4 (tests/lab uses 6.1's) names two bits the current tool dropped, so
# its symbolic strings have 45 columns where memsift's, like the current tool's, have 43: compare
# with those two columns dropped where they are blank, as the kernel lab does (a set bit there
# still shows as a difference).
. "$here/tests/lab/page_types_columns.sh"
narrow() { if [ "$old_tool" = 1 ]; then lab_page_types_drop_old_columns; else cat; fi; }
old_tool=0
run pt_sum | awk -F'\t' 'NR == 2 { n = split($2, c, " "); exit length(c[n]) == 45 ? 0 : 1 }' &&
  old_tool=1 && echo "page-types is an older tool (45-column symbolic flags): compared with its blank uncached and slob_free columns dropped"
status=0
run pt_sum | narrow >"$tmp/pt.sum"
run ms_sum >"$tmp/ms.sum"
if cmp -s "$tmp/pt.sum" "$tmp/ms.sum"; then
  echo "summary: identical ($(wc -l <"$tmp/pt.sum") lines)"
else
  echo "summary: DIFFERENT"; diff "$tmp/pt.sum" "$tmp/ms.sum" | head -20; status=1
fi
run pt_list | narrow >"$tmp/pt.list"
run ms_list >"$tmp/ms.list"
if cmp -s "$tmp/pt.list" "$tmp/ms.list"; then
  echo "-l: identical ($(wc -l <"$tmp/pt.list") lines)"
else
  merged_runs "$tmp/pt.list" >"$tmp/pt.runs"
  merged_runs "$tmp/ms.list" >"$tmp/ms.runs"
  rows="page-types $(wc -l <"$tmp/pt.list") lines, memsift $(wc -l <"$tmp/ms.list")"
  if cmp -s "$tmp/pt.runs" "$tmp/ms.runs"; then
    echo "-l: not byte-identical ($rows); the same pages and flags, rows split differently (see the header)"
  else
    echo "-l: DIFFERENT ($rows), also with contiguous rows merged:"
    diff "$tmp/pt.runs" "$tmp/ms.runs" | head -20; status=1
  fi
fi
exit "$status"
