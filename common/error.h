// The one way memsift reports errors: a typed exception carrying what went wrong and where.
// Library code throws memsift::Error; each main() catches it, prints "memsift: ..." and returns
// the exit code of its kind (see exit_codes.h). A failure on one source file in the collector is
// recorded in the bundle's index instead and never reaches main().
#pragma once

#include <stdexcept>
#include <string>

namespace memsift {

enum class ErrorKind {
  kUsage,        // bad command line
  kInput,        // the input (bundle, file) is unreadable, corrupt or unsupported
  kOutput,       // writing the output failed (ENOSPC, EIO, ...)
  kInterrupted,  // SIGINT/SIGTERM
  kInternal,     // a bug
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

[[noreturn]] inline void throwInput(const std::string& message) {
  throw Error(ErrorKind::kInput, message);
}
[[noreturn]] inline void throwOutput(const std::string& message) {
  throw Error(ErrorKind::kOutput, message);
}
[[noreturn]] inline void throwUsage(const std::string& message) {
  throw Error(ErrorKind::kUsage, message);
}

// "what: strerror(err)" for errno-carrying failures.
std::string errnoMessage(const std::string& what, int err);

}  // namespace memsift
