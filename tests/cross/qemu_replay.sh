#!/usr/bin/env bash
# One line of tests/cross/cases.txt: a cross-built collector, run under qemu-user on a generated
# root, must give the x86_64 analyzer the same report as the native collector does.
# Usage: qemu_replay.sh ARCH CASE PAGE_SIZE report|members [memsift-collect options...]
# Environment: MEMSIFT_BIN_DIR (memsift, memsift-collect, memsift-testgen),
#              MEMSIFT_DIST_DIR (memsift-collect-ARCH from scripts/dist).
# Exit 0 passed, 1 failed, 77 skipped (no dist collector, no qemu-user).
set -euo pipefail
arch=$1 case_name=$2 page_size=$3 check=$4
shift 4
bin=${MEMSIFT_BIN_DIR:?} dist=${MEMSIFT_DIST_DIR:?}

cross="$dist/memsift-collect-$arch"
if [ ! -x "$cross" ]; then
  echo "SKIP: $cross is missing: run scripts/dist (or scripts/dist --collectors-only $arch)"
  exit 77
fi
runner=()
if [ "$arch" != "$(uname -m)" ]; then
  qemu=qemu-$arch-static
  if ! command -v "$qemu" >/dev/null; then
    echo "SKIP: $qemu is missing (Debian package qemu-user-static; .ci/install-deps installs it)"
    exit 77
  fi
  runner=("$qemu")
fi

fail() {
  echo "FAIL: $arch $case_name: $*"
  exit 1
}

work=$(mktemp -d "${TMPDIR:-/tmp}/memsift-cross.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The binary says what it is for, also where uname answers for the emulated machine.
version=$("${runner[@]}" "$cross" --version) || fail "--version exited $?"
[[ "$version" == *" for $arch "* ]] || fail "--version does not name $arch: $version"

"$bin/memsift-testgen" "$case_name" "$work/root" --expect "$work/expected.json" >"$work/gen.log" 2>&1 ||
  { cat "$work/gen.log"; fail "memsift-testgen $case_name failed"; }

collect() {  # NAME COMMAND... : collects the root into $work/NAME.tar.zst
  local name=$1 rc=0
  shift
  "$@" -q --no-nice --root "$work/root" --page-size "$page_size" "${extra[@]}" \
    -o "$work/$name.tar.zst" >"$work/$name.log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    cat "$work/$name.log"
    fail "$name collector exited $rc"
  fi
}
extra=("$@")
collect native "$bin/memsift-collect"
start=$(date +%s%N)
collect cross "${runner[@]}" "$cross"
echo "$version: collected in $((($(date +%s%N) - start) / 1000000)) ms${runner:+ under $runner}"

# Members: every file the collector wrote, byte for byte, but the manifest (start time, and the
# collector's own byte order and priority).
for name in native cross; do
  mkdir "$work/$name" && tar --zstd -xf "$work/$name.tar.zst" -C "$work/$name"
  rm "$work/$name/manifest.json"
done
# index.json lists every member with its hash (the manifest's aside) and the collector's run
# times (masked).
for name in native cross; do
  sed -E -e '/"name": "manifest.json"/d' -e 's/"([a-z_]*_seconds)": *[0-9.e+-]+/"\1": 0/g' \
    "$work/$name/index.json" >"$work/$name/index.masked" && rm "$work/$name/index.json"
done
diff -r "$work/native" "$work/cross" >"$work/members.diff" ||
  { head -40 "$work/members.diff"; fail "the bundles' members differ"; }

if [ "$check" = report ]; then
  for name in native cross; do
    # The collection time is the collector's clock: masked, as in the golden reports.
    at=$(tar --zstd -xOf "$work/$name.tar.zst" manifest.json |
      sed -n 's/.*"start_time_utc": *"\([^"]*\)".*/\1/p')
    [ -n "$at" ] || fail "$name bundle: no start_time_utc in manifest.json"
    for format in text json; do
      "$bin/memsift" report "$work/$name.tar.zst" -f "$format" -o "$work/$name.$format" ||
        fail "memsift report -f $format of the $name bundle exited $?"
      sed -i "s/$at/YYYY-MM-DDTHH:MM:SSZ/g" "$work/$name.$format"
    done
  done
  for format in text json; do
    diff -u "$work/native.$format" "$work/cross.$format" >"$work/report.diff" ||
      { head -60 "$work/report.diff"; fail "the $format reports differ"; }
  done
  grep -m1 '' "$work/cross.text"
elif [ "$check" != members ]; then
  fail "unknown check '$check' (report or members)"
fi
echo "PASS: $arch $case_name ($check)"
