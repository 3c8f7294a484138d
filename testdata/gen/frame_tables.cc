// The page-frame table writer (see frame_tables.h).
#include "testdata/gen/frame_tables.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "common/kpf.h"

namespace memsift::testgen {

using kpf::bit;

std::string_view catId(Cat c) {
  static constexpr std::string_view kIds[kCatCount] = {"free",
                                                       "anon_mapped",
                                                       "anon_unmapped",
                                                       "anon_thp_mapped",
                                                       "anon_thp_partly_mapped",
                                                       "anon_thp_unmapped",
                                                       "file_mapped",
                                                       "file_unmapped",
                                                       "shmem_mapped",
                                                       "shmem_unmapped",
                                                       "slab",
                                                       "page_table",
                                                       "hugetlb_mapped",
                                                       "hugetlb_unmapped",
                                                       "kernel",
                                                       "unflagged",
                                                       "offline",
                                                       "hole",
                                                       "other"};
  return kIds[static_cast<size_t>(c)];
}

// One table file: a buffer of u64 values, flushed with large writes; long zero runs become
// holes when sparse.
class FrameTables::Table {
 public:
  Table(const fs::path& path, bool sparse, bool swap) : path_(path), sparse_(sparse), swap_(swap) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0400);
    if (fd_ < 0)
      throw std::runtime_error("cannot create " + path.string() + ": " + strerror(errno));
    buf_.resize(kBufferValues);
  }
  ~Table() {
    if (fd_ >= 0) ::close(fd_);
  }
  void put(uint64_t v, uint64_t n) {
    if (swap_) v = __builtin_bswap64(v);  // the other byte order than this machine's
    if (sparse_ && v == 0 && n >= kSparseMin) {
      flush();
      if (::lseek(fd_, static_cast<off_t>(n * 8), SEEK_CUR) < 0) fail("lseek");
      size_ += n * 8;
      return;
    }
    while (n > 0) {
      uint64_t k = std::min<uint64_t>(n, buf_.size() - used_);
      std::fill_n(buf_.data() + used_, k, v);
      used_ += k;
      n -= k;
      if (used_ == buf_.size()) flush();
    }
  }
  void finish() {
    flush();
    // A trailing hole is only a seek so far: the size is set explicitly.
    if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0) fail("ftruncate");
    if (::close(fd_) != 0) fail("close");
    fd_ = -1;
  }

 private:
  static constexpr size_t kBufferValues = size_t{1} << 20;  // 8 MiB per table
  static constexpr uint64_t kSparseMin = 8192;              // 64 KiB of zeros: worth a hole

  void flush() {
    const char* p = reinterpret_cast<const char*>(buf_.data());
    size_t left = used_ * 8;
    while (left > 0) {
      ssize_t w = ::write(fd_, p, left);
      if (w < 0) {
        if (errno == EINTR) continue;
        fail("write");
      }
      p += w;
      left -= static_cast<size_t>(w);
    }
    size_ += used_ * 8;
    used_ = 0;
  }
  [[noreturn]] void fail(const char* what) {
    throw std::runtime_error(std::string(what) + " " + path_.string() + ": " + strerror(errno));
  }

  fs::path path_;
  bool sparse_;
  bool swap_;
  int fd_ = -1;
  std::vector<uint64_t> buf_;
  size_t used_ = 0;
  uint64_t size_ = 0;
};

FrameTables::FrameTables(const fs::path& proc_dir, Era era, int nodes, NodeOf node_of,
                         const void* ctx, bool sparse, bool write_cgroups, std::endian order)
    : era_(era), nodes_(nodes), node_of_(node_of), ctx_(ctx) {
  fs::create_directories(proc_dir);
  const bool swap = order != std::endian::native;
  tables_[0] = new Table(proc_dir / "kpageflags", sparse, swap);
  tables_[1] = new Table(proc_dir / "kpagecount", sparse, swap);
  tables_[2] = write_cgroups ? new Table(proc_dir / "kpagecgroup", sparse, swap) : nullptr;
  for (CatStats& c : cats_)
    c.node_pages.assign(static_cast<size_t>(nodes), 0);
}

FrameTables::~FrameTables() {
  for (Table* t : tables_)
    delete t;
}

