// memsift export BUNDLE... -o DIR [-j N]: fleet tables for an analytics engine (issue 14). Each
// bundle is analysed as for `memsift report` by one of N workers; the rows are written in the
// order the bundles were given, so the output does not depend on N. A worker holds one bundle's
// analysis at a time and at most 2N finished bundles wait for the writer: memory is bounded by
// N, not by the number of bundles.
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

#include "analyzer/analysis/analyze.h"
#include "analyzer/cli/args.h"
#include "analyzer/cli/commands.h"
#include "analyzer/export/fleet_tables.h"
#include "common/bundle/byte_stream.h"
#include "common/error.h"
#include "common/exit_codes.h"
#include "common/text/terminal_text.h"

namespace memsift::cli {
namespace {

struct Result {
  fleet::BundleRows rows;
  bool partial = false;
};

Result analyseOne(const std::string& path) {
  Result r;
  try {
    const analysis::BundleData data = analysis::loadBundle(path);
    analysis::AnalyzeOptions options;
    options.top = SIZE_MAX;  // every process and cgroup: the engine chooses what to look at
    const report::Report report = analysis::analyze(data, options);
    r.rows = fleet::bundleRows(path, data, report);
    r.partial = !report.collection.complete || report.collection.partial;
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kInput) throw;
    r.rows = fleet::unreadableRows(path, e.what());
    r.partial = true;
  }
  return r;
}

// Bundles handed out in order to the workers; results taken back in order by the writer.
class Pipeline {
 public:
  Pipeline(size_t bundles, size_t window) : results_(bundles), window_(window) {}

  // The next bundle for a worker, or nullopt when all are taken. Waits while the writer is
  // more than `window` bundles behind.
  std::optional<size_t> take() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return next_ >= results_.size() || next_ < written_ + window_; });
    if (next_ >= results_.size()) return std::nullopt;
    return next_++;
  }
  void put(size_t i, Result r) {
    std::lock_guard lock(mutex_);
    results_[i] = std::move(r);
    changed_.notify_all();
  }
  // Bundle `i`'s result once it is there; frees its slot.
  Result get(size_t i) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return results_[i].has_value(); });
    Result r = std::move(*results_[i]);
    results_[i].reset();
    written_ = i + 1;
    changed_.notify_all();
    return r;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::optional<Result>> results_;
  size_t window_;
  size_t next_ = 0, written_ = 0;
};

}  // namespace

int runExport(const Args& args) {
  po::options_description options("export options");
  options.add_options()("bundle", po::value<std::vector<std::string>>(), "the bundles")(
      "output,o", po::value<std::string>()->value_name("DIR"),
      "write the tables (NAME.ndjson) into this directory")(
      "jobs,j", po::value<size_t>()->value_name("N")->default_value(1),
      "analyse N bundles at once (0: one per core)");
  po::variables_map vm;
  const char* usage = "memsift export BUNDLE... -o DIR [-j N]";
  if (!parseArgs(args, options, {"bundle..."}, usage, vm)) return kExitOk;
  if (!vm.count("output")) throwUsage(std::string("missing -o DIR\nusage: ") + usage);
  const std::vector<std::string> bundles = vm["bundle"].as<std::vector<std::string>>();
  size_t jobs = vm["jobs"].as<size_t>();
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  jobs = std::min(jobs, bundles.size());
  const std::filesystem::path dir = vm["output"].as<std::string>();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error(ErrorKind::kOutput, "cannot create " + dir.string() + ": " + ec.message());

  // Each table is written under a temporary name and renamed at the end: no half table.
  std::deque<bundle::OutputFile> files;
  for (size_t t = 0; t < fleet::kTableCount; ++t)
    files.emplace_back(
        (dir / (std::string(fleet::tableName(static_cast<fleet::Table>(t))) + ".ndjson")).string());
  Pipeline pipeline(bundles.size(), 2 * jobs);
  std::exception_ptr failure;
  std::mutex failure_mutex;
  std::vector<std::thread> workers;
  for (size_t w = 0; w < jobs; ++w) {
    workers.emplace_back([&] {
      while (std::optional<size_t> i = pipeline.take()) {
        Result r;
        try {
          r = analyseOne(bundles[*i]);
        } catch (...) {
          std::lock_guard lock(failure_mutex);
          if (!failure) failure = std::current_exception();
          r.rows = fleet::unreadableRows(bundles[*i], "internal error");
          r.partial = true;
        }
        pipeline.put(*i, std::move(r));
      }
    });
  }
  bool partial = false;
  for (size_t i = 0; i < bundles.size(); ++i) {
    Result r = pipeline.get(i);
    partial = partial || r.partial;
    for (size_t t = 0; t < fleet::kTableCount; ++t)
      files[t].write(std::as_bytes(std::span(r.rows[t])));
  }
  for (std::thread& w : workers)
    w.join();
  if (failure) std::rethrow_exception(failure);
  for (bundle::OutputFile& f : files)
    f.commit();
  if (partial) {
    std::fprintf(stderr,
                 "memsift export: some bundles were damaged, incomplete or unreadable: their "
                 "hosts rows say so (complete, partial, error)\n");
  }
  return partial ? kExitPartial : kExitOk;
}

}  // namespace memsift::cli
