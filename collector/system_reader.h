// The host-wide sources: /proc memory statistics and settings, transparent and hugetlb huge pages,
// NUMA nodes, memory blocks (so the analyzer can tell holes from memory and map PFNs to nodes),
// and the kernel log (OOM-killer reports).
#pragma once

#include <string>
#include <string_view>

#include "collector/recorder.h"
#include "collector/stop_control.h"
#include "collector/system_root.h"
#include "collector/text_reader.h"

namespace memsift::collector {

class SystemReader {
 public:
  SystemReader(const SystemRoot& root, TextReader& text, Recorder& out, StopControl& stop,
               bool redact);

  // Fixed /proc files (not meminfo and vmstat: the caller reads those right before and after
  // the page-frame tables). Includes proc/self/mountinfo, or proc/mounts where it is missing.
  void readProcFiles();
  // sys/kernel/mm/transparent_hugepage/**, sys/kernel/mm/hugepages/**,
  // sys/devices/system/node/{online,...} and node*/{meminfo,numastat,vmstat,distance,hugepages/**}.
  void readSysFiles();
  // sys/devices/system/memory/{block_size_bytes,auto_online_blocks} and memory-blocks.tsv.
  void readMemoryBlocks();
  // dev/kmsg, non-blocking, where readable.
  void readKernelLog();

  // One file beneath the root, stored under member `name` (its path unless told otherwise).
  // Records "not reached" instead when collection has been stopped.
  void file(std::string_view rel, std::string_view name = {}, const TextOptions& how = {});

 private:
  // Every readable regular file beneath `rel`, recursively (sysfs trees of small values).
  void tree(std::string& rel, int depth);
  bool stopped(std::string_view name);

  const SystemRoot& root_;
  TextReader& text_;
  Recorder& out_;
  StopControl& stop_;
  bool redact_;
};

// How a source the collection never reached is recorded: timeout (--max-seconds) or truncated.
void recordNotReached(Recorder& out, StopControl& stop, std::string_view name);

}  // namespace memsift::collector
