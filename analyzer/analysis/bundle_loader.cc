// One streaming pass over a bundle: routes each member to what the analysis keeps of it, and
// feeds the page-frame chunks to the frame scanner as they arrive (three chunks of one range at a
// time: the tables are never held whole).
#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <functional>

#include "analyzer/analysis/bundle_data.h"
#include "analyzer/analysis/cgroup_counters.h"
#include "analyzer/analysis/process_members.h"
#include "analyzer/analysis/series_loader.h"
#include "analyzer/frames/frame_scanner.h"
#include "common/bundle/bundle_reader.h"
#include "common/bundle/derived_tables.h"
#include "common/bundle/manifest.h"
#include "common/bundle/members.h"
#include "common/bundle/page_frame_stream.h"
#include "common/bundle/text_caps.h"
#include "common/error.h"
#include "common/json/json_field.h"
#include "common/parse/fields.h"
#include "common/parse/mountinfo.h"

namespace memsift::analysis {

namespace {

using bundle::PageTable;

namespace members = bundle::members;

// System files the analysis reads, kept whole.
bool isKeptSystemText(std::string_view name) {
  static constexpr std::string_view kExact[] = {
      members::kMeminfoPair.before, members::kMeminfoPair.after, members::kVmstatPair.before,
      members::kVmstatPair.after,   members::kZoneinfo,          members::kSlabinfo,
      members::kBuddyinfo,          members::kVmallocinfo,       members::kSwaps,
      members::kKernelLog,          members::kNrHugepages,       members::kBlockSizeBytes,
      members::kThpEnabled,         members::kThpDefrag,         members::kBootId};
  for (std::string_view e : kExact) {
    if (name == e) return true;
  }
  if (name.starts_with(members::kThpDir) && name.substr(members::kThpDir.size()).starts_with("/")) {
    // The PMD size; mTHPs per size.
    const std::string_view file = name.substr(name.rfind('/') + 1);
    return file == members::kThpPmdSizeFile ||
           (name.ends_with(members::kThpAnonCountFile) &&
            name[name.size() - members::kThpAnonCountFile.size() - 1] == '/');
  }
  return members::isNodeMeminfo(name);
}

// A number alone in a file ("42\n"), as parse::parseU64 takes it.
bool parseNumber(std::string_view text, uint64_t& out, int base = 10) {
  return parse::parseU64(parse::oneLineValue(text), out, base) == parse::NumStatus::kOk;
}

class Loader {
 public:
  explicit Loader(BundleData& d) : d_(d), processes_(d.processes, d.issues) {}

  void run(bundle::BundleReader& reader) {
    d_.manifest = reader.manifest();
    const bundle::Manifest manifest = bundle::readManifest(d_.manifest);
    d_.page_size = manifest.page_size.bytes();
    d_.byte_swap = manifest.tablesNeedByteSwap();
    d_.page_cgroup_hierarchy = manifest.kpagecgroup_hierarchy.value_or(-1);
    if (manifest.pid) d_.collector_pid = static_cast<int>(*manifest.pid);
    for (const bundle::CgroupHierarchy& h : manifest.hierarchies) {
      hierarchies_.push_back({h.id.value_or(0), h.version, h.memberPrefix()});
      hierarchy_dirs_.push_back(h.memberPrefix());
    }
    series_.emplace(manifest, d_.damage);

    bundle::PageFrameStream frames(d_.byte_swap, [this](const PageFrameChunk& chunk) {
      scanChunk(chunk);
      return true;
    });
    std::string buf;
    while (reader.next()) {
      const bundle::MemberInfo& m = reader.current();
      const bool frame_member = frames.offer(reader);
      for (const bundle::Damage& damage : frames.takeDamage())
        d_.damage.push_back(damage);
      if (frame_member || !wanted(m.name)) continue;
      const auto series_member = members::parseSeriesMember(m.name);
      if (!series_member && streamed(reader, m.name, buf)) continue;
      // What each kind of member may hold (bundle::keptTextCap): a zstd bomb of a 4 GiB
      // "meminfo" is cut at 64 KiB, and the cut is damage the report names.
      bundle::TextCap cap = bundle::keptTextCap(m.name);
      bool cut = false;
      // A damaged member is left out; next() goes on after the damage where it can.
      if (!reader.readAll(buf, cap.bytes, &cut)) continue;
      if (cut && cap.cut_is_damage) noteCut(m, cap);
      if (series_member) {
        // Read and dropped but for meminfo's text, which counts like any text kept.
        if (SeriesLoader::keepsText(*series_member) && !keep(m.name, buf.size())) continue;
        series_->member(*series_member, buf);
        continue;
      }
      if (!keep(m.name, buf.size())) continue;
      if (auto table = bundle::derivedTablePart(m.name)) {
        derivedTable(m.name, *table, buf);
        continue;
      }
      member(m.name, buf);
      limitIssues();
    }
    frames.finish();
    processes_.flushSmaps();
    limitIssues();
    if (issues_dropped_ > 0) {
      d_.damage.push_back({"", 0, bundle::DamageKind::kMalformed,
                           std::to_string(issues_dropped_) + " more malformed lines (past " +
                               std::to_string(kMaxIssues) + ") not listed"});
    }
    if (scanner_) d_.census = scanner_->finish();
    if (d_.census && (d_.byte_order_suspect = frames::byteOrderSuspect(*d_.census))) {
      d_.census.reset();  // frame-based conclusions stand down (analyze.cc says why)
    }
    if (reader.damage()) d_.damage.push_back(*reader.damage());
    for (const bundle::Damage& p : reader.problems())
      d_.damage.push_back(p);
    d_.index = reader.index();
    d_.bundle_complete = reader.complete();
    d_.resumes = reader.resumes();
    d_.collection_complete = jsonField(d_.index, "complete") == true;
    const nlohmann::json& rss = jsonField(jsonField(d_.index, "collection"), "own_peak_rss_bytes");
    if (rss.is_number_unsigned()) d_.collector_rss = ByteCount(rss.get<uint64_t>());
    finishCgroups();
    processes_.finish();
    series_->finish(d_);
  }

