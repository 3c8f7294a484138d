// Pin and reference evidence from status (VmPin, VmLck), the descriptor census and io_uring
// fdinfo, and vmstat's FOLL_PIN counters.
#include "analyzer/analysis/pin_evidence.h"

#include <algorithm>

namespace memsift::analysis {
namespace {

report::PinHolder holderOf(const ProcessData& p) {
  report::PinHolder h;
  h.pid = p.pid;
  h.comm = p.comm;
  h.cgroup = p.cgroup_path;
  h.pinned = p.vm_pin;
  h.locked = p.vm_lck;
  h.ring_bytes = p.ring_bytes;
  h.ring_buffers = p.ring_buffers.size();
  if (p.ring_maps_read) h.ring_unmapped = p.ring_unmapped;
  if (p.fds) {
    h.io_uring = p.fds->io_uring.size();
    h.vfio = p.fds->vfio.size();
    h.rdma = p.fds->rdma.size();
    h.pipes = p.fds->pipes;
  }
  return h;
}

// Whether a process holds anything that pins (pipes alone do not make a holder).
bool pins(const report::PinHolder& h) {
  return h.pinned.value_or(ByteCount()) > ByteCount() || h.ring_bytes > ByteCount() ||
         h.io_uring > 0 || h.vfio > 0 || h.rdma > 0;
}

// The bytes a holder may account for: what it pins, or registered, whichever is larger.
ByteCount weight(const report::PinHolder& h) {
  return std::max(h.pinned.value_or(ByteCount()), h.ring_bytes);
}

void sortHolders(std::vector<report::PinHolder>& holders) {
  std::sort(holders.begin(), holders.end(), [](const auto& a, const auto& b) {
    const ByteCount ua = a.ring_unmapped.value_or(ByteCount()),
                    ub = b.ring_unmapped.value_or(ByteCount());
    if (ua != ub) return ua > ub;
    return weight(a) != weight(b) ? weight(a) > weight(b) : a.pid < b.pid;
  });
}

}  // namespace

report::PinEvidence buildPinEvidence(const BundleData& d, size_t top) {
  report::PinEvidence e;
  if (d.vmstat) {
    auto acquired = d.vmstat->value("nr_foll_pin_acquired");
    auto released = d.vmstat->value("nr_foll_pin_released");
    if (acquired && released) {
      e.foll_pins = static_cast<int64_t>(*acquired) - static_cast<int64_t>(*released);
    }
  }
  for (const ProcessData& p : d.processes) {
    if (p.fds) {
      e.census = true;
      ++e.processes;
      e.incomplete += !p.fds->note.empty();
    }
    report::PinHolder h = holderOf(p);
    if (pins(h)) e.holders.push_back(std::move(h));
  }
  sortHolders(e.holders);
  e.holder_count = e.holders.size();
  if (e.holders.size() > top) e.holders.resize(top);
  return e;
}

PinSuspects pinSuspects(const BundleData& d, const std::vector<std::string>& cgroups) {
  PinSuspects s;
  std::vector<report::PinHolder> inside, outside;
  for (const ProcessData& p : d.processes) {
    s.census = s.census || p.fds.has_value();
    const bool in = cgroups.empty() ||
                    std::find(cgroups.begin(), cgroups.end(), p.cgroup_path) != cgroups.end();
    report::PinHolder h = holderOf(p);
    if (in) {
      ++s.processes_in_cgroups;
      s.pipes_in_cgroups += h.pipes;
      if (pins(h)) inside.push_back(std::move(h));
    } else if (h.ring_unmapped.value_or(ByteCount()) > ByteCount() || h.vfio > 0) {
      // Elsewhere, only what can hold pages it does not map: rings over unmapped buffers, and
      // VFIO (a guest's memory is charged where it was faulted in, not where QEMU runs now).
      outside.push_back(std::move(h));
    }
  }
  sortHolders(inside);
  sortHolders(outside);
  s.in_cgroups = inside.size();
  s.holder_count = inside.size() + outside.size();
  s.holders = std::move(inside);
  s.holders.insert(s.holders.end(), outside.begin(), outside.end());
  return s;
}

}  // namespace memsift::analysis