void FrameTables::put(uint64_t n, FrameValue v) {
  // 6.10 to 6.14: KPF_KSM follows PAGE_MAPPING_ANON (the lab's 6.12 showed it on every anonymous
  // page, slab pages with the bogus anonymous bit included).
  if (ksmOnAnon(era_) && (v.flags & bit(kpf::kAnon))) v.flags |= bit(kpf::kKsm);
  tables_[0]->put(v.flags, n);
  tables_[1]->put(v.count, n);
  if (tables_[2] != nullptr) tables_[2]->put(v.cgroup, n);
  flags_hist_[v.flags] += n;
  pos_ += n;
}

void FrameTables::account(Cat cat, uint64_t start, uint64_t n, uint64_t cgroup) {
  CatStats& c = cats_[static_cast<size_t>(cat)];
  c.pages += n;
  if (cat != Cat::kHole) {
    int node = node_of_(ctx_, start);
    if (node < 0 || node >= nodes_) throw std::logic_error("memory frame outside every node");
    c.node_pages[static_cast<size_t>(node)] += n;
    cgroups_[cgroup][static_cast<size_t>(cat)] += n;
  }
  if (c.range_count > 0 && c.last_end == start) {
    if (c.ranges.size() == c.range_count) c.ranges.back().pages += n;
  } else {
    ++c.range_count;
    if (c.ranges.size() < CatStats::kMaxRanges) c.ranges.push_back({start, n});
  }
  c.last_end = start + n;
}

void FrameTables::run(Cat cat, uint64_t n, FrameValue v) {
  if (n == 0) return;
  account(cat, pos_, n, v.cgroup);
  put(n, v);
}

void FrameTables::hole(uint64_t n) {
  if (n == 0) return;
  FrameValue v;
  if (!zeroHoles(era_)) v.flags = bit(kpf::kNopage);
  account(Cat::kHole, pos_, n, 0);
  put(n, v);
}

uint64_t FrameTables::tailFlags(uint64_t head) const {
  head &= ~bit(kpf::kCompoundHead);
  if (folioTails(era_)) {
    // 6.10 on: stable_page_flags() reads the folio's flags for every page (fs/proc/page.c).
    return head | bit(kpf::kCompoundTail);
  }
  // Before 6.10 (4.18, and 6.1 in the lab): a tail's own page->flags are empty; only what is looked
  // up through the head shows (PageAnon, PageKsm, PageHuge, page_mapped, slab, and thp/zero_page
  // for THPs).
  constexpr uint64_t kDerived = bit(kpf::kThp) | bit(kpf::kMmap) | bit(kpf::kAnon) |
                                bit(kpf::kKsm) | bit(kpf::kHuge) | bit(kpf::kSlab) |
                                bit(kpf::kZeroPage);
  return (head & kDerived) | bit(kpf::kCompoundTail);
}

void FrameTables::compound(Cat cat, uint64_t pages, FrameValue head, uint64_t tail_count) {
  head.flags |= bit(kpf::kCompoundHead);
  account(cat, pos_, pages, head.cgroup);
  CatStats& c = cats_[static_cast<size_t>(cat)];
  ++c.compound_sizes[pages];
  put(1, head);
  // Before 6.10 only the head carries the memcg until the THP is split (mm/memcontrol.c; the
  // lab's 6.1 tails read 0).
  FrameValue tail{tailFlags(head.flags), tail_count, folioTails(era_) ? head.cgroup : 0};
  put(pages - 1, tail);
}

void FrameTables::partlyMapped(uint64_t pages, FrameValue head, uint64_t mapped_tails) {
  head.flags |= bit(kpf::kCompoundHead) | bit(kpf::kMmap);
  account(Cat::kAnonThpPartlyMapped, pos_, pages, head.cgroup);
  CatStats& c = cats_[static_cast<size_t>(Cat::kAnonThpPartlyMapped)];
  ++c.compound_sizes[pages];
  c.unmapped_subpages += pages - 1 - mapped_tails + (head.count == 0 ? 1 : 0);
  put(1, head);
  // KPF_MMAP is per folio: the unmapped subpages still show it; only kpagecount tells them
  // apart (kernel-facts.md).
  FrameValue tail{tailFlags(head.flags), 1, folioTails(era_) ? head.cgroup : 0};
  put(mapped_tails, tail);
  tail.count = 0;
  put(pages - 1 - mapped_tails, tail);
}

void FrameTables::finish() {
  for (Table* t : tables_)
    if (t != nullptr) t->finish();
}

}  // namespace memsift::testgen