 private:
  struct Hierarchy {
    int id = 0;
    int version = 1;
    std::string prefix;  // member prefix of its mount point: "sys/fs/cgroup/memory"
  };

  // Text kept over the whole bundle (system files, command lines): a bundle of a million
  // members each within its cap must not add up to gigabytes either.
  static constexpr uint64_t kMaxKeptTextBytes = 96ull << 20;
  // Malformed lines listed over the whole bundle (each member's parse lists at most 100).
  static constexpr size_t kMaxIssues = 2000;

  bool keep(const std::string& name, uint64_t bytes) {
    if (kept_bytes_ + bytes <= kMaxKeptTextBytes) {
      kept_bytes_ += bytes;
      return true;
    }
    if (!kept_full_) {
      d_.damage.push_back({name, 0, bundle::DamageKind::kRefused,
                           "more than " + std::to_string(kMaxKeptTextBytes >> 20) +
                               " MiB of text members to keep: " + name +
                               " and the text members after it are left out"});
    }
    kept_full_ = true;
    return false;
  }

  void noteCut(const bundle::MemberInfo& m, const bundle::TextCap& cap) {
    // Refused past the cap: what the member holds beyond offset cap.bytes is not read.
    d_.damage.push_back({m.name, cap.bytes, bundle::DamageKind::kRefused,
                         "member " + m.name + " has " + std::to_string(m.size) +
                             " bytes, more than a " + std::string(cap.kind) + " can hold (" +
                             std::to_string(cap.bytes) + "): only its first " +
                             std::to_string(cap.bytes) + " bytes are read"});
  }

  void limitIssues() {
    if (d_.issues.size() <= kMaxIssues) return;
    issues_dropped_ += d_.issues.size() - kMaxIssues;
    d_.issues.resize(kMaxIssues);
  }

  // Members read as they stream by instead of whole: smaps (summed a block of VMAs at a time,
  // across its .partN members) and cgroup.procs (only its lines are counted). True if handled.
  bool streamed(bundle::BundleReader& reader, const std::string& name, std::string& buf) {
    if (auto p = members::parseProcessMember(name); p && p->file == members::kProcSmaps) {
      if (!processes_.smapsStarts(*p)) return true;  // a continuation without its start
      bool cut = false;
      bool intact = reader.readAll(buf, bundle::kMaxTextMemberBytes, &cut);
      if (!intact) buf.clear();
      if (cut) noteCut(reader.current(), bundle::keptTextCap(name));
      processes_.smapsPart(buf, /*drop_carry=*/!intact && reader.memberCorrupt());
      limitIssues();
      return true;
    }
    if (auto c = cgroupFile(name); c && c->file == members::kCgroupProcs) {
      uint64_t lines = 0;
      std::array<std::byte, 64 * 1024> block;
      for (size_t n; (n = reader.read(block)) > 0;)
        lines +=
            static_cast<uint64_t>(std::count(block.begin(), block.begin() + n, std::byte{'\n'}));
      if (reader.memberCorrupt()) return true;
      CgroupData& cg = cgroupDir(*c);
      cg.tasks = lines;
      return true;
    }
    return false;
  }

