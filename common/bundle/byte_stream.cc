// Files and memory as bundle byte streams; the temporary-name-then-rename discipline lives here.
#include "common/bundle/byte_stream.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"
#include "common/text/terminal_text.h"

namespace memsift::bundle {

namespace {

// A path as it may be printed in a message (a hostile name could carry terminal escapes).
std::string printableName(const std::string& p) {
  return printable(p);
}

}  // namespace

OutputFile::OutputFile(const std::string& target) : target_(target) {
  if (target == "-") {
    in_place_ = true;
    fd_ = STDOUT_FILENO;
    return;
  }
  // The collector runs as root, often in a folder others can write to, under a predictable default
  // name: the final name is never followed through a symbolic link (one planted there would make
  // root write a bundle over a disk, or hang on a FIFO), and block devices and folders are refused.
  struct stat st;
  if (::lstat(target.c_str(), &st) == 0) {
    if (S_ISLNK(st.st_mode)) {
      throwOutput(printableName(target) +
                  " is a symbolic link: refusing to write through it (give the file it points to "
                  "directly, or another name)");
    }
    if (S_ISBLK(st.st_mode))
      throwOutput(printableName(target) + " is a block device: refusing to write a bundle over it");
    if (S_ISDIR(st.st_mode)) throwOutput(printableName(target) + " is a folder, not a file name");
    if (!S_ISREG(st.st_mode)) {
      // A character device or FIFO given directly (-o /dev/null, a pipe to another program) is
      // written in place: a temporary file beside it would land in /dev, and the rename would
      // replace the device. O_NOFOLLOW and the identity check close the window between lstat()
      // and open() in which the name could be swapped for a link.
      fd_ = ::open(target.c_str(), O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
      if (fd_ < 0) throwOutput(errnoMessage("cannot open " + printableName(target), errno));
      owns_fd_ = true;
      in_place_ = true;
      struct stat opened;
      if (::fstat(fd_, &opened) != 0 || opened.st_dev != st.st_dev || opened.st_ino != st.st_ino ||
          S_ISBLK(opened.st_mode) || S_ISREG(opened.st_mode) || S_ISDIR(opened.st_mode)) {
        throwOutput(printableName(target) + " changed while it was being opened: not written");
      }
      return;
    }
  }
  // A regular file or a new name: written beside the target and renamed over it when complete, so
  // that the final rename stays within one file system and is atomic. rename() replaces a name and
  // follows no link, and O_EXCL refuses a temporary name that already exists (even as a link).
  // Plain strings rather than std::filesystem: the static collector links this file, and
  // std::filesystem brings the C++ locale machinery with it (a fifth of the binary).
  size_t slash = target.rfind('/');
  std::string dir = slash == std::string::npos ? "." : target.substr(0, slash == 0 ? 1 : slash);
  std::string name = slash == std::string::npos ? target : target.substr(slash + 1);
  temp_ = dir + (dir.ends_with('/') ? "." : "/.") + name + ".tmp-" + std::to_string(getpid());
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd_ < 0) throwOutput(errnoMessage("cannot create " + printableName(temp_), errno));
}

OutputFile::~OutputFile() {
  abandon();
}

void OutputFile::write(std::span<const std::byte> data) {
  if (fd_ < 0) throwOutput("write to " + target_ + " after it was closed");
  const std::byte* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      throwOutput(errnoMessage("cannot write " + (target_ == "-" ? std::string("to standard output")
                                                                 : printableName(target_)),
                               errno));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
}

void OutputFile::commit() {
  if (committed_) return;
  if (in_place_) {
    committed_ = true;
    return;
  }
  // fsync before rename: a crash must not leave a complete-looking name with missing data.
  if (::fsync(fd_) != 0 && errno != EINVAL) {
    int err = errno;
    abandon();
    throwOutput(errnoMessage("cannot write " + target_, err));
  }
  if (::close(fd_) != 0) {
    int err = errno;
    fd_ = -1;
    abandon();
    throwOutput(errnoMessage("cannot write " + target_, err));
  }
  fd_ = -1;
  if (::rename(temp_.c_str(), target_.c_str()) != 0) {
    int err = errno;
    abandon();
    throwOutput(errnoMessage("cannot rename " + temp_ + " to " + target_, err));
  }
  committed_ = true;
}

void OutputFile::abandon() {
  if (committed_ || in_place_) return;
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (!temp_.empty()) {
    ::unlink(temp_.c_str());
    temp_.clear();
  }
}

InputFile::InputFile(const std::string& path) : path_(path) {
  if (path == "-") {
    fd_ = STDIN_FILENO;
    owned_ = false;
    return;
  }
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throwInput(errnoMessage("cannot open " + path, errno));
}

InputFile::~InputFile() {
  if (owned_ && fd_ >= 0) ::close(fd_);
}

size_t InputFile::read(std::span<std::byte> data) {
  for (;;) {
    ssize_t n = ::read(fd_, data.data(), data.size());
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) throwInput(errnoMessage("cannot read " + path_, errno));
  }
}

size_t MemorySource::read(std::span<std::byte> data) {
  size_t n = std::min(data.size(), bytes_.size() - pos_);
  if (n > 0) std::memcpy(data.data(), bytes_.data() + pos_, n);
  pos_ += n;
  return n;
}

}  // namespace memsift::bundle
