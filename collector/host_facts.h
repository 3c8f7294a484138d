// The facts about the host that go into manifest.json: who it is, what kernel, what page size.
// Read from files beneath the system root where they exist, so that a --root replay describes
// the replayed system, not the machine replaying it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "collector/page_size.h"
#include "collector/system_root.h"

namespace memsift::collector {

struct HostFacts {
  std::string hostname;          // proc/sys/kernel/hostname
  std::string kernel_release;    // proc/sys/kernel/osrelease
  std::string kernel_version;    // proc/version (the whole line)
  std::string arch;              // proc/sys/kernel/arch (5.x+) or uname(2) on the host
  uint64_t page_size = 0;        // see page_size.h
  std::string page_size_source;  // how page_size is known
  std::string byte_order;        // "little" or "big": the page tables are native-endian u64
  // Where byte_order comes from: "this machine" (the live host), "--byte-order",
  // "proc/sys/kernel/arch" (inferred from the tree's architecture), or "assumed: this machine's"
  // (a tree without a known architecture and no --byte-order).
  std::string byte_order_source;
  std::optional<double> uptime_seconds;  // proc/uptime, first field
  int64_t start_time = 0;                // seconds since the epoch, UTC
};

// `byte_order`: --byte-order ("big", "little" or empty).
HostFacts readHostFacts(const SystemRoot& root, const PageSizeFact& page_size,
                        const std::string& byte_order = {});

// The byte order of an architecture as the kernel's arch sysctl and uname -m name it ("s390x" ->
// "big"), or "" when the name does not say (mips and others come in both orders, unknown names).
std::string byteOrderOfArch(std::string_view arch);

// "2025-11-25T14:50:00Z" and the compact "20251125T145000Z" used in default file names.
std::string isoTimeUtc(int64_t epoch_seconds);
std::string compactTimeUtc(int64_t epoch_seconds);

// Reads a small file beneath the root (at most 64 KiB), without its trailing newline.
std::optional<std::string> readSmallFile(const SystemRoot& root, std::string_view rel);

// A string safe to put into JSON: nlohmann::json refuses invalid UTF-8 when dumping, and a host
// name or kernel string is not guaranteed to be UTF-8. Invalid bytes become U+FFFD.
std::string validUtf8(std::string_view s);

}  // namespace memsift::collector