  bool wanted(std::string_view name) const {
    if (auto s = members::parseSeriesMember(name)) return series_->wanted(*s);
    if (isKeptSystemText(name) || bundle::derivedTablePart(name)) return true;
    if (auto p = members::parseProcessMember(name)) return processes_.wanted(*p);
    return cgroupFile(name).has_value();
  }

  struct CgroupFile {
    const Hierarchy* hierarchy;
    std::string_view dir;  // member directory
    std::string_view file;
  };
  // A cgroup file the analysis reads: its statistics, usage and limit (either version's names),
  // and its tasks.
  static bool analysedCgroupFile(std::string_view file) {
    using members::kCgroupV1Counters, members::kCgroupV2Counters;
    for (std::string_view f :
         {members::kMemoryStat, kCgroupV1Counters.usage, kCgroupV2Counters.usage,
          kCgroupV1Counters.limit, kCgroupV2Counters.limit, members::kCgroupProcs}) {
      if (file == f) return true;
    }
    return false;
  }
  std::optional<CgroupFile> cgroupFile(std::string_view name) const {
    auto m = members::parseCgroupMember(name, hierarchy_dirs_);
    if (!m || !analysedCgroupFile(m->file)) return std::nullopt;
    return CgroupFile{&hierarchies_[m->hierarchy], m->dir, m->file};
  }

  void member(const std::string& name, const std::string& text) {
    if (auto p = members::parseProcessMember(name)) {
      processes_.member(*p, text);
      return;
    }
    processes_.flushSmaps();
    if (auto c = cgroupFile(name)) {
      cgroupMember(*c, text);
      return;
    }
    auto kept = std::make_unique<TextMember>(TextMember{name, text});
    const std::string& t = kept->text;
    parse::IssueSink sink(name, d_.issues);
    if (name == members::kMeminfoPair.before) d_.meminfo = parse::parseMeminfo(t, sink);
    if (name == members::kMeminfoPair.after) d_.meminfo_after = parse::parseMeminfo(t, sink);
    if (name == members::kVmstatPair.before) d_.vmstat = parse::parseVmstat(t, sink);
    if (name == members::kVmstatPair.after) d_.vmstat_after = parse::parseVmstat(t, sink);
    if (name == members::kZoneinfo) d_.zoneinfo = parse::parseZoneinfo(t, sink);
    if (name == members::kSlabinfo) d_.slabinfo = parse::parseSlabinfo(t, sink);
    d_.texts[name] = std::move(kept);
  }

  // --- cgroups -------------------------------------------------------------------------------

  CgroupData& cgroupDir(const CgroupFile& f) {
    CgroupData& c = cgroup_dirs_[std::string(f.dir)];
    c.hierarchy = f.hierarchy->id;
    c.version = f.hierarchy->version;
    c.member = std::string(f.dir);
    return c;
  }

  void cgroupMember(const CgroupFile& f, const std::string& text) {
    CgroupData& c = cgroupDir(f);
    std::string member = std::string(f.dir) + "/" + std::string(f.file);
    if (f.file == members::kMemoryStat) {
      parse::IssueSink sink(member, d_.issues);
      const CgroupStatFigures s = cgroupStatFigures(text, sink);
      c.stat_anon = s.anon;
      c.stat_file = s.file;
      c.stat_shmem = s.shmem;
      c.stat_unevictable = s.unevictable;
    } else if (f.file == members::kCgroupV1Counters.usage ||
               f.file == members::kCgroupV2Counters.usage) {
      if (auto usage = cgroupUsage(text)) c.usage = usage;
    } else if (f.file == members::kCgroupV1Counters.limit ||
               f.file == members::kCgroupV2Counters.limit) {
      uint64_t v;
      // v1 "unlimited" is PAGE_COUNTER_MAX pages in bytes (~2^63); v2 writes "max".
      if (parseNumber(text, v) && v < (uint64_t{1} << 62)) c.limit = ByteCount(v);
    }
  }

  void finishCgroups() {
    for (bundle::CgroupRow& row : cgroup_rows_) {
      const Hierarchy* h = nullptr;
      for (const Hierarchy& x : hierarchies_) {
        if (x.id == row.hierarchy) h = &x;
      }
      std::string dir = h ? members::cgroupMemberDir(h->prefix, row.path) : "";
      CgroupData c;
      if (auto it = cgroup_dirs_.find(dir); h && it != cgroup_dirs_.end()) c = it->second;
      c.hierarchy = row.hierarchy;
      c.version = h ? h->version : 1;
      c.inode = row.inode;
      c.path = std::move(row.path);
      c.member = dir;
      d_.cgroups.push_back(std::move(c));
    }
    cgroup_rows_.clear();
    for (size_t i = 0; i < d_.cgroups.size(); ++i) {
      const CgroupData& c = d_.cgroups[i];
      // Inode 0: unknown (a copied tree's directory its --cgroup-inodes file did not list); 0 in
      // kpagecgroup means "not charged", which must not land on that cgroup.
      if (c.inode != 0 &&
          (d_.page_cgroup_hierarchy < 0 || c.hierarchy == d_.page_cgroup_hierarchy)) {
        d_.inode_index.emplace(c.inode, i);
      }
    }
  }

