# tests/lab/run.sh: boots one kernel of the lab and checks what memsift makes of it (sourced by
# scripts/kernel-lab, after lib.sh, apt.sh, kernels.sh, check.sh and page_types.sh).

# lab_unpack DEB DIR [PATTERN...]: unpacks the package's files (those matching the tar
# wildcards, e.g. './boot/*': a kernel's modules are 400 MB the guest never loads) into DIR once
# (DIR/.done marks a complete unpack).
lab_unpack() {
  local deb=$1 dir=$2
  shift 2
  [ -f "$dir/.done" ] && return 0
  rm -rf "$dir"
  mkdir -p "$dir"
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir" --wildcards "$@" ||
    lab_die "unpacking $deb failed"
  touch "$dir/.done"
}

# lab_collector MACHINE -> path of a static memsift-collect for MACHINE (uname -m), or nothing.
lab_collector() {
  local arch=$1 f
  for f in "$LAB_DIST/memsift-collect-$arch" "$LAB_ROOT/dist/memsift-collect-$arch"; do
    [ -x "$f" ] && { echo "$f"; return 0; }
  done
  if [ "$arch" = "$(uname -m)" ] && [ -x "$LAB_BUILD/bin/memsift-collect" ]; then
    echo "$LAB_BUILD/bin/memsift-collect"
  fi
}

# lab_boot_kernel: fetches what kernel K_NAME needs, builds its initramfs and boots it; leaves
# the guest's console in $W/console.log and the bundle in $W/bundle.tar.zst. Sets LAB_SECONDS.
lab_boot_kernel() {
  local pkg deb kdir bbdir kernel collector
  # First, so that a kernel that cannot run is skipped before anything is downloaded.
  collector=$(lab_collector "$K_MACHINE")
  if [ -z "$collector" ]; then
    LAB_SKIP="no static memsift-collect for $K_MACHINE (scripts/dist builds dist/memsift-collect-$K_MACHINE)"
    exit 0
  fi
  pkg=$(lab_kernel_package "$K_SUITE" "$K_FLAVOUR" "$K_DEBARCH") || exit 1
  [ -n "$pkg" ] || lab_die "$K_NAME: no kernel package for $K_FLAVOUR in $K_SUITE"
  deb=$(lab_pkg_fetch "$K_SUITE" "$pkg:$K_DEBARCH") || exit 1
  kdir="$LAB_CACHE/unpacked/$(basename "$deb" .deb)"
  lab_unpack "$deb" "$kdir" './boot/*'
  kernel=$(find "$kdir/boot" -maxdepth 1 \( -name 'vmlinuz-*' -o -name 'vmlinux-*' \) | sort | head -n1)
  [ -n "$kernel" ] || lab_die "$K_NAME: no kernel image in $deb"
  K_RELEASE=$(basename "$kernel" | sed 's/^vmlinu[xz]-//')
  K_CONFIG="$kdir/boot/config-$K_RELEASE"

  deb=$(lab_pkg_fetch bookworm "busybox-static:$K_DEBARCH") || exit 1
  bbdir="$LAB_CACHE/unpacked/$(basename "$deb" .deb)"
  lab_unpack "$deb" "$bbdir" './bin/busybox'


  # The initramfs: busybox, /init, /lab.conf, the leak and the collector. No modules: the
  # console, io_uring, memory cgroups and THP are built into every Debian kernel of the matrix.
  local root="$W/initramfs"
  rm -rf "$root"
  mkdir -p "$root/bin"
  cp "$bbdir/bin/busybox" "$root/bin/busybox"
  cp "$LAB_ROOT/tests/lab/init.sh" "$root/init"
  chmod 755 "$root/init"
  "$K_CC" -static -O2 -Wall -Wextra -Werror -o "$root/leak" "$LAB_ROOT/tests/lab/leak.c" ||
    lab_die "$K_NAME: building leak.c with $K_CC failed"
  cp "$collector" "$root/memsift-collect"
  # Each leak bound to a node where there are two (a kernel without NUMA has no set_mempolicy).
  local thp_node="" base_node=""
  [ "$K_NODES" -gt 1 ] && thp_node="--node $((K_NODES - 1))" base_node="--node 0"
  cat >"$root/lab.conf" <<EOF
CGROUP=$K_CGROUP
LEAK_THP="--thp --pin uring --mib $LAB_THP_MIB $thp_node"
LEAK_BASE="--base --pin vmsplice --mib $LAB_BASE_MIB $base_node"
EOF
  (cd "$root" && find . | sort | cpio -o -H newc --quiet) >"$W/initramfs.cpio" ||
    lab_die "$K_NAME: cpio failed"

  # Two NUMA nodes of equal size, one CPU each (s390x: one node, the machine takes no -numa).
  local numa=() half=$((K_MEM_MIB / K_NODES)) n
  for ((n = 0; n < K_NODES; n++)); do
    numa+=(-object "memory-backend-ram,id=m$n,size=${half}M" -numa "node,nodeid=$n,cpus=$n,memdev=m$n")
  done
  [ "$K_NODES" -gt 1 ] || numa=()
  local start end rc=0
  start=$(date +%s.%N)
  # shellcheck disable=SC2086 # K_QEMU_ARGS is a list of words
  timeout "$LAB_TIMEOUT" "$K_QEMU" $K_QEMU_ARGS -m "${K_MEM_MIB}M" -smp "$K_NODES" "${numa[@]}" \
    -nic none -display none -monitor none -no-reboot -serial "file:$W/console.log" \
    -kernel "$kernel" -initrd "$W/initramfs.cpio" \
    -append "console=$K_CONSOLE rdinit=/init panic=-1 loglevel=4" >"$W/qemu.log" 2>&1 || rc=$?
  end=$(date +%s.%N)
  LAB_SECONDS=$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.0f", b-a}')
  [ $rc -eq 0 ] || lab_die "qemu exited $rc after ${LAB_SECONDS}s ($(tail -n1 "$W/qemu.log"))"
  tr -d '\r' <"$W/console.log" >"$W/console.txt"
  if grep -a '^@@lab FAIL' "$W/console.txt" >/dev/null; then
    lab_die "guest: $(grep -a '^@@lab FAIL' "$W/console.txt" | head -n1)"
  fi
  grep -q '^@@lab bundle-end' "$W/console.txt" || lab_die "no bundle on the console (guest output in $W/console.txt)"
  sed -n '/^@@lab bundle-begin/,/^@@lab bundle-end/p' "$W/console.txt" | sed '1d;$d' |
    base64 -d >"$W/bundle.tar.zst" || lab_die "the bundle on the console is not base64"
  local crc
  crc=$(sed -n 's/^@@lab collect-rc \([0-9]*\).*/\1/p' "$W/console.txt")
  [ "$crc" = 0 ] || lab_die "memsift-collect exited ${crc:-?} in the guest"
}

