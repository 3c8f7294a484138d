#!/bin/sh
# tests/fuzz/make-seeds.sh BUILD_DIR: writes the fuzz targets' seed inputs into
# tests/fuzz/corpus/<target>/seed-*: real files from testdata/captured for the parsers (first
# byte = which parser, as fuzz_parsers.cc reads it), and a small bundle (testdata/roots/minimal
# plus 4096 frames of page tables cut from the healthy-x86 test case) for the bundle reader,
# compressed, and for the analysis, as the uncompressed tar fuzz_analyze expects.
# Crash inputs found by scripts/fuzz go beside them as crash-*; both are replayed by ctest.
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: tests/fuzz/make-seeds.sh BUILD_DIR}
corpus=$here/tests/fuzz/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

cap=$here/testdata/captured/x86_64-6.18
seed() {  # seed INDEX FILE: a parser seed
  [ -f "$2" ] || return 0
  { printf "\\$(printf %03o "$1")"; cat "$2"; } >"$corpus/parsers/seed-$1-$(basename "$2")"
}
seed 0 "$cap/proc_meminfo"
seed 1 "$cap/sys_node0_meminfo"
seed 2 "$cap/proc_vmstat"
seed 3 "$cap/proc_zoneinfo"
seed 4 "$cap/proc_buddyinfo"
seed 5 "$cap/proc_slabinfo"
seed 6 "$cap/proc_pid_mountinfo"
seed 7 "$cap/proc_mounts"
seed 8 "$cap/cgroup_v1_root_memory.stat"
seed 9 "$cap/proc_pid_cgroup"
seed 10 "$cap/proc_pid_status"
seed 11 "$cap/proc_pid_statm"
seed 12 "$cap/proc_pid_maps"
seed 13 "$cap/proc_pid_smaps"
seed 14 "$cap/proc_pid_smaps_rollup"
seed 15 "$cap/cgroup_v2_memory.stat.handwritten"

"$build/bin/memsift-testgen" healthy-x86 "$tmp/case" --expect "$tmp/case.json" >/dev/null
cp -r "$here/testdata/roots/minimal" "$tmp/root"
for t in kpageflags kpagecount kpagecgroup; do
  # 4096 frames from PFN 0x40000 (8 bytes each): free, anonymous, page cache and THPs.
  dd if="$tmp/case/proc/$t" of="$tmp/root/proc/$t" bs=8 skip=262144 count=4096 2>/dev/null
done
"$build/bin/memsift-collect" -q --no-nice --root "$tmp/root" -o "$corpus/bundle_reader/seed-minimal.tar.zst"
zstd -q -dc "$corpus/bundle_reader/seed-minimal.tar.zst" >"$corpus/analyze/seed-minimal.tar"
# A series of 2 (format 1.3): its cheap snapshot inside a series wrapper, with its own index.
"$build/bin/memsift-collect" -q --no-nice --no-page-frames --root "$tmp/root" --every 0.05 \
  --count 2 -o "$corpus/bundle_reader/seed-series-wrapped.tar.zst"

# The hostile bundles of issue 17 (tests/hostile_bundles.py): the small ones, compressed for the
# reader and as tar for the analysis. The zstd bombs and the huge index stay out of the analyze
# corpus (hundreds of MiB as tar); the reader gets the text bombs (25 KB compressed), whose
# replay shows that reading them stays within the caps.
small="deep-manifest-array deep-manifest-object deep-index page-size-0 page-size-3 page-size-2p40
  page-size-max byte-order-middle major-2p32p1 pax-size claim-4g-meminfo terminal-names
  extract-file-then-dir extract-long-name"
# shellcheck disable=SC2086
python3 "$here/tests/hostile_bundles.py" "$tmp/hostile" --tar $small
python3 "$here/tests/hostile_bundles.py" "$tmp/hostile" zero-text-bombs
for name in $small zero-text-bombs; do
  cp "$tmp/hostile/$name.tar.zst" "$corpus/bundle_reader/seed-hostile-$name.tar.zst"
  # As tar only within the fuzzer's -max_len (scripts/fuzz): the 600 KB of nested objects is not.
  if [ -f "$tmp/hostile/$name.tar" ] && [ "$(wc -c <"$tmp/hostile/$name.tar")" -le 300000 ]; then
    cp "$tmp/hostile/$name.tar" "$corpus/analyze/seed-hostile-$name.tar"
  fi
done
ls -la "$corpus"/*
