# bench/lib.sh: timing helpers shared by the benchmark scripts (sourced, not run).
now() { date +%s.%N; }
# a - b with millisecond precision
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", a - b }'; }
# The median of the numbers in file $1, one per line.
median() {
  sort -g "$1" | awk '{ v[NR] = $1 } END {
    if (NR % 2) printf "%.3f\n", v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
