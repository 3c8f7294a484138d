// Where bundle bytes go to and come from: files (written under a temporary name and renamed only
// when complete), standard output/input, and memory (tests).
#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace memsift::bundle {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  // Writes everything or throws Error(kOutput).
  virtual void write(std::span<const std::byte> data) = 0;
};

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to data.size() bytes; returns 0 only at the end. Throws Error(kInput) on I/O errors.
  virtual size_t read(std::span<std::byte> data) = 0;
};

// Writes to "DIR/.NAME.tmp-PID" beside the target and renames it to the target in commit().
// Destroyed without commit(), or if commit() fails, it removes the temporary file: a half-written
// bundle never appears under the final name. "-" writes to standard output instead, and a
// character device or FIFO named directly is written in place. A symbolic link, a block device or
// a folder at the target is refused (Error kOutput): the collector runs as root.
class OutputFile : public ByteSink {
 public:
  explicit OutputFile(const std::string& target);
  ~OutputFile() override;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void write(std::span<const std::byte> data) override;
  // Flushes, fsyncs and renames into place (for "-": flushes).
  void commit();
  // Removes the temporary file now (idempotent); used on errors and signals.
  void abandon();
  const std::string& target() const { return target_; }
  const std::string& temporaryPath() const { return temp_; }

 private:
  std::string target_;
  std::string temp_;
  int fd_ = -1;
  bool in_place_ = false;  // stdout, a character device or a FIFO: written in place
  bool owns_fd_ = false;   // a device opened here (closed on destruction)
  bool committed_ = false;
};

// Reads a file, or standard input for "-". Throws Error(kInput) if it cannot be opened.
class InputFile : public ByteSource {
 public:
  explicit InputFile(const std::string& path);
  ~InputFile() override;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  size_t read(std::span<std::byte> data) override;

 private:
  std::string path_;
  int fd_ = -1;
  bool owned_ = true;
};

class MemorySink : public ByteSink {
 public:
  void write(std::span<const std::byte> data) override {
    bytes.append(reinterpret_cast<const char*>(data.data()), data.size());
  }
  std::string bytes;
};

class MemorySource : public ByteSource {
 public:
  explicit MemorySource(std::string_view bytes) : bytes_(bytes) {}
  size_t read(std::span<std::byte> data) override;

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

}  // namespace memsift::bundle
