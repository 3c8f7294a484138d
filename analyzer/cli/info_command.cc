// memsift info: what a bundle holds: host facts, collection status, and what is missing and why.
#include <cstdio>
#include <map>

#include "analyzer/cli/args.h"
#include "analyzer/cli/commands.h"
#include "analyzer/report/wording.h"
#include "common/bundle/bundle_reader.h"
#include "common/exit_codes.h"
#include "common/json/json_field.h"
#include "common/text/terminal_text.h"

namespace memsift::cli {
namespace {

// A value from the bundle, safe to print (see printable()).
std::string scalar(const nlohmann::json& v) {
  return printable(v.is_string()
                       ? v.get<std::string>()
                       : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

// Prints an object's scalar fields as "  key: value", nested objects flattened with dots.
void printFields(const nlohmann::json& object, const std::string& prefix = "") {
  for (const auto& [key, value] : object.items()) {
    if (value.is_object()) {
      printFields(value, prefix + key + ".");
    } else {
      std::printf("  %-24s %s\n", printable(prefix + key).c_str(), scalar(value).c_str());
    }
  }
}

}  // namespace

int runInfo(const Args& args) {
  po::options_description options("info options");
  options.add_options()("bundle", po::value<std::string>(), "the bundle (- for stdin)");
  po::variables_map vm;
  if (!parseArgs(args, options, {"bundle"}, "memsift info BUNDLE", vm)) return kExitOk;

  bundle::InputFile input(vm["bundle"].as<std::string>());
  bundle::BundleReader reader(input);
  const nlohmann::json& manifest = reader.manifest();

  uint64_t members = 1, bytes = reader.manifestBytes();
  std::map<std::string, uint64_t> table_frames;
  while (reader.next()) {
    const bundle::MemberInfo& m = reader.current();
    ++members;
    bytes += m.size;
    if (m.page_chunk)
      table_frames[std::string(bundle::pageTableName(m.page_chunk->table))] += m.size / 8;
  }

  std::printf("bundle %s: format %d.%d\n", printable(vm["bundle"].as<std::string>()).c_str(),
              reader.formatMajor(), reader.formatMinor());
  if (manifest.contains("tool")) printFields(jsonField(manifest, "tool"), "tool.");
  if (manifest.contains("host")) {
    std::printf("host:\n");
    printFields(jsonField(manifest, "host"));
  }
  if (manifest.contains("options")) {
    std::printf("options:\n");
    printFields(jsonField(manifest, "options"));
  }
  std::printf("contents:\n  %-24s %llu\n  %-24s %llu\n", "members",
              static_cast<unsigned long long>(members), "bytes (uncompressed)",
              static_cast<unsigned long long>(bytes));
  for (const char* t : {"kpageflags", "kpagecount", "kpagecgroup"}) {
    auto it = table_frames.find(t);
    std::printf("  %-24s %s\n", (std::string(t) + " frames").c_str(),
                it == table_frames.end() ? "not captured" : std::to_string(it->second).c_str());
  }

  const nlohmann::json& index = reader.index();
  bool collection_complete = jsonField(index, "complete") == true;
  std::printf("collection: %s\n", index.is_null()       ? "unknown (no index.json)"
                                  : collection_complete ? "complete"
                                                        : "incomplete");
  if (index.is_object() && jsonField(index, "sources").is_array() &&
      !jsonField(index, "sources").empty()) {
    std::printf("not captured whole:\n");
    uint64_t without_address_space = 0;
    for (const nlohmann::json& s : jsonField(index, "sources")) {
      auto text = [&](const char* key, const char* absent) {
        const nlohmann::json& v = jsonField(s, key);
        return v.is_null() ? std::string(absent) : scalar(v);
      };
      // Kernel threads have no smaps_rollup to capture: one line for all of them.
      if (report::isNoAddressSpace({text("path", ""), text("status", ""), text("detail", "")})) {
        ++without_address_space;
        continue;
      }
      std::printf("  %-40s %-10s %s\n", text("path", "?").c_str(), text("status", "?").c_str(),
                  text("detail", "").c_str());
    }
    if (without_address_space > 0)
      std::printf("  %s\n", report::noAddressSpaceSentence(without_address_space).c_str());
  }
  // Part of the listing (stdout), as "damage:" and "problem:" lines, not a message on stderr.
  if (reader.damage()) std::printf("damage: %s\n", printable(reader.damage()->text).c_str());
  for (const bundle::Damage& p : reader.problems())
    std::printf("problem: %s\n", printable(p.text).c_str());
  bool intact = !reader.damage() && reader.problems().empty();
  return intact && collection_complete ? kExitOk : kExitPartial;
}

}  // namespace memsift::cli
