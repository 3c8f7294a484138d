#!/usr/bin/env bash
# The hand-written man pages (docs/man) and bash completions (packaging/completions) name every
# command and option the programs' --help lists, so that neither falls behind the programs.
# Usage: docs_cover_options.sh   Environment: MEMSIFT_BIN_DIR, MEMSIFT_SOURCE_DIR.
set -euo pipefail
bin=${MEMSIFT_BIN_DIR:?} src=${MEMSIFT_SOURCE_DIR:?}
failures=0

# Long options in a --help text: the "--name" tokens of the lines that describe an option
# ("  -o [ --output ] FILE", "  --root DIR", "      -r|--raw"), not of the prose around them.
long_options() { grep -E '^ +-' | grep -oE -- '--[a-z][a-z-]*' | sort -u; }

check() {  # MAN COMPLETION OPTIONS... : each option is in both files
  local man=$1 completion=$2 o escaped
  shift 2
  for o in "$@"; do
    escaped=${o//-/\\-}  # roff writes a minus sign as \-
    if ! grep -qF -- "$escaped" "$man"; then
      echo "FAIL: $o is not in ${man#"$src"/}"
      failures=$((failures + 1))
    fi
    if ! grep -qE -- "(^|[^a-z-])$o([^a-z-]|\$)" "$completion"; then
      echo "FAIL: $o is not in ${completion#"$src"/}"
      failures=$((failures + 1))
    fi
  done
}

man_collect="$src/docs/man/memsift-collect.8" man_memsift="$src/docs/man/memsift.1"
comp="$src/packaging/completions"
mapfile -t opts < <("$bin/memsift-collect" --help | long_options)
check "$man_collect" "$comp/memsift-collect" "${opts[@]}"
echo "memsift-collect: ${#opts[@]} options"

# memsift: its commands, then each command's options. "--bundle" and "--dir" are Boost's names
# of the positional arguments, not options anyone types.
mapfile -t commands < <("$bin/memsift" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 {print $1}')
[ ${#commands[@]} -ge 5 ] || { echo "FAIL: memsift --help lists ${#commands[@]} commands"; exit 1; }
for c in "${commands[@]}"; do
  if ! grep -qF -- "${c//-/\\-}" "$man_memsift"; then
    echo "FAIL: command $c is not in docs/man/memsift.1"
    failures=$((failures + 1))
  fi
  grep -qE "(^|[^a-z-])$c([^a-z-]|\$)" "$comp/memsift" ||
    { echo "FAIL: command $c is not in packaging/completions/memsift"; failures=$((failures + 1)); }
  mapfile -t opts < <("$bin/memsift" "$c" --help | long_options | grep -vx -- '--bundle\|--dir')
  check "$man_memsift" "$comp/memsift" "${opts[@]}"
  echo "memsift $c: ${#opts[@]} options"
done

[ "$failures" -eq 0 ] || { echo "$failures missing"; exit 1; }
echo "PASS: the man pages and completions name every command and option"
