// memsift frame: what the bundle says of single page frames (issue 13): flags by page-types'
// names, compound page, map count, memory cgroup, node, memory block and category. PFNs are
// given as page-types' -a takes addresses: N, N+COUNT, or N,END (END excluded), in hex (0x) or
// decimal.
#include <algorithm>
#include <bit>
#include <string>
#include <vector>

#include "analyzer/analysis/bundle_data.h"
#include "analyzer/cli/args.h"
#include "analyzer/cli/commands.h"
#include "analyzer/cli/damage_report.h"
#include "analyzer/frames/frame_lookup.h"
#include "analyzer/report/frame_renderer.h"
#include "common/bundle/byte_stream.h"
#include "common/bundle/members.h"
#include "common/error.h"
#include "common/exit_codes.h"
#include "common/json/json_field.h"
#include "common/parse/fields.h"

namespace memsift::cli {
namespace {

constexpr const char* kUsage =
    "memsift frame BUNDLE PFN... [--format text|json] [-o FILE]\n"
    "  PFN: N, N+COUNT or N,END (END excluded), hex with 0x or decimal";

uint64_t parsePfnNumber(std::string_view s, std::string_view spec) {
  uint64_t v = 0;
  const bool hex = s.starts_with("0x") || s.starts_with("0X");
  if (parse::parseU64(hex ? s.substr(2) : s, v, hex ? 16 : 10) != parse::NumStatus::kOk) {
    throwUsage("not a PFN: '" + std::string(spec) + "'\nusage: " + kUsage);
  }
  return v;
}

// Adds the PFNs of one page-types address spec.
void addPfns(std::string_view spec, std::vector<Pfn>& pfns) {
  uint64_t start = 0, end = 0;
  if (size_t plus = spec.find('+'); plus != std::string_view::npos) {
    start = parsePfnNumber(spec.substr(0, plus), spec);
    const uint64_t count = parsePfnNumber(spec.substr(plus + 1), spec);
    end = count > ~uint64_t{0} - start ? ~uint64_t{0} : start + count;
  } else if (size_t comma = spec.find(','); comma != std::string_view::npos) {
    start = parsePfnNumber(spec.substr(0, comma), spec);
    end = parsePfnNumber(spec.substr(comma + 1), spec);
  } else {
    start = parsePfnNumber(spec, spec);
    end = start + 1;
  }
  if (end <= start) throwUsage("empty PFN range '" + std::string(spec) + "'\nusage: " + kUsage);
  if (end - start > frames::kMaxLookups || pfns.size() + (end - start) > frames::kMaxLookups) {
    throwUsage("at most " + std::to_string(frames::kMaxLookups) +
               " frames at once; for more, `memsift page-types BUNDLE -a RANGE -L` lists them");
  }
  for (uint64_t p = start; p < end; ++p)
    pfns.push_back(Pfn(p));
}

report::FrameFacts factsOf(const analysis::BundleData& d, const frames::FrameWords& w,
                           uint64_t block_bytes) {
  report::FrameFacts f;
  f.pfn = w.pfn;
  f.phys_addr = PageSize(d.page_size).toBytes(w.pfn - Pfn());
  f.flags = w.flags;
  f.kpagecount = w.count;
  f.cgroup_inode = w.cgroup;
  if (w.cgroup && *w.cgroup != 0) {
    if (const analysis::CgroupData* c = d.cgroupByInode(*w.cgroup)) f.cgroup_path = c->path;
  }
  if (d.layout.known()) {
    f.node = -1;
    for (const frames::PfnRange& r : d.layout.ranges())
      if (w.pfn >= r.start && w.pfn < r.end) f.node = r.node;
  }
  if (block_bytes >= d.page_size) f.memory_block = f.phys_addr.value() / block_bytes;
  return f;
}

std::string hostField(const analysis::BundleData& d, const char* key) {
  const nlohmann::json& v = jsonField(jsonField(d.manifest, "host"), key);
  return v.is_string() ? v.get<std::string>() : "";
}

}  // namespace

int runFrame(const Args& args) {
  po::options_description options("frame options");
  options.add_options()("bundle", po::value<std::string>(), "the bundle")(
      "pfn", po::value<std::vector<std::string>>(), "frames: N, N+COUNT or N,END")(
      "format,f", po::value<std::string>()->value_name("FORMAT")->default_value("text"),
      "text or json")("output,o", po::value<std::string>()->value_name("FILE")->default_value("-"),
                      "write here (- = stdout)");
  po::variables_map vm;
  if (!parseArgs(args, options, {"bundle", "pfn..."}, kUsage, vm)) return kExitOk;
  const std::string format = vm["format"].as<std::string>();
  if (format != "text" && format != "json") {
    throwUsage("--format takes text or json, not '" + format + "'\nusage: " + kUsage);
  }
  std::vector<Pfn> pfns;
  for (const std::string& spec : vm["pfn"].as<std::vector<std::string>>())
    addPfns(spec, pfns);
  std::sort(pfns.begin(), pfns.end());
  pfns.erase(std::unique(pfns.begin(), pfns.end()), pfns.end());

  // The cgroup tree and the memory layout come from a pass over the whole bundle, as for the
  // report; then a second pass reads the frames asked for.
  const std::string path = vm["bundle"].as<std::string>();
  analysis::BundleData d = analysis::loadBundle(path);
  if (!d.has_page_tables) {
    throw Error(ErrorKind::kInput,
                "the bundle has no page-frame tables (collected without root, or "
                "kpageflags unreadable): there are no frames to show");
  }
  std::vector<bundle::Damage> damage;
  const std::vector<frames::FrameLookup> found = frames::lookUpFrames(path, pfns, d.layout, damage);

  report::FrameReport r;
  r.hostname = hostField(d, "hostname");
  r.kernel = hostField(d, "kernel_release");
  r.arch = hostField(d, "arch");
  r.page_size = d.page_size;
  if (d.census && !d.census->anyCgroups())
    r.cgroup_missing = bundle::members::pageTableSource(bundle::PageTable::kCgroup) + " table";
  if (!d.layout.known()) r.node_missing = "memory-blocks.tsv or proc/zoneinfo zone spans";
  const std::string* block_size = d.text(bundle::members::kBlockSizeBytes);
  if (!block_size ||
      parse::parseU64(parse::oneLineValue(*block_size), r.block_bytes, 16) !=
          parse::NumStatus::kOk ||
      r.block_bytes < d.page_size) {
    r.block_bytes = 0;
    r.block_missing = std::string(bundle::members::kBlockSizeBytes);
  }
  for (const frames::FrameLookup& l : found) {
    report::FrameEntry e;
    e.in_tables = l.in_tables;
    e.frame = l.in_tables ? factsOf(d, l.frame, r.block_bytes) : report::FrameFacts{};
    e.frame.pfn = l.pfn;
    e.frame.phys_addr = PageSize(d.page_size).toBytes(l.pfn - Pfn());
    e.role = l.role == frames::CompoundRole::kHead   ? "head"
             : l.role == frames::CompoundRole::kTail ? "tail"
                                                     : "none";
    if (l.compound) {
      const frames::CompoundExtent& c = *l.compound;
      report::FrameCompound rc{
          c.head.pfn,   c.pages,  PageSize(d.page_size).toBytes(PageCount(c.pages)),
          std::nullopt, c.mapped, c.counted};
      if (std::has_single_bit(c.pages)) rc.order = static_cast<unsigned>(std::countr_zero(c.pages));
      e.compound = rc;
      if (l.role == frames::CompoundRole::kTail) e.head = factsOf(d, c.head, r.block_bytes);
    }
    if (l.category) {
      e.category_id = std::string(frames::categoryId(*l.category));
      e.category_label = std::string(frames::categoryLabel(*l.category));
    }
    r.frames.push_back(std::move(e));
  }
  for (const bundle::Damage& dmg : d.damage)
    r.damage.push_back(dmg.text);
  for (const bundle::Damage& dmg : damage)
    r.damage.push_back(dmg.text);

  std::string text;
  if (format == "json") {
    report::renderFrameJson(r, text);
  } else {
    report::renderFrameText(r, text);
  }
  bundle::OutputFile out(vm["output"].as<std::string>());
  out.write(std::as_bytes(std::span(text)));
  out.commit();
  reportDamage("frame", d.damage);
  reportDamage("frame", damage);
  return r.damage.empty() ? kExitOk : kExitPartial;
}

}  // namespace memsift::cli
