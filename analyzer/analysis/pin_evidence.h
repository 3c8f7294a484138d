// The pin and reference evidence of a bundle (model/pins.h), and the part of it that bears on
// memory no process maps: the suspects of an unmapped-anon or unmapped-anon-thp finding.
#pragma once

#include <string>
#include <vector>

#include "analyzer/analysis/bundle_data.h"
#include "analyzer/model/pins.h"

namespace memsift::analysis {

// Every process that pins or holds pinning descriptors; the first `top` of them (by bytes
// pinned, registered or unmapped, largest first) are listed.
report::PinEvidence buildPinEvidence(const BundleData& d, size_t top);

// Processes that could hold unmapped pages charged to `cgroups` (paths; empty: anywhere):
// io_uring buffers they no longer map, VmPin, VFIO or RDMA descriptors, and pipes (which hold
// pages spliced in with vmsplice). Those in the cgroups come first; every holder is listed.
using report::PinSuspects;
PinSuspects pinSuspects(const BundleData& d, const std::vector<std::string>& cgroups);

}  // namespace memsift::analysis
