// The sentences under the free-memory table: whether MemFree, the zones' free lists and the page
// scan agree, and what explains it when they do not (see freeExplanation() in wording.h).
#include "analyzer/report/wording.h"

namespace memsift::report {

std::vector<std::string> freeExplanation(const FreeReconciliation& f) {
  std::vector<std::string> out;
  const uint64_t tolerance = f.tolerance.value();
  const uint64_t beyond = magnitude(f.free_beyond_zones);
  if (beyond <= tolerance) {
    out.push_back("MemFree (" + formatBytes(f.mem_free) + ") is what the zones' free lists hold (" +
                  formatBytes(f.zones_free) + ", proc/zoneinfo), within " +
                  formatBytes(f.tolerance) + ".");
  } else if (f.free_beyond_zones > 0) {
    std::string s = "MemFree (" + formatBytes(f.mem_free) +
                    ") exceeds what the zones' free lists hold (" + formatBytes(f.zones_free) +
                    ") by " + formatBytes(ByteCount(beyond)) + ".";
    if (f.total_beyond_managed > 0 && f.widest_unmanaged) {
      const ZoneFree& z = *f.widest_unmanaged;
      s += " MemTotal likewise exceeds the pages the zones manage by " +
           formatBytes(ByteCount(magnitude(f.total_beyond_managed))) +
           ": this kernel counts as total and free memory it has not yet handed to the buddy "
           "allocator (deferred struct-page initialisation: node " +
           std::to_string(z.node) + " zone " + z.zone + " has " + formatCount(z.present.value()) +
           " pages present but " + formatCount(z.managed.value()) +
           " managed). That memory is free to use, but its frames are not initialised yet: the "
           "page scan sees them without flags, not as free (buddy).";
    } else {
      s += " The difference is counted free but is on no zone's free list.";
    }
    out.push_back(std::move(s));
  } else {
    out.push_back("The zones' free lists hold " + formatBytes(ByteCount(beyond)) +
                  " more than MemFree: meminfo and zoneinfo were read at different times while "
                  "memory was being freed.");
  }
  if (f.frames_free && (!f.frames_lost || f.frames_lost->value() > 0)) {
    out.push_back("The page scan finds " + formatBytes(*f.frames_free) +
                  " of free (buddy) frames against " + formatBytes(f.zones_free) +
                  " on the zones' free lists, but it lacks " +
                  (f.frames_lost ? formatBytes(*f.frames_lost) : std::string("an unknown number")) +
                  " of frames (damage or truncation): the rest of the free memory may be there.");
  } else if (f.frames_free) {
    const uint64_t scan = f.frames_free->value(), zones = f.zones_free.value();
    const uint64_t diff = scan > zones ? scan - zones : zones - scan;
    std::string s = "The page scan finds " + formatBytes(*f.frames_free) +
                    " of free (buddy) frames against " + formatBytes(f.zones_free) +
                    " on the zones' free lists";
    s += diff <= tolerance ? " (they agree within " + formatBytes(f.tolerance) + ")."
                           : ": the scan takes seconds, and memory was allocated and freed "
                             "meanwhile (" +
                                 formatBytes(ByteCount(diff)) + " apart).";
    out.push_back(std::move(s));
  }
  if (f.frames_unflagged && f.frames_unflagged->value() > 0) {
    std::string s = "Of the " + formatBytes(*f.frames_unflagged) +
                    " of frames without flags, up to " + formatBytes(f.unmanaged) +
                    " is present memory the buddy allocator does not manage (present minus "
                    "managed over the zones: boot reservations such as the kernel image, the "
                    "memmap and crashkernel";
    s += f.total_beyond_managed > 0 ? ", and memory whose struct pages are not initialised yet)"
                                    : ")";
    s += "; the rest is kernel allocations that set no page flag.";
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace memsift::report
