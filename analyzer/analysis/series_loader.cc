// Series members into SeriesData (see series_loader.h).
#include "analyzer/analysis/series_loader.h"

#include <algorithm>

#include "analyzer/analysis/cgroup_counters.h"
#include "common/json/json_field.h"
#include "common/parse/fields.h"
#include "common/parse/proc_stat.h"
#include "common/parse/smaps.h"
#include "common/parse/status.h"

namespace memsift::analysis {

namespace {

namespace members = bundle::members;
using members::SeriesMember;

// /dev/kmsg records ("6,1234,5678,-;text"), one a line; continuation lines (" KEY=value")
// belong to the record before them (Documentation/ABI/testing/dev-kmsg). Calls `record` with
// each record's sequence number (nullopt when its prefix does not parse).
template <typename F>
void forEachKmsgRecord(std::string_view text, F&& record) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty() || line[0] == ' ') continue;
    std::optional<uint64_t> seq;
    const size_t a = line.find(','), b = line.find(',', a + 1);
    uint64_t v = 0;
    if (a != std::string_view::npos && b != std::string_view::npos &&
        parse::parseU64(line.substr(a + 1, b - a - 1), v) == parse::NumStatus::kOk) {
      seq = v;
    }
    record(seq);
  }
}

}  // namespace

SeriesLoader::SeriesLoader(const bundle::Manifest& manifest, std::vector<bundle::Damage>& damage)
    : damage_(damage) {
  for (const bundle::CgroupHierarchy& h : manifest.hierarchies) {
    hierarchies_.push_back({h.id.value_or(0), h.memberPrefix(), h.root.empty() ? "/" : h.root});
    hierarchy_dirs_.push_back(h.memberPrefix());
  }
}

bool SeriesLoader::wanted(const SeriesMember& m) const {
  const bundle::TextPart part = bundle::parseTextPartMemberName(m.name);
  if (m.name == members::kSnapshotInfo || part.source == members::kKernelLog) return true;
  if (part.part != 1) return false;  // the counters are small: a continuation is damage
  if (m.name == members::kMeminfo) return true;
  if (auto p = members::parseProcessMember(m.name)) {
    return std::find(members::kSeriesProcessFiles.begin(), members::kSeriesProcessFiles.end(),
                     p->file) != members::kSeriesProcessFiles.end();
  }
  auto c = members::parseCgroupMember(m.name, hierarchy_dirs_);
  return c && members::isSeriesCgroupFile(c->file);
}

bool SeriesLoader::keepsText(const SeriesMember& m) {
  return m.name == members::kMeminfo;
}

void SeriesLoader::member(const SeriesMember& m, const std::string& text) {
  if (m.name == members::kSnapshotInfo) {
    start(m, text);
    return;
  }
  // A member of a snapshot whose record never came (damaged), or of another snapshot than the
  // one being read (the collector writes them in order): not placed in time, left out.
  if (!current_ || current_->seq != m.seq) return;
  if (m.name == members::kMeminfo) {
    current_->meminfo_text =
        std::make_unique<TextMember>(TextMember{members::seriesMember(m.seq, m.name), text});
    parse::IssueSink sink(current_->meminfo_text->name, issues_);
    current_->meminfo = parse::parseMeminfo(current_->meminfo_text->text, sink);
  } else if (bundle::parseTextPartMemberName(m.name).source == members::kKernelLog) {
    kernelLog(text);
  } else if (auto p = members::parseProcessMember(m.name)) {
    processMember(*p, m.name, text);
  } else {
    cgroupMember(m.name, text);
  }
}

void SeriesLoader::start(const SeriesMember& m, const std::string& text) {
  endSnapshot();
  // As many as a collector can take; a bundle that records more is made to exhaust memory.
  if (snapshots_.size() >= members::kMaxSeriesSnapshots) {
    if (!refused_) {
      damage_.push_back({members::seriesMember(m.seq, m.name), 0, bundle::DamageKind::kRefused,
                         "more than " + std::to_string(members::kMaxSeriesSnapshots) +
                             " snapshots: the later ones are left out"});
    }
    refused_ = true;
    return;
  }
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  const nlohmann::json& boottime = jsonField(j, "boottime_seconds");
  const nlohmann::json& seq = jsonField(j, "seq");
  if (!boottime.is_number() || !seq.is_number_unsigned() || seq.get<uint64_t>() != m.seq) {
    damage_.push_back({members::seriesMember(m.seq, m.name), 0, bundle::DamageKind::kMalformed,
                       "snapshot " + std::to_string(m.seq) +
                           " has no readable record of when it was taken: left out of the series"});
    return;
  }
  Snapshot s;
  s.seq = m.seq;
  const double t = boottime.get<double>();
  if (!first_boottime_) first_boottime_ = t;
  s.seconds = t - *first_boottime_;
  if (const nlohmann::json& u = jsonField(j, "unix_time"); u.is_number_integer()) {
    s.unix_time = u.get<int64_t>();
  }
  if (jsonField(j, "final") == true) {
    s.final = true;
    final_ = std::move(s);
  } else {
    current_ = std::move(s);
  }
}

void SeriesLoader::endSnapshot() {
  if (!current_) return;
  for (auto& [pid, p] : processes_) {
    if (!p.kernel_thread) current_->processes.push_back(std::move(p.figures));
  }
  processes_.clear();
  cgroup_index_.clear();
  issues_.clear();
  snapshots_.push_back(std::move(*current_));
  current_.reset();
}

