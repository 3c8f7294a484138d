// One streaming pass over a bundle: routes each member to what the analysis keeps of it, and
// feeds the page-frame chunks to the frame scanner as they arrive (three chunks of one range at a
// time: the tables are never held whole).
#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <functional>

#include "analyzer/analysis/bundle_data.h"
#include "analyzer/analysis/page_chunk_assembler.h"
#include "analyzer/frames/frame_scanner.h"
#include "common/bundle/bundle_reader.h"
#include "common/bundle/derived_tables.h"
#include "common/bundle/text_caps.h"
#include "common/error.h"
#include "common/json/json_field.h"
#include "common/parse/fields.h"
#include "common/parse/memory_stat.h"
#include "common/parse/mountinfo.h"
#include "common/parse/proc_cgroup.h"
#include "common/parse/smaps.h"
#include "common/parse/status.h"

namespace memsift::analysis {

namespace {

using bundle::PageTable;

// System files the analysis reads, kept whole.
bool isKeptSystemText(std::string_view name) {
  static constexpr std::string_view kExact[] = {"proc/meminfo",
                                                "proc/meminfo.after",
                                                "proc/vmstat",
                                                "proc/vmstat.after",
                                                "proc/zoneinfo",
                                                "proc/slabinfo",
                                                "proc/buddyinfo",
                                                "proc/vmallocinfo",
                                                "proc/swaps",
                                                "dev/kmsg",
                                                "proc/sys/vm/nr_hugepages",
                                                "sys/devices/system/memory/block_size_bytes",
                                                "sys/kernel/mm/transparent_hugepage/enabled",
                                                "sys/kernel/mm/transparent_hugepage/defrag"};
  for (std::string_view e : kExact) {
    if (name == e) return true;
  }
  if (name.starts_with("sys/kernel/mm/transparent_hugepage/"))  // the PMD size; mTHPs per size
    return name.ends_with("/hpage_pmd_size") || name.ends_with("/stats/nr_anon");
  return name.starts_with("sys/devices/system/node/node") && name.ends_with("/meminfo");
}

// A number alone in a file ("42\n"), as parse::parseU64 takes it.
bool parseNumber(std::string_view text, uint64_t& out, int base = 10) {
  return parse::parseU64(parse::oneLineValue(text), out, base) == parse::NumStatus::kOk;
}

// "proc/1234/smaps.part2" -> pid 1234, file "smaps", part 2.
struct ProcMember {
  int pid = 0;
  std::string_view file;
  unsigned part = 1;
};
std::optional<ProcMember> parseProcMember(std::string_view name) {
  if (!name.starts_with("proc/")) return std::nullopt;
  name.remove_prefix(5);
  size_t slash = name.find('/');
  uint64_t pid = 0;
  if (slash == std::string_view::npos || !parseNumber(name.substr(0, slash), pid) ||
      pid > 1u << 30) {
    return std::nullopt;
  }
  const bundle::TextPart file = bundle::parseTextPartMemberName(name.substr(slash + 1));
  if (file.source.find('/') != std::string_view::npos) return std::nullopt;  // proc/PID/task/...
  return ProcMember{static_cast<int>(pid), file.source, file.part};
}

class Loader {
 public:
  explicit Loader(BundleData& d) : d_(d) {}

