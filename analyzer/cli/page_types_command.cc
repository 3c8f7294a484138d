// memsift page-types: the kernel's tools/mm/page-types, offline, on a bundle's three tables.
#include <unistd.h>

#include <charconv>
#include <cstdio>

#include "analyzer/analysis/bundle_data.h"
#include "analyzer/analysis/page_chunk_assembler.h"
#include "analyzer/cli/commands.h"
#include "analyzer/page_types/page_types.h"
#include "common/bundle/bundle_reader.h"
#include "common/exit_codes.h"
#include "common/json/json_field.h"
#include "common/text/terminal_text.h"

namespace memsift::cli {

int runPageTypes(const Args& args) {
  page_types::Options options = page_types::parseOptions(args);
  page_types::FdSink out(STDOUT_FILENO);
  if (options.bundle.empty()) {
    // -d and -h need no bundle.
    return page_types::runPageTypes(options, {}, PageSize(4096), {}, out);
  }
  // The page size and the cgroup paths come from the bundle's manifest and cgroups.tsv; the
  // tables are streamed once per pass.
  uint64_t page_size = 4096;
  std::map<std::string, uint64_t> cgroup_inodes;
  {
    bundle::InputFile input(options.bundle);
    bundle::BundleReader reader(input);
    const nlohmann::json& host = jsonField(reader.manifest(), "host");
    if (host.is_object() && jsonField(host, "page_size").is_number_unsigned()) {
      page_size = jsonField(host, "page_size").get<uint64_t>();
    }
    if (options.cgroupPath) {
      // Only the cgroup map is needed: stop at the first page chunk (cgroups come before).
      std::string text;
      while (reader.next() && !reader.current().page_chunk) {
        if (reader.current().name != "cgroups.tsv" || !reader.readAll(text)) continue;
        size_t pos = text.find('\n');  // header
        while (pos != std::string::npos && pos + 1 < text.size()) {
          size_t end = text.find('\n', pos + 1);
          std::string line = text.substr(pos + 1, end == std::string::npos ? end : end - pos - 1);
          size_t t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
          uint64_t inode = 0;
          if (t1 != std::string::npos && t2 != std::string::npos &&
              std::from_chars(line.data() + t1 + 1, line.data() + t2, inode).ec == std::errc()) {
            cgroup_inodes[line.substr(t2 + 1)] = inode;
          }
          pos = end;
        }
      }
    }
  }
  // Damage is reported once, from the pass that read furthest (a pass may stop early).
  std::vector<std::string> damage;
  // Only the tables these options read are decompressed (the summary needs kpageflags alone).
  const analysis::PageTableNeeds needs{page_types::needsCounts(options),
                                       page_types::needsCgroups(options)};
  auto produce = [&](Pfn from, const page_types::ChunkVisitor& visit) {
    std::vector<std::string> d = analysis::forEachPageChunk(options.bundle, from, visit, needs);
    if (!d.empty()) damage = std::move(d);
  };
  auto resolve = [&](std::string_view path) -> std::optional<uint64_t> {
    // page-types takes a path on the live system ("/sys/fs/cgroup/memory/x"); the bundle knows
    // paths inside the hierarchy ("/x"). Accept both: the longest path the argument ends with.
    std::optional<uint64_t> best;
    size_t best_len = 0;
    for (const auto& [cg, inode] : cgroup_inodes) {
      if (cg == "/" ? path == "/" : path.ends_with(cg) && cg.size() > best_len) {
        best = inode;
        best_len = cg.size();
      }
    }
    if (!best && path.starts_with("/sys/fs/cgroup")) {
      auto root = cgroup_inodes.find("/");  // a mount point: the hierarchy's root
      if (root != cgroup_inodes.end()) best = root->second;
    }
    return best;
  };
  int code = page_types::runPageTypes(options, produce, PageSize(page_size), resolve, out);
  if (damage.empty()) return code;
  // The output above counts what was intact; say what was not, as `memsift report` does.
  for (const std::string& d : damage)
    std::fprintf(stderr, "memsift page-types: %s\n", printable(d).c_str());
  std::fprintf(stderr,
               "memsift page-types: the bundle is damaged: the counts above leave out what was "
               "lost\n");
  return kExitPartial;
}

}  // namespace memsift::cli
