// The collection order, and why:
//   manifest.json     host facts, options, the memory cgroup hierarchies
//   cgroups           cgroups.tsv and each cgroup's memory files, just before the page tables
//                     whose kpagecgroup inodes it explains
//   system            /proc and /sys statistics and settings, memory-blocks.tsv, dev/kmsg
//   meminfo, vmstat   right before the page-frame tables ...
//   page tables       kpageflags, kpagecount, kpagecgroup, chunk by chunk
//   meminfo, vmstat   ... and right after (proc/meminfo.after, proc/vmstat.after), so that the
//                     analyzer can bound how far the counters moved while the tables were read
//   processes         last: the slowest part (smaps) and the one --max-pids/--max-seconds cut
#include "collector/collection.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <optional>

#include "collector/cgroup_mounts.h"
#include "collector/cgroup_walker.h"
#include "collector/gentle.h"
#include "collector/host_facts.h"
#include "collector/page_size.h"
#include "collector/page_table_reader.h"
#include "collector/process_walker.h"
#include "collector/recorder.h"
#include "collector/redactor.h"
#include "collector/series.h"
#include "collector/stop_control.h"
#include "collector/summary.h"
#include "collector/system_reader.h"
#include "collector/text_reader.h"
#include "common/bundle/bundle_writer.h"
#include "common/bundle/byte_stream.h"
#include "common/bundle/derived_tables.h"
#include "common/bundle/manifest.h"
#include "common/bundle/members.h"
#include "common/error.h"
#include "common/exit_codes.h"

