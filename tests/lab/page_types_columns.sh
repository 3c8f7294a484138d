# tests/lab/page_types_columns.sh (POSIX sh, sourced by tests/lab/page_types.sh and
# bench/page_types.sh): page-types older than 6.4 name two bits the current tool dropped, so their
# symbolic strings have 45 columns where memsift (which prints what the current tools/mm/page-types
# prints) has 43: bit 39 (c:uncached, set only by ia64) is column 34 and pseudo bit 49
# (P:slob_free, SLOB only, which Debian never built) column 39. This filter drops those two columns
# where both are blank ('_'), so a set bit there still shows as a difference.
lab_page_types_drop_old_columns() {
  perl -pe 's/(?<![\w])([_A-Za-z1]{34})_([_A-Za-z1]{4})_([_A-Za-z1]{5})(?![\w])/$1$2$3/g'
}