  void run(bundle::BundleReader& reader) {
    d_.manifest = reader.manifest();
    const nlohmann::json& host = jsonField(d_.manifest, "host");
    if (host.is_object() && jsonField(host, "page_size").is_number_unsigned()) {
      d_.page_size = jsonField(host, "page_size").get<uint64_t>();
    }
    d_.byte_swap = PageChunkAssembler::needsByteSwap(d_.manifest);
    readHierarchies();

    std::string buf;
    while (reader.next()) {
      const bundle::MemberInfo& m = reader.current();
      if (m.page_chunk) {
        pageChunk(reader, *m.page_chunk);
        continue;
      }
      flushChunk();
      if (!wanted(m.name)) continue;
      if (streamed(reader, m.name, buf)) continue;
      // What each kind of member may hold (bundle::keptTextCap): a zstd bomb of a 4 GiB
      // "meminfo" is cut at 64 KiB, and the cut is damage the report names.
      bundle::TextCap cap = bundle::keptTextCap(m.name);
      bool cut = false;
      // A damaged member is left out; next() goes on after the damage where it can.
      if (!reader.readAll(buf, cap.bytes, &cut)) continue;
      if (cut && cap.cut_is_damage) noteCut(m, cap);
      if (!keep(m.name, buf.size())) continue;
      if (auto table = bundle::derivedTablePart(m.name)) {
        derivedTable(m.name, *table, buf);
        continue;
      }
      member(m.name, buf);
      limitIssues();
    }
    flushChunk();
    flushSmaps();
    limitIssues();
    if (issues_dropped_ > 0) {
      d_.damage.push_back(std::to_string(issues_dropped_) + " more malformed lines (past " +
                          std::to_string(kMaxIssues) + ") not listed");
    }
    if (scanner_) d_.census = scanner_->finish();
    if (d_.census && (d_.byte_order_suspect = frames::byteOrderSuspect(*d_.census))) {
      d_.census.reset();  // frame-based conclusions stand down (analyze.cc says why)
    }
    if (reader.damage()) d_.damage.push_back(*reader.damage());
    for (const std::string& p : reader.problems())
      d_.damage.push_back(p);
    d_.index = reader.index();
    d_.bundle_complete = reader.complete();
    d_.resumes = reader.resumes();
    d_.collection_complete = jsonField(d_.index, "complete") == true;
    const nlohmann::json& rss = jsonField(jsonField(d_.index, "collection"), "own_peak_rss_bytes");
    if (rss.is_number_unsigned()) d_.collector_rss = ByteCount(rss.get<uint64_t>());
    finishCgroups();
    finishProcesses();
  }

 private:
  struct Hierarchy {
    int id = 0;
    int version = 1;
    std::string prefix;  // member prefix of its mount point: "sys/fs/cgroup/memory"
  };

  void readHierarchies() {
    const nlohmann::json& mc = jsonField(d_.manifest, "memory_cgroups");
    if (!mc.is_object()) return;
    if (jsonField(mc, "kpagecgroup_hierarchy").is_number_integer()) {
      d_.page_cgroup_hierarchy = jsonField(mc, "kpagecgroup_hierarchy").get<int>();
    }
    if (!jsonField(mc, "hierarchies").is_array()) return;
    for (const nlohmann::json& h : jsonField(mc, "hierarchies")) {
      if (!h.is_object() || !jsonField(h, "mount_point").is_string()) continue;
      std::string mp = jsonField(h, "mount_point").get<std::string>();
      while (!mp.empty() && mp.front() == '/')
        mp.erase(0, 1);
      while (!mp.empty() && mp.back() == '/')
        mp.pop_back();
      auto number = [&](const char* key, int absent) {
        const nlohmann::json& v = jsonField(h, key);
        return v.is_number_integer() ? v.get<int>() : absent;
      };
      hierarchies_.push_back({number("id", 0), number("version", 1), mp});
    }
  }

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
      d_.damage.push_back("more than " + std::to_string(kMaxKeptTextBytes >> 20) +
                          " MiB of text members to keep: " + name +
                          " and the text members after it are left out");
    }
    kept_full_ = true;
    return false;
  }

  void noteCut(const bundle::MemberInfo& m, const bundle::TextCap& cap) {
    d_.damage.push_back("member " + m.name + " has " + std::to_string(m.size) +
                        " bytes, more than a " + std::string(cap.kind) + " can hold (" +
                        std::to_string(cap.bytes) + "): only its first " +
                        std::to_string(cap.bytes) + " bytes are read");
  }

  void limitIssues() {
    if (d_.issues.size() <= kMaxIssues) return;
    issues_dropped_ += d_.issues.size() - kMaxIssues;
    d_.issues.resize(kMaxIssues);
  }

