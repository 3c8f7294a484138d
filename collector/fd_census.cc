// The descriptor census: a getdents walk of /proc/PID/fd and one readlinkat(2) per entry. The
// link text is kernel-made ("anon_inode:[io_uring]", "pipe:[123]", "/dev/vfio/12"); anything else
// is counted and forgotten, so no file path of the customer's leaves the host.
#include "collector/fd_census.h"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <string_view>

#include "collector/system_root.h"
#include "common/bundle/members.h"

namespace memsift::collector {

FdCensus FdCensusReader::read(int pid_fd) {
  FdCensus c;
  int err = 0;
  UniqueFd dir_fd =
      openAt(pid_fd, std::string(bundle::members::kProcFdDir).c_str(), O_DIRECTORY, err);
  if (!dir_fd.valid()) {
    c.err = err;
    return c;
  }
  DirReader dir{std::move(dir_fd)};
  char link[256];
  while (const dirent* e = dir.next()) {
    if (!isAllDigits(e->d_name)) continue;
    if (c.fds >= kPerProcess || examined_ >= kPerHost) {
      c.note = c.fds >= kPerProcess
                   ? "capped at " + std::to_string(kPerProcess) + " descriptors"
                   : "host cap of " + std::to_string(kPerHost) + " descriptors reached";
      break;
    }
    ++c.fds;
    ++examined_;
    const ssize_t n = ::readlinkat(dir.fd(), e->d_name, link, sizeof link - 1);
    if (n <= 0) continue;  // closed meanwhile
    const std::string_view target(link, static_cast<size_t>(n));
    uint64_t fd = 0;
    std::from_chars(e->d_name, e->d_name + std::char_traits<char>::length(e->d_name), fd);
    std::vector<uint64_t>* kind = nullptr;
    if (target.starts_with("pipe:[")) {
      ++c.pipes;
    } else if (target == "anon_inode:[io_uring]") {
      kind = &c.io_uring;
    } else if (target.starts_with("/dev/vfio/")) {
      kind = &c.vfio;
    } else if (target.starts_with("/dev/infiniband/")) {
      kind = &c.rdma;
    }
    if (kind && kind->size() < kMaxListed) kind->push_back(fd);
  }
  return c;
}

}  // namespace memsift::collector
