// Being gentle on a sick host: nice 10 and the idle I/O class, so that the collector yields the
// CPU and the disk to the workload (--no-nice skips both).
#pragma once

#include <nlohmann/json.hpp>

namespace memsift::collector {

// Lowers this process's CPU and I/O priority. Never fails: what could not be done is described
// in the returned object ({"nice": 10, "io_priority": "idle"}), which goes into the manifest.
nlohmann::json beGentle();

}  // namespace memsift::collector