void SeriesLoader::cgroupMember(std::string_view name, const std::string& text) {
  auto c = members::parseCgroupMember(name, hierarchy_dirs_);
  if (!c) return;
  const Hierarchy& h = hierarchies_[c->hierarchy];
  auto [it, inserted] = cgroup_index_.try_emplace(std::string(c->dir), current_->cgroups.size());
  if (inserted) {
    SeriesCgroup g;
    g.hierarchy = h.id;
    // As the collector's walk builds it: the mounted root, then the directories beneath.
    const std::string_view below = c->dir.substr(h.prefix.size());
    g.path = h.root;
    if (!below.empty()) {
      if (g.path.back() == '/') g.path.pop_back();
      g.path.append(below);
    }
    current_->cgroups.push_back(std::move(g));
  }
  SeriesCgroup& g = current_->cgroups[it->second];
  if (c->file == members::kMemoryStat) {
    parse::IssueSink sink(name, issues_);
    const CgroupStatFigures s = cgroupStatFigures(text, sink);
    g.stat_anon = s.anon;
    g.stat_file = s.file;
    g.stat_shmem = s.shmem;
    g.stat_unevictable = s.unevictable;
  } else {
    g.usage = cgroupUsage(text);
  }
}

void SeriesLoader::processMember(const members::ProcessMember& p, std::string_view name,
                                 const std::string& text) {
  PendingProcess& pending = processes_[p.pid];
  SeriesProcess& f = pending.figures;
  f.pid = p.pid;
  parse::IssueSink sink(name, issues_);
  if (p.file == members::kProcStatus) {
    const parse::ProcStatus s = parse::parseStatus(text, sink);
    if (auto comm = s.text("Name")) f.comm = std::string(*comm);
    pending.kernel_thread = !s.bytes("VmRSS").has_value();
    f.vm_rss = s.bytes("VmRSS").value_or(ByteCount());
    f.rss_anon = s.bytes("RssAnon").value_or(ByteCount());
    f.rss_file = s.bytes("RssFile").value_or(ByteCount());
    f.rss_shmem = s.bytes("RssShmem").value_or(ByteCount());
    f.vm_pin = s.bytes("VmPin");
  } else if (p.file == members::kProcStat) {
    f.start_time = parse::statStartTime(text);
  } else if (p.file == members::kProcSmapsRollup) {
    const parse::SmapsCounters c = parse::parseSmapsTotals(text, sink).counters;
    if (c.has(parse::SmapsField::kPss)) f.pss = c[parse::SmapsField::kPss];
  }
}

void SeriesLoader::kernelLog(const std::string& text) {
  forEachKmsgRecord(text, [&](std::optional<uint64_t> seq) {
    ++current_->kernel_log_records;
    if (seq) last_kmsg_seq_ = std::max(last_kmsg_seq_.value_or(0), *seq);
  });
}

void SeriesLoader::finish(BundleData& d) {
  endSnapshot();
  if (final_) {
    Snapshot& s = *final_;
    if (const std::string* text = d.text(members::kMeminfo)) {
      s.meminfo_text =
          std::make_unique<TextMember>(TextMember{std::string(members::kMeminfo), *text});
      parse::IssueSink sink(s.meminfo_text->name, issues_);  // listed once, by the loader
      s.meminfo = parse::parseMeminfo(s.meminfo_text->text, sink);
    }
    // Field by field, not by designated initializers: a field added to these structs later
    // keeps its default here instead of breaking the build.
    for (const CgroupData& c : d.cgroups) {
      SeriesCgroup& g = s.cgroups.emplace_back();
      g.hierarchy = c.hierarchy;
      g.path = c.path;
      g.usage = c.usage;
      g.stat_anon = c.stat_anon;
      g.stat_file = c.stat_file;
      g.stat_shmem = c.stat_shmem;
      g.stat_unevictable = c.stat_unevictable;
    }
    for (const ProcessData& p : d.processes) {
      if (p.kernel_thread || !p.has_status) continue;
      SeriesProcess& q = s.processes.emplace_back();
      q.pid = p.pid;
      q.start_time = p.start_time;
      q.comm = p.comm;
      q.vm_rss = p.vm_rss;
      q.rss_anon = p.rss_anon;
      q.rss_file = p.rss_file;
      q.rss_shmem = p.rss_shmem;
      q.vm_pin = p.vm_pin;
      if (p.has_rollup || p.has_smaps) q.pss = p.pss;
    }
    std::sort(s.processes.begin(), s.processes.end(),
              [](const SeriesProcess& a, const SeriesProcess& b) { return a.pid < b.pid; });
    // The final collection reads the whole log again: its new records follow the series' last.
    if (const std::string* kmsg = d.text(members::kKernelLog)) {
      forEachKmsgRecord(*kmsg, [&](std::optional<uint64_t> seq) {
        if (!last_kmsg_seq_ || (seq && *seq > *last_kmsg_seq_)) ++s.kernel_log_records;
      });
    }
    snapshots_.push_back(std::move(s));
    final_.reset();
  }
  if (snapshots_.size() < 2) return;  // no series, or too little of one left to tell growth
  SeriesData series;
  const nlohmann::json& options = jsonField(d.manifest, "options");
  if (const nlohmann::json& every = jsonField(options, "every"); every.is_number()) {
    series.every_seconds = every.get<double>();
  }
  const nlohmann::json& count = jsonField(options, "count");
  if (jsonField(options, "for").is_null() && count.is_number_unsigned()) {
    series.count_requested = static_cast<unsigned>(
        std::min<uint64_t>(count.get<uint64_t>(), members::kMaxSeriesSnapshots));
  }
  // Without the index's record (a bundle cut short) the series did not end as the collector
  // meant it to.
  series.interrupted = jsonField(jsonField(d.index, "series"), "interrupted") != false;
  series.snapshots = std::move(snapshots_);
  d.series = std::move(series);
}

}  // namespace memsift::analysis
