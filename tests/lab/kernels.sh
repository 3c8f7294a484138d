# tests/lab/kernels.sh: the kernel lab's matrix (sourced by scripts/kernel-lab).
#
# lab_kernel NAME sets, for one kernel of the matrix:
#   K_SUITE K_FLAVOUR K_DEBARCH  Debian suite, kernel flavour (linux-image-FLAVOUR) and architecture
#   K_ARCH                       the lab's name of the architecture (the kernel name's prefix)
#   K_MACHINE                    uname -m in the guest: scripts/dist's suffix (memsift-collect-aarch64)
#   K_CC                         C compiler for the guest's static programs (leak, page-types)
#   K_QEMU K_QEMU_ARGS K_CONSOLE system emulator, machine arguments, kernel console device
#   K_QEMU_USER                  user-mode emulator that runs the guest's page-types on the host
#   K_NODES                      NUMA nodes the guest gets (1 where qemu's machine has no -numa)
#   K_CGROUP                     v2, or v1 (the memory controller on a v1 hierarchy)
#   K_THP                        yes, or no where the kernel offers no THP under qemu (s390x TCG)
#   K_MEM_MIB                    guest memory
# The guest always leaks 64 MiB as THPs pinned by io_uring (on the last node) and 16 MiB of base
# pages pinned by vmsplice (on node 0), each in its own memory cgroup.

LAB_ALL_KERNELS="x86_64-6.1 arm64-6.1 s390x-6.1 ppc64le-6.1-64k x86_64-5.10 arm64-5.10 x86_64-6.12 arm64-6.12-16k ppc64le-6.12-64k"
# What CI runs: x86_64 6.1 and one kernel per foreign architecture.
LAB_CI_KERNELS="x86_64-6.1 arm64-6.1 s390x-6.1 ppc64le-6.1-64k"

lab_kernel() {
  local name=$1 arch ver
  arch=${name%%-*}
  ver=${name#*-}
  case $ver in
    5.10*) K_SUITE=bullseye ;;
    6.1 | 6.1-*) K_SUITE=bookworm ;;
    6.12*) K_SUITE=trixie ;;
    *) return 1 ;;
  esac
  K_NODES=2 K_CGROUP=v2 K_THP=yes K_MEM_MIB=1024
  case $arch in
    x86_64)
      K_FLAVOUR=amd64 K_DEBARCH=amd64 K_CC=gcc K_QEMU=qemu-system-x86_64 K_QEMU_USER=
      K_QEMU_ARGS="-M pc -cpu max" K_CONSOLE=ttyS0
      # The one kernel of the matrix with the v1 memory controller: 5.10 (bullseye's systemd
      # still mounted v1 by default). Not in the ci set: `scripts/kernel-lab all` covers it.
      [ "$ver" = 5.10 ] && K_CGROUP=v1
      ;;
    arm64)
      K_DEBARCH=arm64 K_CC=aarch64-linux-gnu-gcc K_QEMU=qemu-system-aarch64
      K_QEMU_USER=qemu-aarch64-static K_CONSOLE=ttyAMA0
      K_FLAVOUR=arm64 K_QEMU_ARGS="-M virt -cpu cortex-a57"
      # cortex-a57 has no 16 KiB granule.
      case $ver in *-16k) K_FLAVOUR=arm64-16k K_QEMU_ARGS="-M virt -cpu max" ;; esac
      ;;
    s390x)
      K_FLAVOUR=s390x K_DEBARCH=s390x K_CC=s390x-linux-gnu-gcc K_QEMU=qemu-system-s390x
      K_QEMU_USER=qemu-s390x-static K_CONSOLE=ttysclp0
      # TCG has no EDAT: no THP; the machine takes no -numa.
      K_QEMU_ARGS="-M s390-ccw-virtio" K_NODES=1 K_THP=no
      ;;
    ppc64le)
      K_DEBARCH=ppc64el K_CC=powerpc64le-linux-gnu-gcc K_QEMU=qemu-system-ppc64
      K_QEMU_USER=qemu-ppc64le-static K_CONSOLE=hvc0
      K_FLAVOUR=powerpc64le K_QEMU_ARGS="-M pseries,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off -vga none"
      case $ver in 6.12-64k) K_FLAVOUR=powerpc64le-64k ;; esac
      ;;
    *) return 1 ;;
  esac
  K_ARCH=$arch
  K_MACHINE=$arch
  [ "$arch" = arm64 ] && K_MACHINE=aarch64
  K_NAME=$name
}
