// Formatting of errno-based error messages.
#include "common/error.h"

#include <cstring>

namespace memsift {

std::string errnoMessage(const std::string& what, int err) {
  return what + ": " + std::strerror(err);
}

}  // namespace memsift