  // Members read as they stream by instead of whole: smaps (summed a block of VMAs at a time,
  // across its .partN members) and cgroup.procs (only its lines are counted). True if handled.
  bool streamed(bundle::BundleReader& reader, const std::string& name, std::string& buf) {
    if (auto p = parseProcMember(name); p && p->file == "smaps") {
      if (p->part == 1) {
        flushSmaps();
        smaps_pid_ = p->pid;
        smaps_issues_.emplace("proc/" + std::to_string(p->pid) + "/smaps", d_.issues);
      } else if (smaps_pid_ != p->pid) {
        return true;  // a continuation without its start
      }
      bool cut = false;
      if (!reader.readAll(buf, bundle::kMaxTextMemberBytes, &cut)) {
        if (reader.memberCorrupt()) smaps_carry_.clear();  // may be wrong: dropped
        buf.clear();
      }
      if (cut) noteCut(reader.current(), bundle::keptTextCap(name));
      smaps_carry_ += buf;
      sumSmaps(/*all=*/false);
      limitIssues();
      return true;
    }
    if (auto c = cgroupFile(name); c && c->file == "cgroup.procs") {
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

  // Sums the complete VMAs of smaps_carry_ (all of it with `all`); keeps the last, maybe
  // incomplete one for the next part. A VMA starts with its maps line, whose first byte is a
  // lower-case hex digit of its address; every other line starts with an upper-case key.
  void sumSmaps(bool all) {
    size_t end = smaps_carry_.size();
    if (!all) {
      end = 0;
      for (size_t nl = smaps_carry_.rfind('\n'); nl != std::string::npos && nl > 0;
           nl = smaps_carry_.rfind('\n', nl - 1)) {
        char c = nl + 1 < smaps_carry_.size() ? smaps_carry_[nl + 1] : '\0';
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) {
          end = nl + 1;
          break;
        }
      }
      // A VMA is a few hundred bytes: a carry this long is garbage, summed (and reported) now.
      if (smaps_carry_.size() - end > kMaxSmapsCarry) end = smaps_carry_.size();
    }
    if (end == 0) return;
    smaps_totals_ +=
        parse::parseSmapsTotals(std::string_view(smaps_carry_).substr(0, end), *smaps_issues_)
            .counters;
    smaps_carry_.erase(0, end);
  }
  static constexpr size_t kMaxSmapsCarry = 1 << 20;

  bool wanted(std::string_view name) const {
    if (isKeptSystemText(name) || bundle::derivedTablePart(name)) return true;
    if (auto p = parseProcMember(name)) {
      return p->file == "status" || p->file == "smaps_rollup" || p->file == "smaps" ||
             p->file == "comm" || p->file == "cmdline" || p->file == "cgroup";
    }
    return cgroupFile(name).has_value();
  }

  struct CgroupFile {
    const Hierarchy* hierarchy;
    std::string_view dir;  // member directory
    std::string_view file;
  };
  std::optional<CgroupFile> cgroupFile(std::string_view name) const {
    size_t slash = name.rfind('/');
    if (slash == std::string_view::npos) return std::nullopt;
    std::string_view file = name.substr(slash + 1);
    if (file != "memory.stat" && file != "memory.usage_in_bytes" && file != "memory.current" &&
        file != "memory.limit_in_bytes" && file != "memory.max" && file != "cgroup.procs") {
      return std::nullopt;
    }
    std::string_view dir = name.substr(0, slash);
    for (const Hierarchy& h : hierarchies_) {
      if (dir == h.prefix || (dir.starts_with(h.prefix) && dir[h.prefix.size()] == '/')) {
        return CgroupFile{&h, dir, file};
      }
    }
    return std::nullopt;
  }

  void member(const std::string& name, const std::string& text) {
    if (auto p = parseProcMember(name)) {
      processMember(*p, text);
      return;
    }
    flushSmaps();
    if (auto c = cgroupFile(name)) {
      cgroupMember(*c, text);
      return;
    }
    auto kept = std::make_unique<TextMember>(TextMember{name, text});
    const std::string& t = kept->text;
    parse::IssueSink sink(name, d_.issues);
    if (name == "proc/meminfo") d_.meminfo = parse::parseMeminfo(t, sink);
    if (name == "proc/meminfo.after") d_.meminfo_after = parse::parseMeminfo(t, sink);
    if (name == "proc/vmstat") d_.vmstat = parse::parseVmstat(t, sink);
    if (name == "proc/vmstat.after") d_.vmstat_after = parse::parseVmstat(t, sink);
    if (name == "proc/zoneinfo") d_.zoneinfo = parse::parseZoneinfo(t, sink);
    if (name == "proc/slabinfo") d_.slabinfo = parse::parseSlabinfo(t, sink);
    d_.texts[name] = std::move(kept);
  }

  // --- processes ---------------------------------------------------------------------------

  ProcessData& process(int pid) {
    auto [it, inserted] = process_index_.try_emplace(pid, d_.processes.size());
    if (inserted) {
      d_.processes.emplace_back();
      d_.processes.back().pid = pid;
    }
    return d_.processes[it->second];
  }

  void processMember(const ProcMember& m, const std::string& text) {
    flushSmaps();
    ProcessData& p = process(m.pid);
    std::string member = "proc/" + std::to_string(m.pid) + "/" + std::string(m.file);
    parse::IssueSink sink(member, d_.issues);
    if (m.file == "status") {
      parse::ProcStatus s = parse::parseStatus(text, sink);
      p.has_status = true;
      if (auto name = s.text("Name"); name && p.comm.empty()) p.comm = std::string(*name);
      p.kernel_thread = !s.bytes("VmRSS").has_value();
      p.vm_rss = s.bytes("VmRSS").value_or(ByteCount());
      p.rss_anon = s.bytes("RssAnon").value_or(ByteCount());
      p.rss_file = s.bytes("RssFile").value_or(ByteCount());
      p.rss_shmem = s.bytes("RssShmem").value_or(ByteCount());
      p.vm_swap = s.bytes("VmSwap").value_or(ByteCount());
      p.hugetlb = s.bytes("HugetlbPages").value_or(ByteCount());
      p.threads = s.number("Threads").value_or(0);
    } else if (m.file == "smaps_rollup") {
      applySmaps(p, parse::parseSmapsTotals(text, sink).counters);
      p.has_rollup = true;
    } else if (m.file == "comm") {
      p.comm = std::string(parse::oneLineValue(text));
    } else if (m.file == "cmdline") {
      std::string c = text;
      while (!c.empty() && c.back() == '\0')
        c.pop_back();
      std::replace(c.begin(), c.end(), '\0', ' ');
      p.cmdline = std::move(c);
    } else if (m.file == "cgroup") {
      auto entries = parse::parseProcCgroup(text, sink);
      if (auto path = parse::memoryCgroupPath(entries)) p.cgroup_path = std::string(*path);
    }
  }

  static void applySmaps(ProcessData& p, const parse::SmapsCounters& c) {
    using F = parse::SmapsField;
    p.rss = c[F::kRss];
    p.pss = c[F::kPss];
    p.pss_anon = c[F::kPssAnon];
    p.has_pss_anon = c.has(F::kPssAnon);
    p.pss_file = c[F::kPssFile];
    p.pss_shmem = c[F::kPssShmem];
    p.private_clean = c[F::kPrivateClean];
    p.private_dirty = c[F::kPrivateDirty];
    p.swap = c[F::kSwap];
    p.anon_huge = c[F::kAnonHugePages];
    p.anonymous = c[F::kAnonymous];
  }

  // smaps is only summed when the process has no smaps_rollup (kernels before 4.14).
  void flushSmaps() {
    if (smaps_pid_ == 0) return;
    sumSmaps(/*all=*/true);
    ProcessData& p = process(smaps_pid_);
    p.has_smaps = true;
    if (!p.has_rollup) applySmaps(p, smaps_totals_);
    smaps_pid_ = 0;
    smaps_carry_.clear();
    smaps_totals_ = {};
    smaps_issues_.reset();
  }

  void finishProcesses() {
    for (ProcessData& p : d_.processes) {
      if (p.comm.empty()) p.comm = "?";
    }
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
    if (f.file == "memory.stat") {
      parse::IssueSink sink(member, d_.issues);
      parse::MemoryStat s = parse::parseMemoryStat(text, sink);
      bool v2 = s.flavor == parse::MemoryStatFlavor::kV2;
      // v1's rss/cache are this cgroup's own pages; the analysis wants the subtree (total_*),
      // which is what v2 reports directly.
      auto get = [&](std::string_view v1, std::string_view v2key) -> std::optional<ByteCount> {
        auto v = v2 ? s.get(v2key) : s.hierarchical(v1);
        return v ? std::optional(ByteCount(*v)) : std::nullopt;
      };
      c.stat_anon = get("rss", "anon");
      c.stat_file = get("cache", "file");
      c.stat_shmem = get("shmem", "shmem");
      c.stat_unevictable = get("unevictable", "unevictable");
    } else if (f.file == "memory.usage_in_bytes" || f.file == "memory.current") {
      uint64_t v;
      if (parseNumber(text, v)) c.usage = ByteCount(v);
    } else if (f.file == "memory.limit_in_bytes" || f.file == "memory.max") {
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
      std::string dir = h ? h->prefix + (row.path == "/" ? "" : row.path) : "";
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
    flushSmaps();
    parse::IssueSink sink(name, d_.issues);
    if (table.table == bundle::DerivedTable::kCgroupMap) {
      bundle::parseCgroupRows(text, table.part, cgroup_rows_, sink);
    } else {
      bundle::parseMemoryBlockRows(text, table.part, block_rows_, sink);
    }
  }

  // Built when the first page chunk arrives: memory-blocks.tsv, else zoneinfo, come before.
  void buildLayout() {
    layout_built_ = true;
    const std::string* block_size = d_.text("sys/devices/system/memory/block_size_bytes");
    uint64_t bytes = 0;
    if (!block_rows_.empty() && block_size && parseNumber(*block_size, bytes, 16)) {
      d_.layout = frames::PfnLayout::fromMemoryBlocks(block_rows_, bytes, PageSize(d_.page_size));
      if (d_.layout.known()) {
        d_.layout_source = bundle::kMemoryBlocksMember;
        return;
      }
    }
    if (d_.zoneinfo) {
      d_.layout = frames::PfnLayout::fromZoneinfo(*d_.zoneinfo);
      if (d_.layout.known()) d_.layout_source = "proc/zoneinfo";
    }
  }

  void pageChunk(bundle::BundleReader& reader, const bundle::PageChunkName& name) {
    if (!assembler_) {
      assembler_.emplace(d_.byte_swap, [this](const PageFrameChunk& chunk) {
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
      });
    }
    std::string problem = assembler_->add(reader, name);
    if (!problem.empty()) d_.damage.push_back(problem);
  }

  void flushChunk() {
    if (assembler_) assembler_->flush();
  }

  BundleData& d_;
  std::vector<Hierarchy> hierarchies_;
  std::vector<bundle::CgroupRow> cgroup_rows_;
  std::vector<bundle::MemoryBlockRow> block_rows_;
  std::map<std::string, CgroupData, std::less<>> cgroup_dirs_;
  std::map<int, size_t> process_index_;
  // smaps of one process, summed as its parts stream by.
  int smaps_pid_ = 0;
  std::string smaps_carry_;  // the text of VMAs not summed yet
  parse::SmapsCounters smaps_totals_;
  std::optional<parse::IssueSink> smaps_issues_;
  uint64_t kept_bytes_ = 0;
  bool kept_full_ = false;
  size_t issues_dropped_ = 0;

  std::optional<PageChunkAssembler> assembler_;
  bool layout_built_ = false;
  std::optional<frames::FrameScanner> scanner_;
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

BundleData loadBundle(const std::string& path) {
  bundle::InputFile input(path);
  bundle::BundleReader reader(input);
  BundleData d;
  Loader(d).run(reader);
  return d;
}

}  // namespace memsift::analysis
