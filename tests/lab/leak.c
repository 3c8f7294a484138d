// tests/lab/leak.c: the kernel lab's leak reproducer, run inside the guest (static, any arch).
//
// It makes exactly the leak memsift exists to find: anonymous memory that no process maps any
// more but that the kernel cannot free because something still holds the pages. It maps MIB MiB
// of anonymous memory, either as transparent huge pages (MADV_HUGEPAGE on a region aligned to
// the kernel's PMD size) or as base pages (MADV_NOHUGEPAGE), touches every page, takes a
// reference on every page (io_uring registered buffers pin them with FOLL_LONGTERM; vmsplice
// into pipes holds page references in the pipe buffers), unmaps the region and waits. From then
// on the pages are anonymous, charged to this process's memory cgroup, and mapped by nobody.
//
// Usage: leak --thp|--base --pin uring|vmsplice --mib N [--node N]
// Prints "leak: ready ..." on stdout once the memory is unmapped, then sleeps until killed.
// Exit status: 2 usage, 1 when the kernel refuses a step (the message says which).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef MPOL_BIND
#define MPOL_BIND 2
#endif

static void die(const char* what) {
  fprintf(stderr, "leak: %s: %s\n", what, strerror(errno));
  exit(1);
}

static void usage(void) {
  fprintf(stderr, "usage: leak --thp|--base --pin uring|vmsplice --mib N [--node N]\n");
  exit(2);
}

// The kernel's PMD-sized THP, or 0 when the kernel offers none (s390x without EDAT has no file).
static unsigned long pmdSize(void) {
  FILE* f = fopen("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "r");
  unsigned long v = 0;
  if (f) {
    if (fscanf(f, "%lu", &v) != 1) v = 0;
    fclose(f);
  }
  return v;
}

// AnonHugePages of this process in KiB, to say in the log whether the THPs really formed.
static long anonHugeKib(void) {
  FILE* f = fopen("/proc/self/smaps_rollup", "r");
  char line[256];
  long kib = -1;
  if (!f) return -1;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "AnonHugePages: %ld kB", &kib) == 1) break;
  fclose(f);
  return kib;
}

static void pinUring(char* p, size_t len) {
  struct io_uring_params params;
  memset(&params, 0, sizeof params);
  int fd = (int)syscall(__NR_io_uring_setup, 1, &params);
  if (fd < 0) die("io_uring_setup");
  // One iovec per 256 MiB: io_uring caps a registered buffer at 1 GiB.
  enum { kMaxVecs = 64 };
  struct iovec iov[kMaxVecs];
  size_t n = 0, step = (size_t)256 << 20;
  for (size_t off = 0; off < len && n < kMaxVecs; off += step, ++n) {
    iov[n].iov_base = p + off;
    iov[n].iov_len = len - off < step ? len - off : step;
  }
  if (syscall(__NR_io_uring_register, fd, IORING_REGISTER_BUFFERS, iov, (unsigned)n) < 0)
    die("io_uring_register(IORING_REGISTER_BUFFERS)");
  // fd stays open: closing it would unpin the pages.
}

static void pinVmsplice(char* p, size_t len) {
  size_t done = 0;
  while (done < len) {
    int fds[2];
    if (pipe(fds) < 0) die("pipe");
    // As large a pipe as the kernel allows (root may exceed pipe-max-size); 1 MiB else.
    if (fcntl(fds[1], F_SETPIPE_SZ, 16 << 20) < 0 && fcntl(fds[1], F_SETPIPE_SZ, 1 << 20) < 0)
      die("fcntl(F_SETPIPE_SZ)");
    for (;;) {
      struct iovec iov = {p + done, len - done};
      ssize_t r = vmsplice(fds[1], &iov, 1, SPLICE_F_NONBLOCK);
      if (r < 0 && errno == EAGAIN) break;  // this pipe is full: next pipe
      if (r < 0) die("vmsplice");
      done += (size_t)r;
      if (done == len) break;
    }
    // Both ends stay open: the pipe buffers hold the page references.
  }
}

int main(int argc, char** argv) {
  int thp = -1, uring = -1, node = -1;
  long mib = 0;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--thp"))
      thp = 1;
    else if (!strcmp(argv[i], "--base"))
      thp = 0;
    else if (!strcmp(argv[i], "--pin") && i + 1 < argc) {
      ++i;
      if (!strcmp(argv[i], "uring"))
        uring = 1;
      else if (!strcmp(argv[i], "vmsplice"))
        uring = 0;
      else
        usage();
    } else if (!strcmp(argv[i], "--mib") && i + 1 < argc)
      mib = atol(argv[++i]);
    else if (!strcmp(argv[i], "--node") && i + 1 < argc)
      node = atoi(argv[++i]);
    else
      usage();
  }
  if (thp < 0 || uring < 0 || mib <= 0) usage();

  if (node >= 0) {
    unsigned long mask = 1UL << node;
    if (syscall(__NR_set_mempolicy, MPOL_BIND, &mask, sizeof mask * 8) < 0) die("set_mempolicy");
  }

  size_t len = (size_t)mib << 20;
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  unsigned long pmd = pmdSize();
  if (thp && pmd == 0) {
    fprintf(stderr, "leak: this kernel offers no THP (no hpage_pmd_size); using base pages\n");
    thp = 0;
  }
  size_t align = thp ? pmd : page;
  size_t maplen = len + align;
  char* raw = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) die("mmap");
  char* p = (char*)(((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1));
  if (madvise(p, len, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) < 0) die("madvise");
  for (size_t off = 0; off < len; off += page)
    p[off] = (char)(off / page + 1);
  long huge = anonHugeKib();

  if (uring)
    pinUring(p, len);
  else
    pinVmsplice(p, len);
  if (munmap(raw, maplen) < 0) die("munmap");

  printf(
      "leak: ready pid %d %ld MiB %s pinned by %s, AnonHugePages before unmap %ld kB, "
      "page %zu, pmd %lu\n",
      (int)getpid(), mib, thp ? "THP" : "base pages", uring ? "io_uring" : "vmsplice", huge, page,
      pmd);
  fflush(stdout);
  for (;;)
    pause();
}
