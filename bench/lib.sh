# bench/lib.sh: helpers shared by the benchmark scripts (sourced, not run).
# shellcheck shell=sh
now() { date +%s.%N; }
# a - b with millisecond precision
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", a - b }'; }
# The median of the numbers in file $1, one per line.
median() {
  sort -g "$1" | awk '{ v[NR] = $1 } END {
    if (NR % 2) printf "%.3f\n", v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# Exits 2 unless BUILD_DIR/bin holds every NAME: need_bins SCRIPT BUILD_DIR NAME...
need_bins() {
  _script=$1 _build=$2
  shift 2
  for _b in "$@"; do
    [ -x "$_build/bin/$_b" ] || { echo "$_script: no $_build/bin/$_b; build it first" >&2; exit 2; }
  done
}
# A synthetic host of SIZE_GIB (memsift-testgen) in DIR/root, and its bundle DIR/b.tar.zst
# (memsift-collect, 4 KiB pages): synthetic_bundle BUILD_DIR SIZE_GIB DIR
synthetic_bundle() {
  "$1/bin/memsift-testgen" synthetic "$3/root" --size-gib "$2" --expect "$3/expected.json" >/dev/null
  "$1/bin/memsift-collect" -q --no-nice --root "$3/root" --page-size 4096 -o "$3/b.tar.zst"
}
