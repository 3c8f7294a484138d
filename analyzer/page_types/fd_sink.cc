// Writing page-types' output to a file descriptor.
#include <unistd.h>

#include <cerrno>

#include "analyzer/page_types/page_types.h"
#include "common/error.h"

namespace memsift::page_types {

void FdSink::write(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throwOutput(errnoMessage("page-types: writing the output", errno));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace memsift::page_types
