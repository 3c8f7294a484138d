// memsift diff OLD NEW: what grew and shrank between two bundles of one host and boot (issue
// 14). Bundles of different hosts or boots are refused (exit 2) unless --force.
#include <cstdio>

#include "analyzer/analysis/analyze.h"
#include "analyzer/analysis/diff.h"
#include "analyzer/cli/args.h"
#include "analyzer/cli/commands.h"
#include "analyzer/report/diff_renderer.h"
#include "common/bundle/byte_stream.h"
#include "common/error.h"
#include "common/exit_codes.h"
#include "common/text/terminal_text.h"

namespace memsift::cli {

int runDiff(const Args& args) {
  po::options_description options("diff options");
  options.add_options()("old", po::value<std::string>(), "the earlier bundle")(
      "new", po::value<std::string>(), "the later bundle")(
      "format,f", po::value<std::string>()->value_name("FORMAT")->default_value("text"),
      "text, json, markdown or html")(
      "output,o", po::value<std::string>()->value_name("FILE")->default_value("-"),
      "write the diff here (- = stdout)")("top",
                                          po::value<size_t>()->value_name("N")->default_value(20),
                                          "rows of the cgroup and process changes")(
      "force", "compare bundles of different hosts or boots");
  po::variables_map vm;
  const char* usage =
      "memsift diff OLD NEW [--format text|json|markdown|html] [-o FILE] "
      "[--top N] [--force]";
  if (!parseArgs(args, options, {"old", "new"}, usage, vm)) return kExitOk;
  const report::Format format = report::parseFormat(vm["format"].as<std::string>());
  analysis::AnalyzeOptions analyze_options;
  analyze_options.top = vm["top"].as<size_t>();

  const analysis::BundleData old_data = analysis::loadBundle(vm["old"].as<std::string>());
  const report::Report old_report = analysis::analyze(old_data, analyze_options);
  const analysis::BundleData new_data = analysis::loadBundle(vm["new"].as<std::string>());
  const report::Report new_report = analysis::analyze(new_data, analyze_options);
  report::DiffReport d = analysis::diffBundles({old_data, old_report}, {new_data, new_report},
                                               {.top = vm["top"].as<size_t>()});
  const bool differ = !d.same_host || d.same_boot == false;
  if (differ && !vm.count("force")) {
    throwUsage(!d.same_host
                   ? "the bundles are of different hosts (" + printable(d.before.hostname) + ", " +
                         printable(d.after.hostname) +
                         "): their figures do not compare; --force compares them anyway"
                   : "the host rebooted between the bundles (boot ids " +
                         printable(d.before.boot_id) + ", " + printable(d.after.boot_id) +
                         "): memory that grew may have been freed and taken anew; --force "
                         "compares them anyway");
  }
  d.forced = differ;
  std::string text;
  report::renderDiff(d, format, text);
  bundle::OutputFile out(vm["output"].as<std::string>());
  out.write(std::as_bytes(std::span(text)));
  out.commit();
  // A diff of a damaged or partial bundle is partial too (exit 4), like a report of one.
  bool partial = false;
  for (const report::Report* r : {&old_report, &new_report}) {
    for (const auto& damage : r->collection.damage)
      std::fprintf(stderr, "memsift diff: %s\n", printable(damage.text).c_str());
    partial = partial || !r->collection.complete || r->collection.partial;
  }
  return partial ? kExitPartial : kExitOk;
}

}  // namespace memsift::cli
