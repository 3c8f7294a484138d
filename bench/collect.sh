#!/bin/sh
# bench/collect.sh: what memsift-collect costs on this machine, measured against the kernel's own
# cost of producing the same data in the same run (dd of the three page-frame tables with
# bs=1M, plus cat of every /proc/PID/smaps), as medians over several repetitions; its peak RSS
# (/usr/bin/time -v); the same with --jobs 2 (the upper half of each chunk read by a second thread);
# the bundle size; the stripped binary size; and a synthetic 256 GiB host
# (64 Mi frames: 512 MiB per table, 1.5 GiB in all) replayed with --root, for peak RSS at size;
# peak RSS of a snapshot series of 2 and of 20.
#
# Usage (as root: the page-frame tables are root-only):
#   bench/collect.sh [BUILD_DIR] [REPETITIONS]      defaults: build, 5
# Writes nothing outside a temporary directory it removes.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
reps=${2:-5}
bin=$build/bin/memsift-collect
[ -x "$bin" ] || { echo "bench/collect.sh: no $bin; build it first" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "bench/collect.sh: run as root (page-frame tables)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

. "$here/bench/lib.sh"
kernel_cost() {
  for t in kpageflags kpagecount kpagecgroup; do
    [ -e /proc/$t ] && dd if=/proc/$t of=/dev/null bs=1M 2>/dev/null
  done
  cat /proc/[0-9]*/smaps >/dev/null 2>&1 || true
}
peak_rss_kib() { awk -F': ' '/Maximum resident set size/ { print $2 }' "$1"; }

echo "memsift-collect benchmark: $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ {print $2, $3}' /proc/meminfo), $(ls -d /proc/[0-9]* | wc -l) processes"
echo "kpageflags: $(dd if=/proc/kpageflags bs=1M 2>/dev/null | wc -c) bytes"
echo

# Same run, alternating which goes first, so that neither always finds warm caches.
: >"$tmp/kernel"
: >"$tmp/collect"
: >"$tmp/collect-nonice"
: >"$tmp/collect-jobs2"
i=0
while [ "$i" -lt "$reps" ]; do
  for what in kernel collect collect-nonice collect-jobs2; do
    if [ $((i % 2)) = 1 ] && [ "$what" = kernel ]; then continue; fi
    t0=$(now)
    case $what in
      kernel) kernel_cost ;;
      collect) "$bin" -q --force -o "$tmp/live.tar.zst" ;;
      collect-nonice) "$bin" -q --no-nice --force -o "$tmp/live.tar.zst" ;;
      collect-jobs2) "$bin" -q --jobs 2 --force -o "$tmp/live.tar.zst" ;;
    esac
    sub "$(now)" "$t0" >>"$tmp/$what"
  done
  if [ $((i % 2)) = 1 ]; then
    t0=$(now); kernel_cost; sub "$(now)" "$t0" >>"$tmp/kernel"
  fi
  i=$((i + 1))
done
k=$(median "$tmp/kernel")
c=$(median "$tmp/collect")
n=$(median "$tmp/collect-nonice")
j=$(median "$tmp/collect-jobs2")
echo "wall time, median of $reps (seconds):"
echo "  kernel's own cost (dd x3 bs=1M + cat smaps): $k   [$(tr '\n' ' ' <"$tmp/kernel")]"
echo "  memsift-collect (default: nice 10, idle I/O): $c   [$(tr '\n' ' ' <"$tmp/collect")]"
echo "  memsift-collect --no-nice:                    $n   [$(tr '\n' ' ' <"$tmp/collect-nonice")]"
echo "  ratio collect/kernel: $(awk -v a="$c" -v b="$k" 'BEGIN { printf "%.2f", a / b }')x" \
     "(--no-nice: $(awk -v a="$n" -v b="$k" 'BEGIN { printf "%.2f", a / b }')x)"
echo "  memsift-collect --jobs 2:                     $j   [$(tr '\n' ' ' <"$tmp/collect-jobs2")]"
echo "  ratio collect --jobs 2/kernel: $(awk -v a="$j" -v b="$k" 'BEGIN { printf "%.2f", a / b }')x (goal <= 0.6)"

/usr/bin/time -v "$bin" -q --force -o "$tmp/live.tar.zst" 2>"$tmp/time-live"
echo "peak RSS, live collection: $(peak_rss_kib "$tmp/time-live") KiB"
/usr/bin/time -v "$bin" -q --jobs 2 --force -o "$tmp/live.tar.zst" 2>"$tmp/time-live2"
echo "peak RSS, live collection --jobs 2: $(peak_rss_kib "$tmp/time-live2") KiB (limit 16384)"
echo "bundle size, live: $(stat -c %s "$tmp/live.tar.zst") bytes"
# A snapshot series keeps nothing of a cheap snapshot once its series/K/index.json is written
# (format 1.3; before, index.json's record of each series member stayed to the end: 6,804 KiB at
# 2, 8,212 at 20 on a host of 72 processes): peak RSS at 20 snapshots against 2, which should be
# the same (0.1 s apart, so this adds about two seconds to the run).
for n in 2 20; do
  /usr/bin/time -v "$bin" -q --every 0.1 --count "$n" --force -o "$tmp/series.tar.zst" \
    2>"$tmp/time-series"
  echo "peak RSS, live series --every 0.1 --count $n: $(peak_rss_kib "$tmp/time-series") KiB" \
       "(limit 16384), bundle $(stat -c %s "$tmp/series.tar.zst") bytes"
done
strip -o "$tmp/stripped" "$bin"
echo "stripped binary: $(stat -c %s "$tmp/stripped") bytes (limit 2621440)"
echo

# A synthetic 256 GiB host: 64 Mi frames of 4 KiB. The tables are sparse files (holes read as
# zeros, as memory holes do on 6.18) with the real kpageflags of the reference host tiled in at
# fixed offsets, so part of the data has real entropy. Deterministic; nothing large is kept.
ref=$(ls -d "$here"/../shared/reference/page-types/*/kpageflags.zst 2>/dev/null | head -n 1)
root="$tmp/synthetic-256g"
cp -r "$here/testdata/roots/minimal" "$root"
for t in kpageflags kpagecount kpagecgroup; do
  truncate -s 512M "$root/proc/$t"
  if [ -n "$ref" ]; then
    for off in 0 192 384; do  # MiB
      zstd -dcq "$ref" | dd of="$root/proc/$t" bs=1M seek="$off" conv=notrunc 2>/dev/null
    done
  fi
done
t0=$(now)
/usr/bin/time -v "$bin" -q --no-nice --root "$root" --page-size 4096 -o "$tmp/synthetic.tar.zst" \
  2>"$tmp/time-synthetic"
echo "synthetic 256 GiB host (1.5 GiB of page tables, --root):"
echo "  wall time: $(sub "$(now)" "$t0") s"
echo "  peak RSS: $(peak_rss_kib "$tmp/time-synthetic") KiB"
echo "  bundle size: $(stat -c %s "$tmp/synthetic.tar.zst") bytes"
