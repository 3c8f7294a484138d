// memsift report: analyse a bundle and write the report (text, JSON, Markdown or HTML).
#include <cstdio>
#include <iostream>

#include "analyzer/analysis/analyze.h"
#include "analyzer/cli/args.h"
#include "analyzer/cli/commands.h"
#include "analyzer/cli/damage_report.h"
#include "analyzer/report/render.h"
#include "common/bundle/byte_stream.h"
#include "common/exit_codes.h"
#include "common/text/terminal_text.h"

namespace memsift::cli {

int runReport(const Args& args) {
  po::options_description options("report options");
  options.add_options()("bundle", po::value<std::string>(), "the bundle (- for stdin)")(
      "format,f", po::value<std::string>()->value_name("FORMAT")->default_value("text"),
      "text, json, markdown or html")(
      "output,o", po::value<std::string>()->value_name("FILE")->default_value("-"),
      "write the report here (- = stdout)")("top",
                                            po::value<size_t>()->value_name("N")->default_value(20),
                                            "rows in the process and cgroup tables (0: none)")(
      "wide", "text: tables as wide as their data, every process column (default: 100 columns)")(
      "jobs,j", po::value<unsigned>()->value_name("N"),
      "threads that decode the page tables (default: the machine's cores; 1: one thread)");
  po::variables_map vm;
  if (!parseArgs(args, options, {"bundle"},
                 "memsift report BUNDLE [--format text|json|markdown|html] [-o FILE] [--top N] "
                 "[--wide] [--jobs N]",
                 vm)) {
    return kExitOk;
  }
  report::Format format = report::parseFormat(vm["format"].as<std::string>());
  analysis::AnalyzeOptions analyze_options;
  analyze_options.top = vm["top"].as<size_t>();

  const unsigned jobs =
      decodeJobs(vm.count("jobs") ? std::optional(vm["jobs"].as<unsigned>()) : std::nullopt);
  analysis::BundleData data = analysis::loadBundle(vm["bundle"].as<std::string>(), jobs);
  report::Report r = analysis::analyze(data, analyze_options);
  std::string text;
  report::TextOptions text_options;
  if (vm.count("wide")) text_options.width = 0;
  report::renderReport(r, format, text, text_options);

  // Written under a temporary name and renamed: a half-written report never appears.
  bundle::OutputFile out(vm["output"].as<std::string>());
  out.write(std::as_bytes(std::span(text)));
  out.commit();
  reportDamage("report", r.collection.damage);
  // A report that says PARTIAL exits 4 like one from a damaged bundle: whatever reads the exit
  // code must not take it for a whole answer.
  return r.collection.complete && !r.collection.partial ? kExitOk : kExitPartial;
}

}  // namespace memsift::cli
