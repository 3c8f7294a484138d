#!/bin/busybox sh
# tests/lab/init.sh: /init of the kernel lab's guest (busybox sh; copied into every initramfs).
# Mounts the kernel file systems, makes two memory cgroups, leaks memory in each (leak.c), runs
# memsift-collect and writes the bundle to the console as base64 between markers the host looks
# for, then powers off. /lab.conf (written by the host) sets CGROUP (v1|v2) and LEAK_THP,
# LEAK_BASE (leak's arguments). Every line meant for the host starts with "@@lab ".
/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# Only emergencies on the console from now on: the bundle's base64 must not be interleaved.
echo 1 >/proc/sys/kernel/printk
. /lab.conf

say() { echo "@@lab $*"; }
fail() {
  say "FAIL $*"
  poweroff -f
}
echo
say "up $(cut -d' ' -f1 /proc/uptime) s, kernel $(uname -r) $(uname -m)"

if [ "$CGROUP" = v1 ]; then
  mount -t tmpfs cgroup /sys/fs/cgroup || fail "tmpfs on /sys/fs/cgroup"
  mkdir -p /sys/fs/cgroup/memory
  mount -t cgroup -o memory memory /sys/fs/cgroup/memory || fail "cgroup v1 memory"
  cg=/sys/fs/cgroup/memory
else
  mount -t cgroup2 cgroup2 /sys/fs/cgroup || fail "cgroup2"
  cg=/sys/fs/cgroup
  echo +memory >$cg/cgroup.subtree_control || fail "+memory in cgroup.subtree_control"
fi
mkdir -p $cg/lab $cg/lab/thp-leak $cg/lab/base-leak
[ "$CGROUP" = v2 ] && echo +memory >$cg/lab/cgroup.subtree_control

thp=/sys/kernel/mm/transparent_hugepage
if [ -f $thp/enabled ]; then
  echo always >$thp/enabled
  say "thp $(cat $thp/enabled) pmd $(cat $thp/hpage_pmd_size 2>/dev/null)"
else
  say "thp none"
fi
say "nodes $(cat /sys/devices/system/node/online 2>/dev/null || echo none)"

# leak NAME ARGS...: runs leak.c in cgroup lab/NAME and waits for it to say it is ready.
leak() {
  name=$1
  shift
  sh -c "echo \$\$ >$cg/lab/$name/cgroup.procs && exec /leak $*" >/tmp/$name.log 2>&1 &
  pid=$!
  i=0
  while ! grep -q "leak: ready" /tmp/$name.log; do
    i=$((i + 1))
    kill -0 $pid 2>/dev/null || fail "$name: $(tr '\n' ' ' </tmp/$name.log)"
    [ $i -gt 1200 ] && fail "$name: not ready after 120 s: $(tr '\n' ' ' </tmp/$name.log)"
    sleep 0.1
  done
  say "$name $(tr '\n' ' ' </tmp/$name.log)"
}
leak thp-leak $LEAK_THP
leak base-leak $LEAK_BASE

say "collect $(cut -d' ' -f1 /proc/uptime) s"
say "bundle-begin"
{
  /memsift-collect -o - 2>/tmp/collect.err
  echo $? >/tmp/collect.rc
} | base64
say "bundle-end"
say "collect-rc $(cat /tmp/collect.rc) at $(cut -d' ' -f1 /proc/uptime) s"
sed 's/^/@@lab collect: /' /tmp/collect.err
sync
poweroff -f