  // --- page frames ---------------------------------------------------------------------------

  // The rows of cgroups.tsv and memory-blocks.tsv, part by part (other members come between).
  void derivedTable(const std::string& name, const bundle::TablePart& table,
                    const std::string& text) {
    processes_.flushSmaps();
    parse::IssueSink sink(name, d_.issues);
    if (table.table == bundle::DerivedTable::kCgroupMap) {
      bundle::parseCgroupRows(text, table.part, cgroup_rows_, sink);
    } else if (table.table == bundle::DerivedTable::kMemoryBlocks) {
      bundle::parseMemoryBlockRows(text, table.part, block_rows_, sink);
    } else {
      std::vector<bundle::ProcessFdRow> rows;
      bundle::parseProcessFdRows(text, table.part, rows, sink);
      for (bundle::ProcessFdRow& row : rows)
        processes_.descriptors(std::move(row));
    }
  }

  // Built when the first page chunk arrives: memory-blocks.tsv, else zoneinfo, come before.
  void buildLayout() {
    layout_built_ = true;
    const std::string* block_size = d_.text(members::kBlockSizeBytes);
    uint64_t bytes = 0;
    if (!block_rows_.empty() && block_size && parseNumber(*block_size, bytes, 16)) {
      // The zones divide a block that spans nodes (pfn_layout.h).
      d_.layout = frames::PfnLayout::fromMemoryBlocks(block_rows_, bytes, PageSize(d_.page_size),
                                                      d_.zoneinfo ? &*d_.zoneinfo : nullptr);
      if (d_.layout.known()) {
        d_.layout_source = bundle::kMemoryBlocksMember;
        return;
      }
    }
    if (d_.zoneinfo) {
      d_.layout = frames::PfnLayout::fromZoneinfo(*d_.zoneinfo);
      if (d_.layout.known()) d_.layout_source = members::kZoneinfo;
    }
  }

  // A chunk of the three tables: the layout and the scanner are made when the first arrives.
  void scanChunk(const PageFrameChunk& chunk) {
    if (!layout_built_) buildLayout();
    if (!scanner_) {
      scanner_.emplace(d_.layout);
      // MemFree is reconciled with the scan zone by zone (accounting.cc).
      if (d_.zoneinfo) {
        std::vector<std::pair<Pfn, Pfn>> spans;
        // One span per zone, empty for a zone without start_pfn: census zone i is zone i.
        for (const parse::Zone& z : d_.zoneinfo->zones)
          spans.emplace_back(z.start_pfn.value_or(Pfn()),
                             z.start_pfn ? *z.start_pfn + z.spanned : Pfn());
        scanner_->setZones(spans);
      }
    }
    d_.has_page_tables = true;
    scanner_->consume(chunk);
  }

  BundleData& d_;
  ProcessMembers processes_;
  std::vector<Hierarchy> hierarchies_;
  std::vector<std::string>
      hierarchy_dirs_;  // hierarchies_' prefixes, as parseCgroupMember takes them
  std::vector<bundle::CgroupRow> cgroup_rows_;
  std::vector<bundle::MemoryBlockRow> block_rows_;
  std::map<std::string, CgroupData, std::less<>> cgroup_dirs_;
  uint64_t kept_bytes_ = 0;
  bool kept_full_ = false;
  size_t issues_dropped_ = 0;

  bool layout_built_ = false;
  std::optional<frames::FrameScanner> scanner_;
  std::optional<SeriesLoader> series_;  // made once the manifest names the hierarchies
};

}  // namespace

const std::string* BundleData::text(std::string_view name) const {
  auto it = texts.find(name);
  return it == texts.end() ? nullptr : &it->second->text;
}

const CgroupData* BundleData::cgroupByInode(uint64_t inode) const {
  auto it = inode_index.find(inode);
  return it == inode_index.end() ? nullptr : &cgroups[it->second];
}

BundleData loadBundle(const std::string& path, unsigned jobs) {
  bundle::InputFile input(path);
  bundle::BundleReader reader(input);
  reader.setDecodeThreads(jobs);
  BundleData d;
  Loader(d).run(reader);
  return d;
}

}  // namespace memsift::analysis
