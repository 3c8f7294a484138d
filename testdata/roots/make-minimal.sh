#!/bin/sh
# Builds testdata/roots/minimal: a small system root for memsift-collect --root replays.
# Text files are captured from a live host (trimmed where large), then a few are replaced by
# synthetic ones (mountinfo, hostname, cgroups) so the tree exercises what tests check.
# The page-frame tables are not here: tests generate them (they must span several chunks).
# Run from anywhere, as root, on Linux; commit the result. Re-running replaces the tree.
set -eu
out="$(cd "$(dirname "$0")" && pwd)/minimal"
rm -rf "$out"
mkdir -p "$out/proc/self" "$out/proc/sys/kernel" "$out/proc/sys/vm" "$out/dev"
for f in meminfo vmstat zoneinfo buddyinfo pagetypeinfo slabinfo iomem swaps cmdline version \
         uptime loadavg; do
  cat "/proc/$f" >"$out/proc/$f"
done
head -n 40 /proc/vmallocinfo >"$out/proc/vmallocinfo"
for f in osrelease arch; do cat "/proc/sys/kernel/$f" >"$out/proc/sys/kernel/$f"; done
echo "replay-host" >"$out/proc/sys/kernel/hostname"
for f in min_free_kbytes overcommit_memory swappiness; do
  cat "/proc/sys/vm/$f" >"$out/proc/sys/vm/$f"
done
# v1 memory hierarchy, a v2 one, and a mount point with a space (escaped as \040).
cat >"$out/proc/self/mountinfo" <<'MI'
22 27 0:21 / /proc rw,relatime - proc proc rw
23 27 0:22 / /sys rw,relatime - sysfs sysfs rw
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
41 31 0:38 / /sys/fs/cgroup/uni\040fied rw,relatime - cgroup2 cgroup2 rw
MI
# Two kernel log records, as /dev/kmsg prints them (Documentation/ABI/testing/dev-kmsg).
printf '6,1,100,-;Linux version replay\n3,2,200,-;Out of memory: Killed process 42 (qemu)\n' \
  >"$out/dev/kmsg"

# Processes: this script's own shell as PID 1 and a sleeping child as PID 42.
sleep 30 &
child=$!
for pid in $$ $child; do
  n=$([ "$pid" = "$$" ] && echo 1 || echo 42)
  mkdir -p "$out/proc/$n"
  for f in status stat statm cmdline comm cgroup oom_score_adj maps smaps_rollup smaps; do
    cat "/proc/$pid/$f" >"$out/proc/$n/$f"
  done
done
kill "$child"

# Memory cgroups: v1 root and one child; v2 root.
m="$out/sys/fs/cgroup/memory"
mkdir -p "$m/app"
for d in "$m" "$m/app"; do
  src=/sys/fs/cgroup/memory
  for f in memory.stat memory.usage_in_bytes memory.limit_in_bytes memory.failcnt cgroup.procs; do
    cat "$src/$f" >"$d/$f"
  done
done
mkdir -p "$out/sys/fs/cgroup/uni fied"
printf 'memory pids\n' >"$out/sys/fs/cgroup/uni fied/cgroup.controllers"
printf '1\n42\n' >"$out/sys/fs/cgroup/uni fied/cgroup.procs"

# Huge pages, NUMA node 0, two memory blocks (the second one offline, on no node).
t=/sys/kernel/mm/transparent_hugepage
mkdir -p "$out$t/khugepaged"
for f in enabled defrag khugepaged/pages_collapsed; do cat "$t/$f" >"$out$t/$f"; done
h=/sys/kernel/mm/hugepages/hugepages-2048kB
mkdir -p "$out$h"
for f in nr_hugepages free_hugepages; do cat "$h/$f" >"$out$h/$f"; done
n=/sys/devices/system/node
mkdir -p "$out$n/node0/hugepages/hugepages-2048kB"
cat $n/online >"$out$n/online"
for f in meminfo numastat vmstat distance; do cat "$n/node0/$f" >"$out$n/node0/$f"; done
cat $n/node0/hugepages/hugepages-2048kB/nr_hugepages \
  >"$out$n/node0/hugepages/hugepages-2048kB/nr_hugepages"
b=/sys/devices/system/memory
mkdir -p "$out$b/memory0" "$out$b/memory1"
cat $b/block_size_bytes >"$out$b/block_size_bytes"
echo online >"$out$b/memory0/state"
echo "DMA32 Normal" >"$out$b/memory0/valid_zones"
ln -s ../../node/node0 "$out$b/memory0/node0"
echo offline >"$out$b/memory1/state"
echo "none" >"$out$b/memory1/valid_zones"
echo "built $out"
