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
ls -la "$corpus"/*
