// Files and memory as bundle byte streams; the temporary-name-then-rename discipline lives here.
#include "common/bundle/byte_stream.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace memsift::bundle {

namespace fs = std::filesystem;

OutputFile::OutputFile(const fs::path& target) : target_(target) {
  if (target == "-") {
    to_stdout_ = true;
    fd_ = STDOUT_FILENO;
    return;
  }
  // A device or pipe (/dev/null, a FIFO) is written in place: a temporary file beside it would
  // land in /dev, and the rename would replace the device.
  struct stat st;
  if (::stat(target.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    to_stdout_ = true;  // same discipline as stdout: no temporary, nothing to rename
    fd_ = ::open(target.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd_ < 0) throwOutput(errnoMessage("cannot open " + target.string(), errno));
    owns_fd_ = true;
    return;
  }
  // Beside the target, so that the final rename stays within one file system and is atomic.
  fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  temp_ = dir / std::string(".").append(target.filename().string()).append(".tmp-").append(std::to_string(getpid()));
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd_ < 0) throwOutput(errnoMessage("cannot create " + temp_.string(), errno));
}

OutputFile::~OutputFile() {
  abandon();
}

void OutputFile::write(std::span<const std::byte> data) {
  if (fd_ < 0) throwOutput("write to " + target_.string() + " after it was closed");
  const std::byte* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      throwOutput(errnoMessage(
          "cannot write " + (target_ == "-" ? "to standard output" : target_.string()), errno));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
}

void OutputFile::commit() {
  if (committed_) return;
  if (to_stdout_) {
    committed_ = true;
    return;
  }
  // fsync before rename: a crash must not leave a complete-looking name with missing data.
  if (::fsync(fd_) != 0 && errno != EINVAL) {
    int err = errno;
    abandon();
    throwOutput(errnoMessage("cannot write " + target_.string(), err));
  }
  if (::close(fd_) != 0) {
    int err = errno;
    fd_ = -1;
    abandon();
    throwOutput(errnoMessage("cannot write " + target_.string(), err));
  }
  fd_ = -1;
  if (::rename(temp_.c_str(), target_.c_str()) != 0) {
    int err = errno;
    abandon();
    throwOutput(errnoMessage("cannot rename " + temp_.string() + " to " + target_.string(), err));
  }
  committed_ = true;
}

void OutputFile::abandon() {
  if (committed_ || to_stdout_) return;
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (!temp_.empty()) {
    ::unlink(temp_.c_str());
    temp_.clear();
  }
}

InputFile::InputFile(const fs::path& path) : path_(path) {
  if (path == "-") {
    fd_ = STDIN_FILENO;
    owned_ = false;
    return;
  }
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throwInput(errnoMessage("cannot open " + path.string(), errno));
}

InputFile::~InputFile() {
  if (owned_ && fd_ >= 0) ::close(fd_);
}

size_t InputFile::read(std::span<std::byte> data) {
  for (;;) {
    ssize_t n = ::read(fd_, data.data(), data.size());
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) throwInput(errnoMessage("cannot read " + path_.string(), errno));
  }
}

size_t MemorySource::read(std::span<std::byte> data) {
  size_t n = std::min(data.size(), bytes_.size() - pos_);
  if (n > 0) std::memcpy(data.data(), bytes_.data() + pos_, n);
  pos_ += n;
  return n;
}

}  // namespace memsift::bundle