# lab_boot_kernel_sub: the whole check of kernel K_NAME, run in a subshell (lab_die ends only
# this kernel); what the summary line needs is written to $W/result on the way out.
lab_boot_kernel_sub() {
  trap 'declare -p LAB_FAIL LAB_SKIP LAB_SECONDS LAB_FINDINGS LAB_PT K_RELEASE K_PAGE K_ORDER >"$W/result" 2>/dev/null' EXIT
  K_PAGE="?" K_ORDER="?"
  lab_boot_kernel
  local rc=0
  "$LAB_BUILD/bin/memsift" report "$W/bundle.tar.zst" -f json -o "$W/report.json" 2>"$W/report.err" || rc=$?
  "$LAB_BUILD/bin/memsift" report "$W/bundle.tar.zst" -o "$W/report.txt" 2>/dev/null || true
  [ $rc -eq 0 ] || lab_die "memsift report exited $rc: $(head -n1 "$W/report.err")"
  K_PAGE=$(jq -r '.host.page_size' "$W/report.json")
  K_ORDER=$(jq -r '.host.byte_order' "$W/report.json")
  local pmd
  pmd=$(sed -n 's/^@@lab thp .* pmd \([0-9]*\).*/\1/p' "$W/console.txt" | head -n1)
  lab_check_report "$W/report.json" "${pmd:-0}" || exit 1
  lab_page_types_compare || exit 1
}
