// memsift page-types: the kernel's tools/mm/page-types, offline, on a bundle's three tables.
#include <unistd.h>

#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/analysis/bundle_data.h"
#include "analyzer/cli/args.h"
#include "analyzer/cli/commands.h"
#include "analyzer/cli/damage_report.h"
#include "analyzer/page_types/page_types.h"
#include "common/bundle/bundle_reader.h"
#include "common/bundle/derived_tables.h"
#include "common/bundle/manifest.h"
#include "common/bundle/page_frame_stream.h"
#include "common/exit_codes.h"
#include "common/kpf.h"
#include "common/text/terminal_text.h"

namespace memsift::cli {

namespace {

// The bundle's memory cgroups (cgroups.tsv, paths unescaped: the seed's
// "/machine.slice/machine-qemu\x2d1\x2dvm.scope" is stored with its backslashes in octal) and
// where each hierarchy was mounted.
struct CgroupMap {
  std::vector<bundle::CgroupRow> cgroups;
  std::vector<parse::ParseIssue> issues;   // malformed rows: the lookup goes on without them
  int page_hierarchy = -1;                 // whose inodes kpagecgroup holds; -1 unknown
  std::map<int, std::string> mount_point;  // per hierarchy, as on the captured host
};

void readHierarchies(const bundle::Manifest& manifest, CgroupMap& map) {
  map.page_hierarchy = manifest.kpagecgroup_hierarchy.value_or(-1);
  for (const bundle::CgroupHierarchy& h : manifest.hierarchies) {
    if (!h.id) continue;  // cgroups.tsv cannot refer to it
    std::string mp = h.mount_point;
    while (mp.size() > 1 && mp.back() == '/')
      mp.pop_back();
    map.mount_point[*h.id] = mp;
  }
}

// page-types takes a directory on the live system ("/sys/fs/cgroup/memory/x"); the bundle knows
// paths inside the hierarchy ("/x"). Both are accepted, exactly: a path that names no cgroup of
// the bundle is an error, never another cgroup that happens to end the same way.
std::optional<uint64_t> resolveCgroup(const CgroupMap& map, std::string_view arg) {
  std::string path(arg);
  while (path.size() > 1 && path.back() == '/')
    path.pop_back();
  for (const bundle::CgroupRow& e : map.cgroups) {
    if (map.page_hierarchy >= 0 && e.hierarchy != map.page_hierarchy) continue;
    if (e.path == path) return e.inode;
    auto mp = map.mount_point.find(e.hierarchy);
    if (mp == map.mount_point.end() || !path.starts_with(mp->second)) continue;
    std::string_view rest = std::string_view(path).substr(mp->second.size());
    if (rest.empty() ? e.path == "/" : rest == e.path) return e.inode;
  }
  return std::nullopt;
}

// On 4.18-era kernels only a THP's head page carries its memory cgroup in kpagecgroup; the tails
// read 0 until the THP is split (kernel-facts.md), so a -c filter, like the kernel's page-types,
// counts one page of each THP. Counted here so that the user is told (page-types' own semantics
// notes are what the user knows), with what `memsift report` counts instead.
struct TailCensus {
  uint64_t inode = 0;  // the -c cgroup
  uint64_t head_cgroup = 0;
  uint64_t heads = 0, uncharged_tails = 0;

