// nice(2)-style priority via setpriority(2); the idle I/O class via ioprio_set(2), which glibc
// does not wrap (constants from include/uapi/linux/ioprio.h).
#include "collector/gentle.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "collector/text_reader.h"

namespace memsift::collector {

namespace {
constexpr int kNice = 10;
constexpr int kIoprioWhoProcess = 1;
constexpr int kIoprioClassIdle = 3;
constexpr int kIoprioClassShift = 13;
}  // namespace

nlohmann::json beGentle() {
  nlohmann::json out = nlohmann::json::object();
  errno = 0;
  int current = ::getpriority(PRIO_PROCESS, 0);
  if (current == -1 && errno != 0) current = 0;
  int wanted = std::max(current, kNice);  // never raise a priority someone already lowered
  if (::setpriority(PRIO_PROCESS, 0, wanted) == 0) {
    out["nice"] = wanted;
  } else {
    out["nice"] = current;
    out["nice_error"] = errnoDetail(errno);
  }
  long r = ::syscall(SYS_ioprio_set, kIoprioWhoProcess, 0, kIoprioClassIdle << kIoprioClassShift);
  if (r == 0) {
    out["io_priority"] = "idle";
  } else {
    out["io_priority"] = "unchanged";
    out["io_priority_error"] = errnoDetail(errno);
  }
  return out;
}

}  // namespace memsift::collector
