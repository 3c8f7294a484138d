// The words of who may hold the pages of an unmapped-anon(-thp) finding (issue 13): the processes
// that pin in its cgroups or hold unmapped io_uring buffers anywhere, the pipes of its cgroups,
// or, when none, that the references leaked inside the kernel, or that the bundle cannot tell.
#include "analyzer/report/finding_wording_parts.h"
#include "common/bundle/derived_tables.h"
#include "common/bundle/members.h"

namespace memsift::report::wording {

namespace members = bundle::members;

namespace {

const std::string kCensus(bundle::kProcessFdsMember);

std::string plural(uint64_t n, const std::string& one, const std::string& many) {
  return formatCount(n) + " " + (n == 1 ? one : many);
}

// "pid 4242 (fio) in /x.scope: 96 MiB of io_uring registered buffers, 96 MiB of them at
// addresses it no longer maps; VmPin 96 MiB"
Evidence holderEvidence(const PinHolder& h, bool inside) {
  std::vector<std::string> parts;
  if (h.ring_bytes.value() > 0) {
    std::string ring = formatBytes(h.ring_bytes) + " of io_uring registered buffers";
    if (h.ring_unmapped && h.ring_unmapped->value() > 0)
      ring += ", " + formatBytes(*h.ring_unmapped) + " of them at addresses it no longer maps";
    parts.push_back(ring);
  } else if (h.io_uring > 0) {
    parts.push_back(plural(h.io_uring, "io_uring instance", "io_uring instances"));
  }
  if (h.pinned && h.pinned->value() > 0) parts.push_back("VmPin " + formatBytes(*h.pinned));
  if (h.vfio > 0) parts.push_back(plural(h.vfio, "VFIO descriptor", "VFIO descriptors"));
  if (h.rdma > 0) parts.push_back(plural(h.rdma, "RDMA descriptor", "RDMA descriptors"));
  std::string text = "pid " + std::to_string(h.pid) + " (" + h.comm + ") in " + h.cgroup +
                     (inside ? "" : ", outside these cgroups,") + " may hold them: ";
  for (size_t i = 0; i < parts.size(); ++i)
    text += (i ? "; " : "") + parts[i];
  return {text,
          {members::processMember(h.pid, members::kProcStatus) + ", " + kCensus + ", " +
               members::processMember(h.pid, members::kProcFdinfoDir),
           "VmPin, io_uring, vfio, rdma, UserBufs"}};
}

}  // namespace

void suspectWords(const PinSuspects& p, FindingWords& w) {
  for (size_t i = 0; i < p.holders.size(); ++i)
    w.evidence.push_back(holderEvidence(p.holders[i], i < p.in_cgroups));
  if (p.holder_count > p.holders.size()) {
    w.evidence.push_back(
        {"and " + plural(p.holder_count - p.holders.size(), "process", "processes") +
             (p.holder_count - p.holders.size() == 1 ? " more that pins" : " more that pin") +
             " memory (the pins section lists them)",
         {kCensus, ""}});
  }
  if (p.pipes_in_cgroups > 0) {
    w.evidence.push_back(
        {"the " + plural(p.processes_in_cgroups, "process", "processes") + " of these cgroups " +
             (p.processes_in_cgroups == 1 ? "holds " : "hold ") +
             plural(p.pipes_in_cgroups, "pipe", "pipes") +
             ": pages spliced into a pipe (vmsplice) stay referenced, mapped by nobody, until the "
             "pipe is read or closed",
         {kCensus, "pipes"}});
  }
  if (!p.holders.empty() || p.pipes_in_cgroups > 0) return;
  if (p.census) {
    w.evidence.push_back(
        {"no live process holds pins that explain these pages: a reference leaked inside the "
         "kernel (e.g. a direct-I/O or driver path that took a page reference and never dropped "
         "it)",
         {members::everyProcessMember(members::kProcStatus) + ", " + kCensus,
          "VmPin, io_uring, vfio, rdma, pipes"}});
  } else {
    w.evidence.push_back(
        {"no process's VmPin covers these pages, but the bundle cannot tell whether a live "
         "process holds them through io_uring, VFIO, RDMA or pipes: it has no descriptor census (" +
             kCensus +
             "; its collector predates it), so a reference leaked inside the kernel "
             "cannot be told from a pin",
         {members::everyProcessMember(members::kProcStatus), "VmPin"}});
  }
}

}  // namespace memsift::report::wording