  void visit(const PageFrameChunk& c) {
    if (!c.hasCgroups()) return;
    constexpr uint64_t head = kpf::bit(kpf::kCompoundHead), tail = kpf::bit(kpf::kCompoundTail),
                       thp = kpf::bit(kpf::kThp);
    for (size_t i = 0; i < c.flags.size(); ++i) {
      const uint64_t f = c.flags[i];
      if (!(f & thp)) {
        head_cgroup = 0;
      } else if (f & head) {
        head_cgroup = c.cgroups[i];
        heads += head_cgroup == inode;
      } else if ((f & tail) && c.cgroups[i] == 0 && head_cgroup == inode) {
        ++uncharged_tails;
      }
    }
  }
};

}  // namespace

int runPageTypes(const Args& args) {
  page_types::Options options = page_types::parseOptions(args);
  page_types::FdSink out(STDOUT_FILENO);
  if (options.bundle.empty()) {
    // -d and -h need no bundle.
    return page_types::runPageTypes(options, {}, PageSize(4096), {}, out);
  }
  // The page size and the cgroup paths come from the bundle's manifest and cgroups.tsv; the
  // tables are streamed once per pass.
  PageSize page_size(4096);
  CgroupMap cgroup_map;
  {
    bundle::InputFile input(options.bundle);
    bundle::BundleReader reader(input);
    const bundle::Manifest manifest = bundle::readManifest(reader.manifest());
    page_size = manifest.page_size;
    if (options.cgroupPath) {
      readHierarchies(manifest, cgroup_map);
      // Only the cgroup map is needed: stop at the first page chunk (cgroups come before).
      std::string text;
      while (reader.next() && !reader.current().page_chunk) {
        const std::string& name = reader.current().name;
        auto table = bundle::derivedTablePart(name);
        if (!table || table->table != bundle::DerivedTable::kCgroupMap) continue;
        parse::IssueSink sink(name, cgroup_map.issues);
        if (reader.readAll(text))
          bundle::parseCgroupRows(text, table->part, cgroup_map.cgroups, sink);
      }
    }
  }
  const unsigned jobs = decodeJobs(options.jobs);
  // Damage is reported once, from the pass that read furthest (a pass may stop early).
  std::vector<bundle::Damage> damage;
  // Only the tables these options read are decompressed (the summary needs kpageflags alone).
  const bundle::PageTableNeeds needs{page_types::needsCounts(options),
                                     page_types::needsCgroups(options)};
  auto produce = [&](Pfn from, const page_types::ChunkVisitor& visit) {
    std::vector<bundle::Damage> d =
        bundle::forEachPageChunk(options.bundle, from, visit, needs, jobs);
    if (!d.empty()) damage = std::move(d);
  };
  auto resolve = [&](std::string_view path) { return resolveCgroup(cgroup_map, path); };
  // The -c cgroup's THP heads and the tails that read 0, counted on the first pass.
  std::optional<TailCensus> tails;
  bool tails_counted = false;
  auto produce_counting = [&](Pfn from, const page_types::ChunkVisitor& visit) {
    if (!tails || tails_counted) return produce(from, visit);
    produce(from, [&](const PageFrameChunk& c) {
      tails->visit(c);
      return visit(c);
    });
    tails_counted = true;
  };
  if (options.cgroupPath || options.cgroupInode != 0) {
    tails.emplace();
    tails->inode =
        options.cgroupInode != 0 ? options.cgroupInode : resolve(*options.cgroupPath).value_or(0);
  }
  int code = page_types::runPageTypes(options, produce_counting, page_size, resolve, out);
  if (tails && tails->uncharged_tails > 0) {
    std::fprintf(stderr,
                 "memsift page-types: note: on this kernel only a THP's head page carries its "
                 "memory cgroup in kpagecgroup (4.18-era semantics; tails read 0), so -c counted "
                 "%llu THP heads and left out their %llu tail pages, as the kernel's page-types "
                 "would; `memsift report` charges tails to their head's cgroup\n",
                 static_cast<unsigned long long>(tails->heads),
                 static_cast<unsigned long long>(tails->uncharged_tails));
  }
  if (damage.empty()) return code;
  // The output above counts what was intact; say what was not, as `memsift report` does.
  reportDamage("page-types", damage);
  std::fprintf(stderr,
               "memsift page-types: the bundle is damaged: the counts above leave out what was "
               "lost\n");
  return kExitPartial;
}

}  // namespace memsift::cli
