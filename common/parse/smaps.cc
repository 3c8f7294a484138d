// Parser for /proc/PID/smaps and /proc/PID/smaps_rollup.
#include "common/parse/smaps.h"

#include "common/parse/fields.h"
#include "common/parse/line_reader.h"

namespace memsift::parse {

namespace {

constexpr std::array<std::string_view, kSmapsFieldCount> kNames = {"Size",
                                                                   "KernelPageSize",
                                                                   "MMUPageSize",
                                                                   "Rss",
                                                                   "Pss",
                                                                   "Pss_Dirty",
                                                                   "Pss_Anon",
                                                                   "Pss_File",
                                                                   "Pss_Shmem",
                                                                   "Shared_Clean",
                                                                   "Shared_Dirty",
                                                                   "Private_Clean",
                                                                   "Private_Dirty",
                                                                   "Referenced",
                                                                   "Anonymous",
                                                                   "KSM",
                                                                   "LazyFree",
                                                                   "AnonHugePages",
                                                                   "ShmemPmdMapped",
                                                                   "FilePmdMapped",
                                                                   "Shared_Hugetlb",
                                                                   "Private_Hugetlb",
                                                                   "Swap",
                                                                   "SwapPss",
                                                                   "Locked"};

// The kernel prints fields in a fixed order, so try the one after the previous match first;
// a full scan only happens for keys out of order or unknown.
std::optional<SmapsField> lookupField(std::string_view key, size_t& guess) {
  if (guess < kSmapsFieldCount && kNames[guess] == key) return static_cast<SmapsField>(guess++);
  for (size_t i = 0; i < kSmapsFieldCount; ++i) {
    if (kNames[i] == key) {
      guess = i + 1;
      return static_cast<SmapsField>(i);
    }
  }
  return std::nullopt;
}

bool isHeaderLine(std::string_view line) {
  // A field line starts with "Key:"; a header with "start-end".
  std::string_view rest = line;
  std::string_view first = nextField(rest);
  return !first.empty() && first.back() != ':' && first.find('-') != std::string_view::npos;
}

class SmapsStreamer {
 public:
  SmapsStreamer(std::string_view text, IssueSink& issues,
                const std::function<void(const SmapsVma&)>& visit)
      : text_(text), issues_(issues), visit_(visit) {}

  SmapsTotals run() {
    LineReader lines(text_, &issues_);
    Line line;
    while (lines.next(line)) {
      if (isHeaderLine(line.text)) {
        flush(line.text.data());
        startVma(line);
      } else if (open_) {
        field(line);
      } else if (!skipping_) {
        issues_.report(line.number, line.text, "field line before the first VMA header");
      }
    }
    flush(text_.data() + text_.size());
    return totals_;
  }

 private:
  void startVma(const Line& line) {
    vma_ = SmapsVma{};
    guess_ = 0;
    if (!parseMapsLine(line.text, vma_.mapping)) {
      issues_.report(line.number, line.text,
                     "expected VMA header 'start-end perms offset major:minor inode [path]'");
      open_ = false;
      skipping_ = true;
      return;
    }
    vma_.mapping.line = line.number;
    block_begin_ = line.text.data() + line.text.size();
    open_ = true;
    skipping_ = false;
  }

  void field(const Line& line) {
    std::string_view key, value;
    if (!splitKeyColonValue(line.text, key, value)) {
      issues_.report(line.number, line.text, "expected 'Key: value kB'");
      return;
    }
    if (key == "VmFlags") {
      vma_.vm_flags = value;
      return;
    }
    if (key == "THPeligible" || key == "ProtectionKey") {
      uint64_t n = 0;
      NumStatus st = parseU64(value, n);
      if (st != NumStatus::kOk) {
        issues_.report(line.number, line.text,
                       "expected 'Key: number': " + std::string(numStatusText(st)));
        return;
      }
      (key == "THPeligible" ? vma_.thp_eligible : vma_.protection_key) = n;
      return;
    }
    ByteCount bytes;
    NumStatus st = parseKibAsBytes(value, bytes);
    if (st != NumStatus::kOk) {
      std::string msg = "expected 'Key: value kB'";
      if (st == NumStatus::kOverflow) msg += ": " + std::string(numStatusText(st));
      issues_.report(line.number, line.text, msg);
      return;
    }
    if (auto f = lookupField(key, guess_)) vma_.counters.set(*f, bytes);
  }

  // Ends the open VMA at `block_end` (the start of the next header line or the text's end).
  void flush(const char* block_end) {
    if (skipping_) {
      skipping_ = false;
      return;
    }
    if (!open_) return;
    const char* b = block_begin_;
    if (b < block_end && *b == '\r') ++b;
    if (b < block_end && *b == '\n') ++b;
    vma_.block = std::string_view(b, static_cast<size_t>(block_end - b));
    totals_.vmas++;
    totals_.counters += vma_.counters;
    visit_(vma_);
    open_ = false;
  }

  std::string_view text_;
  IssueSink& issues_;
  const std::function<void(const SmapsVma&)>& visit_;
  SmapsTotals totals_;
  SmapsVma vma_;
  const char* block_begin_ = nullptr;
  size_t guess_ = 0;
  bool open_ = false;
  bool skipping_ = false;  // after a malformed header: its field lines are dropped silently
};

}  // namespace

std::string_view smapsFieldName(SmapsField f) {
  return kNames[static_cast<size_t>(f)];
}

SmapsCounters& SmapsCounters::operator+=(const SmapsCounters& o) {
  for (size_t i = 0; i < kSmapsFieldCount; ++i) {
    auto f = static_cast<SmapsField>(i);
    if (f == SmapsField::kKernelPageSize || f == SmapsField::kMmuPageSize) continue;
    values[i] += o.values[i];
  }
  present |= o.present;
  return *this;
}

bool SmapsVma::hasVmFlag(std::string_view flag) const {
  std::string_view rest = vm_flags;
  for (std::string_view f = nextField(rest); !f.empty(); f = nextField(rest)) {
    if (f == flag) return true;
  }
  return false;
}

SmapsTotals forEachSmapsVma(std::string_view text, IssueSink& issues,
                            const std::function<void(const SmapsVma&)>& visit) {
  return SmapsStreamer(text, issues, visit).run();
}

SmapsTotals parseSmapsTotals(std::string_view text, IssueSink& issues) {
  return forEachSmapsVma(text, issues, [](const SmapsVma&) {});
}

std::optional<SmapsVma> parseSmapsRollup(std::string_view text, IssueSink& issues) {
  std::optional<SmapsVma> out;
  forEachSmapsVma(text, issues, [&](const SmapsVma& v) {
    if (!out) {
      out = v;
    } else {
      issues.report(v.mapping.line, {}, "more than one block in smaps_rollup; the first is used");
    }
  });
  return out;
}

std::optional<ByteCount> findSmapsSize(std::string_view block, std::string_view key) {
  LineReader lines(block);
  Line line;
  while (lines.next(line)) {
    std::string_view k, v;
    ByteCount b;
    if (splitKeyColonValue(line.text, k, v) && k == key && parseKibAsBytes(v, b) == NumStatus::kOk)
      return b;
  }
  return std::nullopt;
}

}  // namespace memsift::parse
