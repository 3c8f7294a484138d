// The system root: openat(2) beneath one directory fd, and streaming directory listings.
#include "collector/system_root.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "common/error.h"

namespace memsift::collector {

UniqueFd openAt(int dirfd, const char* name, int flags, int& err) {
  int fd;
  do {
    fd = ::openat(dirfd, name, flags | O_RDONLY | O_CLOEXEC | O_NOCTTY);
  } while (fd < 0 && errno == EINTR);
  err = fd < 0 ? errno : 0;
  return UniqueFd(fd);
}

SystemRoot::SystemRoot(const std::string& dir) : dir_(dir) {
  int err = 0;
  fd_ = openAt(AT_FDCWD, dir.c_str(), O_DIRECTORY, err);
  if (!fd_.valid()) throwInput(errnoMessage("cannot open the system root " + dir, err));
  struct stat mine {
  }, slash{};
  host_ = ::fstat(fd_.get(), &mine) == 0 && ::stat("/", &slash) == 0 &&
          mine.st_dev == slash.st_dev && mine.st_ino == slash.st_ino;
}

UniqueFd SystemRoot::open(const std::string& rel, int flags, int& err) const {
  return openAt(fd_.get(), rel.empty() ? "." : rel.c_str(), flags, err);
}

UniqueFd SystemRoot::openDir(const std::string& rel, int& err) const {
  return open(rel, O_DIRECTORY, err);
}

DirReader::DirReader(UniqueFd fd) {
  if (!fd.valid()) return;
  dir_ = ::fdopendir(fd.get());
  if (dir_ != nullptr) fd.release();  // closedir() closes it now
}

DirReader::~DirReader() {
  if (dir_ != nullptr) ::closedir(dir_);
}

const dirent* DirReader::next() {
  if (dir_ == nullptr) return nullptr;
  for (;;) {
    const dirent* e = ::readdir(dir_);
    if (e == nullptr) return nullptr;
    std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    return e;
  }
}

int DirReader::fd() const {
  return dir_ != nullptr ? ::dirfd(dir_) : -1;
}

unsigned char DirReader::type(const dirent* entry) const {
  if (entry->d_type != DT_UNKNOWN) return entry->d_type;
  struct stat st;
  if (::fstatat(fd(), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) return DT_UNKNOWN;
  if (S_ISREG(st.st_mode)) return DT_REG;
  if (S_ISDIR(st.st_mode)) return DT_DIR;
  if (S_ISLNK(st.st_mode)) return DT_LNK;
  if (S_ISFIFO(st.st_mode)) return DT_FIFO;
  if (S_ISCHR(st.st_mode)) return DT_CHR;
  return DT_UNKNOWN;
}

int readSmallAt(int dirfd, const char* name, std::string& out, size_t cap) {
  out.clear();
  int err = 0;
  UniqueFd fd = openAt(dirfd, name, 0, err);
  if (!fd.valid()) return err;
  char buf[512];
  while (out.size() < cap) {
    ssize_t n = ::read(fd.get(), buf, std::min(sizeof buf, cap - out.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\0'))
    out.pop_back();
  return 0;
}

bool isAllDigits(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace memsift::collector
