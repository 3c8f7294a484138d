// What a file that is not a bundle is, from its first bytes: so that `memsift report x.tar.gz`
// says "this is gzip data" rather than the zstd library's "Unknown frame descriptor".
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "common/bundle/byte_stream.h"

namespace memsift::bundle {

// "gzip-compressed data", "an uncompressed tar archive", "an empty file", ...; "" when the bytes
// look like nothing known (zstd included: then the zstd error is the better message).
std::string describeForeignFile(std::span<const std::byte> head);

// Passes a source through, keeping its first kBytes bytes for describeForeignFile().
class HeadRecorder : public ByteSource {
 public:
  static constexpr size_t kBytes = 512;  // one tar header block
  explicit HeadRecorder(ByteSource& inner) : inner_(inner) {}
  size_t read(std::span<std::byte> data) override;
  std::span<const std::byte> head() const {
    return std::as_bytes(std::span(head_.data(), head_.size()));
  }

 private:
  ByteSource& inner_;
  std::string head_;
};

}  // namespace memsift::bundle
