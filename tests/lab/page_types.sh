# tests/lab/page_types.sh: the kernel's own page-types as the comparator (sourced by
# scripts/kernel-lab). page-types is built for the guest's architecture from Debian's
# linux-source-6.1 in the lab cache (never committed) and run on the host under qemu-user on the
# kpageflags that `memsift extract` gives back, beside `memsift page-types` on the same bundle.
#
# page-types is built with -ftrivial-auto-var-init=zero: its walk_pfn() compares a kpagecount
# buffer (cnt[]) that it never fills without -M when it merges -l rows, so the stack garbage there
# splits rows at random (the reference test, tests/analyzer/page_types_test.cc, undoes those
# splits instead). Zeroed, the buffer is what page-types means: no counts, no splits.

LAB_PT_SOURCE=linux-source-6.1

# lab_page_types_source -> the folder holding the extracted tools/ and include/uapi of the source.
lab_page_types_source() {
  local deb dir tarball
  deb=$(lab_pkg_fetch bookworm "$LAB_PT_SOURCE") || exit 1
  dir="$LAB_CACHE/page-types/src-$(basename "$deb" .deb)"
  if [ ! -f "$dir/.done" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    # Only the tarball inside the package, and only the folders page-types needs from it.
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir" --wildcards "./usr/src/$LAB_PT_SOURCE.tar.*" ||
      lab_die "no $LAB_PT_SOURCE tarball in $deb"
    tarball=$(find "$dir/usr/src" -name "$LAB_PT_SOURCE.tar.*" | head -n1)
    tar -xaf "$tarball" -C "$dir" --wildcards "$LAB_PT_SOURCE/tools/*" "$LAB_PT_SOURCE/include/uapi/*" ||
      lab_die "extracting $tarball failed"
    rm -rf "$dir/usr"
    touch "$dir/.done"
  fi
  echo "$dir/$LAB_PT_SOURCE"
}

# lab_page_types_bin -> a static page-types for K_ARCH (built once per source and architecture).
lab_page_types_bin() {
  local src bin pt
  src=$(lab_page_types_source) || exit 1
  bin="$(dirname "$src")/page-types-$K_ARCH"
  if [ ! -x "$bin" ]; then
    # tools/vm in 6.1, tools/mm from 6.3 on.
    pt=$(find "$src/tools/vm" "$src/tools/mm" -name page-types.c 2>/dev/null | head -n1 || true)
    [ -n "$pt" ] || lab_die "no page-types.c in $src/tools"
    "$K_CC" -static -O2 -ftrivial-auto-var-init=zero -w -I"$src/tools/lib" -I"$src/tools/lib/api" -I"$src/tools/include" \
      -o "$bin.tmp" "$pt" "$src/tools/lib/api/fs/fs.c" "$src/tools/lib/api/fs/tracing_path.c" \
      "$src/tools/lib/api/cpu.c" "$src/tools/lib/api/debug.c" "$src/tools/lib/str_error_r.c" \
      >"$bin.log" 2>&1 || lab_die "building page-types for $K_ARCH failed (see $bin.log)"
    mv "$bin.tmp" "$bin"
  fi
  echo "$bin"
}

. "$LAB_ROOT/tests/lab/page_types_columns.sh"

# lab_page_types_compare: runs every case on both and sets LAB_PT ("6/6 identical" or which
# differ); returns 1 (LAB_FAIL set) when any output differs.
lab_page_types_compare() {
  local pt run=() ex="$W/extract" start pages n=0 same=0 narrowed=0 diffs=""
  pt=$(lab_page_types_bin) || exit 1
  [ -n "$K_QEMU_USER" ] && run=("$K_QEMU_USER")
  rm -rf "$ex"
  "$LAB_BUILD/bin/memsift" extract "$W/bundle.tar.zst" "$ex" >/dev/null ||
    lab_die "memsift extract failed"
  [ -f "$ex/proc/kpageflags" ] || lab_die "memsift extract gave back no proc/kpageflags"
  # The -a range: the first physical range of the THP leak (of the base-page leak without THP).
  start=$(jq '[.findings[] | select(.id == "unmapped-anon-thp" or .id == "unmapped-anon") | .ranges[0]] | first | .start_pfn' "$W/report.json")
  pages=$(jq '[.findings[] | select(.id == "unmapped-anon-thp" or .id == "unmapped-anon") | .ranges[0]] | first | .pages' "$W/report.json")
  local range="$start,$((start + pages + 16))"
  local -a args
  local c
  mkdir -p "$W/page-types"
  for c in "summary:" "raw:-r" "list:-l" "bits:-b anon,thp" "bits-list:-l -b anon,thp" "addr:-a $range" "addr-list:-l -r -a $range"; do
    local id=${c%%:*} opts=${c#*:}
    read -r -a args <<<"$opts"
    n=$((n + 1))
    # QEMU_PAGESIZE: page-types takes the page size from getpagesize(), which qemu-user would
    # otherwise answer with its own (4 KiB) for a 64 KiB guest.
    QEMU_PAGESIZE=$K_PAGE "${run[@]}" "$pt" -F "$ex/proc/kpageflags" "${args[@]}" >"$W/page-types/$id.kernel" 2>&1 || true
    "$LAB_BUILD/bin/memsift" page-types "$W/bundle.tar.zst" "${args[@]}" >"$W/page-types/$id.memsift" 2>&1 || true
    if cmp -s "$W/page-types/$id.kernel" "$W/page-types/$id.memsift"; then
      same=$((same + 1))
    elif lab_page_types_drop_old_columns <"$W/page-types/$id.kernel" >"$W/page-types/$id.kernel-43" &&
      cmp -s "$W/page-types/$id.kernel-43" "$W/page-types/$id.memsift"; then
      same=$((same + 1))
      narrowed=$((narrowed + 1))
    else
      diffs="$diffs $id"
    fi
  done
  LAB_PT="$same/$n identical"
  [ "$narrowed" -eq 0 ] || LAB_PT="$LAB_PT ($narrowed after dropping the 6.1 tool's blank uncached and slob_free columns)"
  [ -z "$diffs" ] || { LAB_PT="$LAB_PT (differ:$diffs)"; LAB_FAIL="page-types differs:$diffs (diff $W/page-types/ID.kernel ID.memsift)"; return 1; }
}
