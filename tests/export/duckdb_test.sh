#!/usr/bin/env bash
# memsift export of the generated corpus, loaded into real DuckDB (the @duckdb/node-api npm
# package under Node), answering the fleet queries of docs/fleet-export.md. The package is
# installed once into a cache outside the clone ($MEMSIFT_NPM_CACHE, default
# ~/.cache/memsift-npm); without node or npm, or if npm cannot install it, the test skips (77).
# Usage: duckdb_test.sh   Environment: MEMSIFT_BIN_DIR, MEMSIFT_SOURCE_DIR.
set -euo pipefail
bin=${MEMSIFT_BIN_DIR:?} src=${MEMSIFT_SOURCE_DIR:?}
cache=${MEMSIFT_NPM_CACHE:-$HOME/.cache/memsift-npm}
version=1.5.6-r.1
command -v node >/dev/null && command -v npm >/dev/null ||
  { echo "SKIP: node and npm are needed for DuckDB's client"; exit 77; }
if [ ! -f "$cache/$version/node_modules/@duckdb/node-api/package.json" ]; then
  mkdir -p "$cache/$version"
  npm install --prefix "$cache/$version" --no-audit --no-fund --loglevel=error \
    "@duckdb/node-api@$version" >/dev/null 2>&1 ||
    { echo "SKIP: npm could not install @duckdb/node-api@$version"; exit 77; }
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cases="seed healthy-x86 pinned-anon-v2 slab-leak zombie-memcg hugetlb-unused tmpfs-unmapped
       stacks-pagetables no-root ppc64le-mthp s390x-pinned-anon arm64-16k-thp"
bundles=()
for c in $cases; do
  "$bin/memsift-testgen" "$c" "$work/$c" --expect "$work/$c.json" >/dev/null 2>&1
  "$bin/memsift-collect" -q --no-nice --root "$work/$c" -o "$work/$c.tar.zst"
  rm -rf "${work:?}/$c"
  bundles+=("$work/$c.tar.zst")
done
# Exit 4: no-root's report is partial (no page-frame tables), as `memsift report` says.
rc=0
"$bin/memsift" export "${bundles[@]}" -o "$work/fleet" -j 2 2>/dev/null || rc=$?
[ "$rc" -eq 4 ] || { echo "FAIL: memsift export exited $rc, expected 4 (no-root is partial)"; exit 1; }
[ "$(wc -l < "$work/fleet/hosts.ndjson")" -eq 12 ] || { echo "FAIL: 12 hosts rows expected"; exit 1; }
MEMSIFT_DUCKDB_MODULES="$cache/$version/node_modules" \
  node "$src/tests/export/fleet_queries.mjs" "$src/docs/fleet-export.md" "$work/fleet"
