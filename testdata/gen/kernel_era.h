// What a generated kernel's tables and /proc files look like, by release: the eras the kernel lab
// found on real Debian kernels (docs/kernel-lab.md, "Where the real kernel contradicts
// memsift-testgen"). Where an era's facts come from a real kernel, the comment names it.
#pragma once

#include <string_view>

namespace memsift::testgen {

enum class Era {
  // 4.18 / 4.19 (the seed's RHEL 8 kernel): holes KPF_NOPAGE; THP tails carry only
  // compound_tail plus head-derived bits, kpagecgroup 0; the first page of a free block has
  // kpagecount 0xffffffffffffff80 (PG_buddy in _mapcount); 4.18's /proc files.
  k418,
  // 5.0 to 6.9 (lab: Debian 5.10 and 6.1): the tables of 4.18 (tails 0x411000 with kpagecgroup
  // 0, holes KPF_NOPAGE) with the /proc files of 6.x.
  k61,
  // 6.10 to 6.14 (lab: Debian 6.12): stable_page_flags() rewritten on folios, so tails carry
  // the folio's flags and cgroup, but holes are still KPF_NOPAGE, and KPF_KSM is set on every
  // anonymous page (it tests `mapping & PAGE_MAPPING_KSM`, which PAGE_MAPPING_ANON alone passes).
  k612,
  // 6.15 on (the 2025 kpage_read() rework; this machine's 6.18): folio tails, all-zero holes,
  // KPF_KSM only on KSM pages.
  k6x,
};

// The era of a release string ("6.1.0-50-amd64", "6.18.0-memsift", "4.18.0-147.el8.aarch64").
// The lab ran 5.10, 6.1, 6.12 and 6.18; the boundaries between them (5.0, 6.10, 6.15) are where
// the kernel changed what the lab saw (the folio rewrite of fs/proc/page.c in 6.10, the rework
// posted in February 2025), not releases the lab ran.
Era eraOfRelease(std::string_view release);

// The /proc files of 5.x and later (Pss_Dirty, KSM and FilePmdMapped in smaps, zoneinfo's boost,
// promo and cma lines, node-level kernel stack and page-table counters).
inline bool newProcFiles(Era e) {
  return e != Era::k418;
}
// THP tails carry the folio's flags and memory cgroup (not just compound_tail and what is
// derived from the head).
inline bool folioTails(Era e) {
  return e == Era::k612 || e == Era::k6x;
}
// Holes read all-zero rather than KPF_NOPAGE.
inline bool zeroHoles(Era e) {
  return e == Era::k6x;
}
// KPF_KSM on every anonymous page, KSM or not.
inline bool ksmOnAnon(Era e) {
  return e == Era::k612;
}
// The first page of a free block reports PG_buddy's _mapcount as its kpagecount.
inline bool buddyMapcount(Era e) {
  return e == Era::k418;
}
// The expectations file's name of an era.
std::string_view eraName(Era e);

}  // namespace memsift::testgen
