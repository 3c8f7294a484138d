// The system the collector reads: a directory standing for "/" (the live host, or a captured or
// synthetic tree given with --root). Every path is relative to it, so tests replay whole systems.
#pragma once

#include <dirent.h>
#include <sys/stat.h>

#include <string>
#include <string_view>

#include "collector/unique_fd.h"

namespace memsift::collector {

// Opens `name` beneath the directory `dirfd` for reading. Returns an invalid fd and sets `err`
// (an errno value) on failure; never throws, because a missing file is data, not a failure.
UniqueFd openAt(int dirfd, const char* name, int flags, int& err);

class SystemRoot {
 public:
  // Throws Error(kInput) if `dir` is not a readable directory.
  explicit SystemRoot(const std::string& dir);

  const std::string& dir() const { return dir_; }
  // True when reading the live host ("/"): host facts may then fall back to uname(2).
  bool isHost() const { return host_; }
  int fd() const { return fd_.get(); }

  // Opens a path relative to the root ("proc/meminfo"); see openAt().
  UniqueFd open(const std::string& rel, int flags, int& err) const;
  // Opens a directory relative to the root ("" is the root itself).
  UniqueFd openDir(const std::string& rel, int& err) const;

 private:
  std::string dir_;
  UniqueFd fd_;
  bool host_ = false;
};

// Iterates a directory's entries (without "." and ".."), from an fd it takes over. Streaming:
// memory does not grow with the number of entries (/proc may list a million PIDs).
class DirReader {
 public:
  explicit DirReader(UniqueFd fd);
  ~DirReader();
  DirReader(const DirReader&) = delete;
  DirReader& operator=(const DirReader&) = delete;

  bool valid() const { return dir_ != nullptr; }
  // Next entry, or nullptr at the end (or on a read error, which ends a listing like its end:
  // a directory removed while listed is a vanished source, noticed by the caller's next open).
  const dirent* next();
  int fd() const;
  // d_type, resolved with fstatat() when the file system leaves it DT_UNKNOWN. Never follows
  // symbolic links: the walkers must not leave the tree they were given.
  unsigned char type(const dirent* entry) const;

 private:
  DIR* dir_ = nullptr;
};

// Reads a small file (a sysfs value) beneath `dirfd` into `out`, at most `cap` bytes, without
// trailing newlines. Returns 0 or the errno of the failure.
int readSmallAt(int dirfd, const char* name, std::string& out, size_t cap = 4096);

// "123" -> true: the names of process directories under /proc.
bool isAllDigits(std::string_view name);

}  // namespace memsift::collector
