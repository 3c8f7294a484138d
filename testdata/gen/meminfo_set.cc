// Counters replaced in a written proc/meminfo (see meminfo_set.h).
#include "testdata/gen/meminfo_set.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "testdata/gen/gen_util.h"

namespace memsift::testgen {

namespace {

struct Set {
  std::string key;
  double factor = 0;  // of MemTotal, when the value ends in "x"
  uint64_t kib = 0;
};

bool parseSet(const std::string& text, Set& out) {
  const size_t eq = text.find('=');
  if (eq == 0 || eq == std::string::npos || eq + 1 == text.size()) return false;
  out.key = text.substr(0, eq);
  std::string value = text.substr(eq + 1);
  char* end = nullptr;
  if (value.back() == 'x') {
    value.pop_back();
    out.factor = std::strtod(value.c_str(), &end);
    return end != value.c_str() && *end == '\0' && out.factor > 0;
  }
  out.kib = std::strtoull(value.c_str(), &end, 10);
  return end != value.c_str() && *end == '\0';
}

// "Inactive(file):  123 kB" -> 123; the value of `key`, whose line must be there.
uint64_t kibOf(const std::vector<std::string>& lines, const std::string& key) {
  for (const std::string& l : lines)
    if (l.starts_with(key + ":")) return std::strtoull(l.c_str() + key.size() + 1, nullptr, 10);
  throw std::runtime_error("--meminfo-set: proc/meminfo has no " + key);
}

}  // namespace

bool validMeminfoSet(const std::string& set) {
  Set s;
  return parseSet(set, s);
}

void applyMeminfoSet(const std::filesystem::path& root, const std::string& set) {
  Set s;
  if (!parseSet(set, s)) throw std::runtime_error("--meminfo-set: not KEY=VALUE: " + set);
  const std::filesystem::path path = root / "proc/meminfo";
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);)
    lines.push_back(l);
  kibOf(lines, s.key);  // throws when the key is missing
  const uint64_t kib =
      s.factor > 0 ? static_cast<uint64_t>(s.factor * static_cast<double>(kibOf(lines, "MemTotal")))
                   : s.kib;
  std::ostringstream o;
  for (const std::string& l : lines) {
    if (!l.starts_with(s.key + ":")) {
      o << l << '\n';
      continue;
    }
    // fs/proc/meminfo.c show_val_kb(): the label padded to 16 columns, the value to 8.
    std::string label = s.key + ":";
    if (label.size() < 16) label.append(16 - label.size(), ' ');
    o << label << padded(kib, 8) << " kB\n";
  }
  writeText(path, o.str());
}

}  // namespace memsift::testgen
