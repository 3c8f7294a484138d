// Frames as text and JSON. Flags are shown raw (every bit the kernel set, as `page-types -r`
// would): the overloaded bits are spelled as page-types expands them, nothing is hidden.
#include "analyzer/report/frame_renderer.h"

#include <cinttypes>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "analyzer/model/format.h"
#include "common/kpf.h"

namespace memsift::report {
namespace {

std::string hex(uint64_t v, int width = 0) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%0*" PRIx64, width, v);
  return b;
}

// Bits page-types has no name for, as "bit N" (it would die on them; memsift names them).
std::string unnamedBits(uint64_t flags) {
  std::string s;
  for (unsigned b = 0; b < 64; ++b) {
    if (!(kpf::unnamedPageTypesBits(flags) & kpf::bit(b))) continue;
    if (const kpf::FlagInfo* info = kpf::findFlag(b)) {
      s.append(s.empty() ? "" : ",").append(info->longName);
    } else {
      s.append(s.empty() ? "" : ",").append("bit ").append(std::to_string(b));
    }
  }
  return s;
}

std::string flagNames(uint64_t flags) {
  const uint64_t shown = kpf::expandOverloadedFlags(flags);
  std::string names = kpf::longNames(shown);
  if (std::string other = unnamedBits(shown); !other.empty())
    names.append(names.empty() ? "" : ",").append(other);
  return names.empty() ? "(none)" : names;
}

// `head`: the head of the compound page `f` is a tail of, if it is one.
std::string cgroupText(const FrameReport& r, const FrameFacts& f, const FrameFacts* head) {
  if (!f.cgroup_inode) {
    return "unknown: the bundle has no " + (r.cgroup_missing.empty()
                                                ? std::string("kpagecgroup for this frame")
                                                : r.cgroup_missing);
  }
  if (*f.cgroup_inode == 0 && head && head->cgroup_inode.value_or(0) != 0) {
    // 4.18-era kernels report a compound page's memory cgroup on its head only.
    return "0: a tail; the compound page is charged through its head (below)";
  }
  if (*f.cgroup_inode == 0) return "none (kpagecgroup 0: not charged to a memory cgroup)";
  const std::string inode = "inode " + std::to_string(*f.cgroup_inode);
  if (f.cgroup_path) return *f.cgroup_path + " (" + inode + ")";
  return "@" + std::to_string(*f.cgroup_inode) + " (" + inode +
         ", not in the bundle's cgroup tree: removed, or a hierarchy not captured)";
}

std::string nodeText(const FrameReport& r, const FrameFacts& f) {
  if (!f.node) return "unknown: the bundle has no " + r.node_missing;
  if (*f.node < 0) return "none (outside every memory range: a hole)";
  return std::to_string(*f.node);
}

std::string blockText(const FrameReport& r, const FrameFacts& f) {
  if (!f.memory_block) return "unknown: the bundle has no " + r.block_missing;
  return "memory" + std::to_string(*f.memory_block) + " (blocks of " +
         formatBytes(ByteCount(r.block_bytes)) + ")";
}

void appendFacts(const FrameReport& r, const FrameFacts& f, const FrameFacts* head,
                 const char* indent, std::string& out) {
  auto line = [&](const char* label, const std::string& value) {
    char b[32];
    std::snprintf(b, sizeof b, "%s%-14s", indent, label);
    out.append(b).append(value).append("\n");
  };
  line("flags", hex(f.flags, 16) + "  " + kpf::symbolic(kpf::expandOverloadedFlags(f.flags)));
  line("", flagNames(f.flags));
  line("kpagecount", f.kpagecount ? std::to_string(*f.kpagecount)
                                  : "unknown: the bundle has no kpagecount for this frame");
  line("memory cgroup", cgroupText(r, f, head));
  line("NUMA node", nodeText(r, f));
  line("memory block", blockText(r, f));
}

std::string compoundText(const FrameEntry& e) {
  const FrameCompound& c = *e.compound;
  std::string size = formatCount(c.pages) + " frames, " + formatBytes(c.bytes);
  if (c.order) size += ", order " + std::to_string(*c.order);
  std::string mapped = c.counted ? formatCount(c.mapped) + " of its frames mapped"
                                 : "mapped frames unknown (kpagecount missing)";
  if (e.role == "head") return "head of a compound page (" + size + "); " + mapped;
  return "tail " + formatCount((e.frame.pfn - c.head).value()) + " of the compound page at " +
         formatPfn(c.head) + " (" + size + "); " + mapped;
}

nlohmann::ordered_json optional(const auto& v) {
  return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json factsJson(const FrameReport& r, const FrameFacts& f) {
  using json = nlohmann::ordered_json;
  json names = json::array();
  const std::string joined = flagNames(f.flags);
  if (joined != "(none)") {
    size_t start = 0;
    for (size_t comma; (comma = joined.find(',', start)) != std::string::npos; start = comma + 1)
      names.push_back(joined.substr(start, comma - start));
    names.push_back(joined.substr(start));
  }
  json j = {{"pfn", f.pfn.value()},
            {"phys_addr", f.phys_addr.value()},
            {"flags", f.flags},
            {"flags_symbolic", kpf::symbolic(kpf::expandOverloadedFlags(f.flags))},
            {"flag_names", names},
            {"kpagecount", optional(f.kpagecount)},
            {"cgroup_inode", optional(f.cgroup_inode)},
            {"cgroup_path", optional(f.cgroup_path)},
            {"node", optional(f.node)},
            {"memory_block", optional(f.memory_block)}};
  json unknown = json::object();
  if (!f.cgroup_inode) unknown["cgroup"] = r.cgroup_missing;
  if (!f.node) unknown["node"] = r.node_missing;
  if (!f.memory_block) unknown["memory_block"] = r.block_missing;
  j["unknown_because"] = unknown;
  return j;
}

}  // namespace

void renderFrameText(const FrameReport& r, std::string& out) {
  out.append(r.hostname)
      .append(", ")
      .append(r.kernel)
      .append(" ")
      .append(r.arch)
      .append(", pages of ")
      .append(formatPageSize(r.page_size))
      .append("\n");
  for (const FrameEntry& e : r.frames) {
    out.append("\nPFN ").append(formatPfn(e.frame.pfn));
    out.append(" (").append(std::to_string(e.frame.pfn.value())).append("), physical address ");
    out.append(hex(e.frame.phys_addr.value())).append("\n");
    if (!e.in_tables) {
      out.append("  not in the bundle's page-frame tables (beyond their end, or in a lost part)\n");
      continue;
    }
    appendFacts(r, e.frame, e.head ? &*e.head : nullptr, "  ", out);
    std::string compound = "none (a base page)";
    if (e.compound) {
      compound = compoundText(e);
    } else if (e.role == "tail") {
      compound = "a tail whose head is not in the tables read";
    }
    char b[32];
    std::snprintf(b, sizeof b, "  %-14s", "compound");
    out.append(b).append(compound).append("\n");
    std::snprintf(b, sizeof b, "  %-14s", "category");
    out.append(b)
        .append(e.category_id ? *e.category_label + " [" + *e.category_id + "]" : "unknown")
        .append(e.compound ? ", the whole compound page" : "")
        .append("\n");
    if (e.head) {
      out.append("  its head, PFN ").append(formatPfn(e.head->pfn)).append(":\n");
      appendFacts(r, *e.head, nullptr, "    ", out);
    }
  }
}

void renderFrameJson(const FrameReport& r, std::string& out) {
  using json = nlohmann::ordered_json;
  json frames = json::array();
  for (const FrameEntry& e : r.frames) {
    json j = factsJson(r, e.frame);
    j["in_tables"] = e.in_tables;
    j["role"] = e.role;
    if (e.compound) {
      const FrameCompound& c = *e.compound;
      j["compound"] = {{"head_pfn", c.head.value()},
                       {"pages", c.pages},
                       {"bytes", c.bytes.value()},
                       {"order", optional(c.order)},
                       {"mapped_pages", c.counted ? json(c.mapped) : json(nullptr)}};
    } else {
      j["compound"] = nullptr;
    }
    j["category"] = optional(e.category_id);
    j["head"] = e.head ? factsJson(r, *e.head) : json(nullptr);
    frames.push_back(std::move(j));
  }
  json doc = {{"schema", r.schema}, {"hostname", r.hostname},   {"kernel", r.kernel},
              {"arch", r.arch},     {"page_size", r.page_size}, {"frames", frames},
              {"damage", r.damage}};
  out += doc.dump(2);
  out += '\n';
}

}  // namespace memsift::report