namespace memsift::collector {

namespace {

namespace members = bundle::members;

struct Context {
  const CollectOptions& options;
  const SystemRoot& root;
  Recorder& out;
  StopControl& stop;
  TextReader& text;
  const HostFacts& host;
  const CgroupInodes* cgroup_inodes;  // --cgroup-inodes, or nullptr
  std::string hostname;               // as recorded (redacted with --redact)
  nlohmann::json gentle;
  RunFigures figures;
};

std::vector<CgroupHierarchy> findHierarchies(Context& c) {
  for (std::string_view source : {members::kMountinfo, members::kMounts}) {
    if (auto text = c.text.peek(c.root, std::string(source))) return findCgroupHierarchies(*text);
  }
  return {};
}

// What the collector knows before it reads anything, as manifest.json records it.
bundle::Manifest manifest(Context& c, const std::vector<CgroupHierarchy>& hierarchies) {
  const HostFacts& h = c.host;
  bundle::Manifest m;
  m.page_size = PageSize(h.page_size);
  m.big_endian = h.byte_order == "big";
  m.host = {.hostname = c.hostname,
            .kernel_release = h.kernel_release,
            .kernel_version = h.kernel_version,
            .arch = h.arch,
            .page_size_source = h.page_size_source,
            .byte_order_source = h.byte_order_source,
            .uptime_seconds = h.uptime_seconds,
            .start_time_unix = h.start_time,
            .start_time_utc = isoTimeUtc(h.start_time)};
  for (size_t i = 0; i < hierarchies.size(); ++i) {
    const CgroupHierarchy& g = hierarchies[i];
    m.hierarchies.push_back({.id = static_cast<int>(i),
                             .version = g.version,
                             .mount_point = g.mount_point,
                             .root = g.root});
  }
  if (int page = pageCgroupHierarchy(hierarchies); page >= 0) m.kpagecgroup_hierarchy = page;
  // Where cgroups.tsv's inode numbers come from: stat(2) of the directories read, or the file
  // that gives a copied tree its original system's numbers.
  if (c.cgroup_inodes) m.cgroup_inodes_from = "--cgroup-inodes " + c.options.cgroup_inodes;
  m.options = optionsJson(c.options);
  m.euid = ::geteuid();
  if (c.options.root == "/") m.pid = static_cast<uint64_t>(::getpid());
  m.priority = c.gentle;
  return m;
}

// Every phase after the manifest, in order. Each one checks for a stop and records what it did
// not reach.
void collectAll(Context& c, const std::vector<CgroupHierarchy>& hierarchies) {
  Recorder& out = c.out;
  Progress& progress = out.progress();
  SystemReader system(c.root, c.text, out, c.stop, c.options.redact);

  progress.phase("cgroups");
  if (c.stop.check() != StopReason::kNone) {
    recordNotReached(out, c.stop, bundle::kCgroupMapMember);
  } else {
    CgroupWalker walker(c.root, c.text, out, c.stop, c.cgroup_inodes);
    walker.run(hierarchies);
    c.figures.cgroups = walker.cgroupsSeen();
    if (c.cgroup_inodes && walker.inodesMatched() < c.cgroup_inodes->size() && !c.options.quiet) {
      std::fprintf(stderr,
                   "memsift-collect: warning: %zu of the %zu paths in --cgroup-inodes name no "
                   "memory cgroup directory beneath the root\n",
                   static_cast<size_t>(c.cgroup_inodes->size() - walker.inodesMatched()),
                   c.cgroup_inodes->size());
    }
    if (c.stop.check() != StopReason::kNone) {
      out.source(bundle::kCgroupMapMember, SourceStatus::kTruncated,
                 c.stop.describe() + ": stopped during the cgroup walk");
    }
  }

  progress.phase("system");
  system.readProcFiles();
  system.readSysFiles();
  system.readMemoryBlocks();
  system.readKernelLog();
  for (const members::CounterPair& pair : members::kCounterPairs)
    system.file(pair.before);

  if (c.options.page_tables) {
    progress.phase("page tables");
    if (c.stop.check() != StopReason::kNone) {
      recordNotReached(out, c.stop, members::pageTableSource(bundle::PageTable::kFlags));
    } else {
      PageTableReader tables(c.root, out, c.stop, c.options.jobs >= 2);
      c.figures.page_frames = tables.run();
      c.figures.page_flags_status = tables.flagsStatus();
    }
    for (const members::CounterPair& pair : members::kCounterPairs)
      system.file(pair.before, pair.after);
  }

  progress.phase("processes");
  if (c.stop.check() != StopReason::kNone) {
    recordNotReached(out, c.stop, "proc");
  } else {
    ProcessWalker walker(c.root, c.text, out, c.stop,
                         {.smaps = c.options.smaps,
                          .max_pids = c.options.max_pids,
                          .redact = c.options.redact,
                          .snapshot_prefix = {}});
    walker.run();
    c.figures.processes = walker.processesRead();
    c.figures.processes_vanished = walker.processesVanished();
  }
}

// With --every: the cheap snapshots, then series/N/snapshot.json of the final one. A signal that
// ended the series does not stop the final collection (a second one does, as the first stops a
// collection of one moment); --max-seconds budgets the final collection alone.
void runSeries(Context& c, const std::vector<CgroupHierarchy>& hierarchies,
               std::optional<SnapshotSeries>& series) {
  if (c.options.series_count == 0) return;
  series.emplace(c.root, c.text, c.out, c.stop, c.options, hierarchies);
  StopControl::setSignalsBeforeExit(2);
  series->run();
  if (series->interrupted()) {
    c.stop.resumeAfterSignals();
  } else {
    StopControl::setSignalsBeforeExit(1);
  }
  if (c.options.max_seconds) {
    c.stop.setDeadline(std::chrono::duration<double>(*c.options.max_seconds));
  }
  series->beginFinal();
}

int exitCodeFor(const StopControl& stop, const std::optional<SnapshotSeries>& series) {
  switch (stop.reason()) {
    case StopReason::kNone:
      // The final collection is whole, but the series was cut short: say so in the exit code.
      return series && series->interrupted() ? kExitInterrupted : kExitOk;
    case StopReason::kDeadline:
      return kExitPartial;
    case StopReason::kSignal:
      return kExitInterrupted;
  }
  return kExitInternal;
}

}  // namespace

std::string defaultOutputName(std::string_view hostname, int64_t start_time) {
  std::string safe;
  for (char c : hostname) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    safe.push_back(ok ? c : '_');
  }
  if (safe.empty() || safe[0] == '.') safe.insert(0, "host");
  return "memsift-" + safe + "-" + compactTimeUtc(start_time) + ".tar.zst";
}

