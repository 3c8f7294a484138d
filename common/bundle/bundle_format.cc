// Member naming rules of the bundle format (see bundle_format.h and docs/bundle-format.md).
#include "common/bundle/bundle_format.h"

#include <charconv>
#include <cstdio>

namespace memsift::bundle {

std::string_view pageTableName(PageTable table) {
  switch (table) {
    case PageTable::kFlags:
      return "kpageflags";
    case PageTable::kCount:
      return "kpagecount";
    case PageTable::kCgroup:
      return "kpagecgroup";
  }
  return "?";
}

std::string pageChunkMemberName(PageTable table, Pfn start) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(start.value()));
  std::string name(kPageFramesDir);
  name += hex;
  name += '/';
  name += pageTableName(table);
  return name;
}

std::optional<PageChunkName> parsePageChunkMemberName(std::string_view name) {
  if (!name.starts_with(kPageFramesDir)) return std::nullopt;
  name.remove_prefix(kPageFramesDir.size());
  if (name.size() < 18 || name[16] != '/') return std::nullopt;
  uint64_t start = 0;
  auto [ptr, ec] = std::from_chars(name.data(), name.data() + 16, start, 16);
  if (ec != std::errc() || ptr != name.data() + 16) return std::nullopt;
  std::string_view table = name.substr(17);
  for (PageTable t : kPageTables) {
    if (table == pageTableName(t)) return PageChunkName{t, Pfn(start)};
  }
  return std::nullopt;
}

std::string textPartMemberName(std::string_view source, unsigned part) {
  std::string name(source);
  if (part > 1) name += ".part" + std::to_string(part);
  return name;
}

TextPart parseTextPartMemberName(std::string_view name) {
  constexpr std::string_view kPart = ".part";
  const size_t dot = name.rfind(kPart);
  if (dot == std::string_view::npos) return {name, 1};
  const std::string_view digits = name.substr(dot + kPart.size());
  unsigned part = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), part);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty() || part < 2)
    return {name, 1};
  return {name.substr(0, dot), part};
}

namespace {
constexpr std::string_view kStatusNames[] = {"ok",    "absent",    "denied", "vanished",
                                             "error", "truncated", "timeout"};
}

std::string_view sourceStatusName(SourceStatus status) {
  return kStatusNames[static_cast<int>(status)];
}

std::optional<SourceStatus> parseSourceStatus(std::string_view name) {
  for (size_t i = 0; i < std::size(kStatusNames); ++i) {
    if (kStatusNames[i] == name) return static_cast<SourceStatus>(i);
  }
  return std::nullopt;
}

}  // namespace memsift::bundle