namespace {

// A directory without proc/meminfo is not a system: collecting from it would write a bundle
// that reports "MemTotal 0 B" and "no findings", the worst answer for a sick host.
void requireSystemRoot(const SystemRoot& root) {
  int err = 0;
  UniqueFd meminfo = root.open(std::string(members::kMeminfo), 0, err);
  if (meminfo.valid()) return;
  std::string path = root.dir() + "/" + std::string(members::kMeminfo);
  if (root.isHost()) {
    throwInput(errnoMessage("cannot read " + path + " (is /proc mounted?)", err));
  }
  throwInput(errnoMessage(root.dir() + " is not a system root: " + path, err) +
             " (a --root directory stands for / of the system collected: at least "
             "proc/meminfo must be beneath it)");
}

// Replacing a file silently could destroy the bundle of an earlier run, perhaps the only
// evidence of an incident: an existing file is replaced only when asked (--force). Devices and
// FIFOs are written in place (/dev/null, a pipe) and are no such loss.
void refuseExistingOutput(const std::string& target, bool force) {
  struct stat st;
  if (force || target == "-" || ::stat(target.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;
  throwUsage(target + " already exists: give another -o, or --force to replace it");
}

}  // namespace

int runCollection(const CollectOptions& o) {
  auto started = std::chrono::steady_clock::now();
  SystemRoot root(o.root);
  requireSystemRoot(root);
  std::vector<std::string> warnings;
  PageSizeFact page_size = determinePageSize(root, o.page_size, warnings);
  // Even with -q: a page size that contradicts the system makes every page-frame figure wrong.
  for (const std::string& w : warnings)
    std::fprintf(stderr, "memsift-collect: warning: %s\n", w.c_str());
  StopControl stop;
  StopControl::installSignalHandlers();
  if (o.max_seconds && o.series_count == 0) {
    stop.setDeadline(std::chrono::duration<double>(*o.max_seconds));
  }
  std::optional<Redactor> redactor;
  if (o.redact) redactor.emplace();
  HostFacts host = readHostFacts(root, page_size, o.byte_order);
  std::optional<CgroupInodes> cgroup_inodes;
  if (!o.cgroup_inodes.empty()) cgroup_inodes = readCgroupInodes(o.cgroup_inodes);
  const CgroupInodes* inodes = cgroup_inodes ? &*cgroup_inodes : nullptr;
  if (host.byte_order_source.rfind("assumed", 0) == 0 && o.page_tables && !o.quiet) {
    std::fprintf(stderr,
                 "memsift-collect: warning: %s has no proc/sys/kernel/arch that names a byte "
                 "order; its page-frame tables are taken as %s-endian (this machine's): say "
                 "--byte-order big|little if the tree comes from another architecture\n",
                 o.root.c_str(), host.byte_order.c_str());
  }
  std::string hostname = o.redact ? redactor->token(host.hostname) : host.hostname;
  nlohmann::json gentle = o.nice ? beGentle() : nlohmann::json{{"nice", "unchanged (--no-nice)"}};
  Progress progress(!o.quiet && !o.dry_run && ::isatty(STDERR_FILENO) == 1);

  if (o.dry_run) {
    DryRunRecorder rec(stdout, progress);
    TextReader text(rec, stop, redactor ? &*redactor : nullptr);
    Context c{o, root, rec, stop, text, host, inodes, hostname, gentle, {}};
    std::vector<CgroupHierarchy> hierarchies = findHierarchies(c);
    rec.planned(bundle::kManifestName);
    std::optional<SnapshotSeries> series;
    runSeries(c, hierarchies, series);
    collectAll(c, hierarchies);
    rec.planned(bundle::kIndexName);
    std::fflush(stdout);
    if (!o.quiet) std::fputs("memsift-collect: dry run: nothing was read or written\n", stderr);
    return exitCodeFor(stop, series);
  }

  std::string target = o.output.empty() ? defaultOutputName(hostname, host.start_time) : o.output;
  refuseExistingOutput(target, o.force);
  if (target == "-" && ::isatty(STDOUT_FILENO) == 1) {
    throwUsage("refusing to write a bundle to a terminal: use -o FILE or redirect the output");
  }
  bundle::OutputFile file(target);
  StopControl::setTemporaryPath(file.temporaryPath());
  bundle::BundleWriterOptions wo;
  wo.zstd_level = o.level;
  wo.mtime = host.start_time;
  RunFigures figures;
  std::optional<SnapshotSeries> series;
  try {
    bundle::BundleWriter writer(file, wo);
    BundleRecorder rec(writer, progress);
    TextReader text(rec, stop, redactor ? &*redactor : nullptr);
    Context c{o, root, rec, stop, text, host, inodes, hostname, gentle, {}};
    std::vector<CgroupHierarchy> hierarchies = findHierarchies(c);
    writer.writeManifest(manifest(c, hierarchies));
    runSeries(c, hierarchies, series);
    collectAll(c, hierarchies);
    c.figures.stopped = stop.describe();
    c.figures.elapsed_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    c.figures.stats = rec.stats();
    if (o.root == "/") {
      struct rusage ru {};
      if (::getrusage(RUSAGE_SELF, &ru) == 0)
        c.figures.own_peak_rss_bytes = static_cast<uint64_t>(ru.ru_maxrss) * 1024;  // KiB
    }
    nlohmann::json extra = {{"collection", figuresJson(c.figures)}};
    if (series) {
      extra["series"] = series->indexJson();
      c.figures.series = series->indexJson();
    }
    writer.finish(stop.reason() == StopReason::kNone, extra);
    file.commit();
    figures = c.figures;
    figures.uncompressed_bytes = writer.uncompressedBytes();
    figures.compressed_bytes = writer.compressedBytes();
  } catch (...) {
    progress.clear();
    file.abandon();
    StopControl::setTemporaryPath("");
    throw;
  }
  StopControl::setTemporaryPath("");
  progress.clear();
  if (!o.quiet) printSummary(stderr, target, figures, o.root != "/" ? o.root : "");
  return exitCodeFor(stop, series);
}

}  // namespace memsift::collector
