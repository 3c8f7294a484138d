// The bundle writer: tar framing, per-member XXH64 for the index, zstd frames cut at member
// boundaries, page-table members in frames of their own behind a member hint, a series' cheap
// snapshots inside series wrappers with an index of their own. Nothing of a member is kept after
// addMember() returns except its index record, and a cheap snapshot's records only until its
// series/K/index.json is written.
#include "common/bundle/bundle_writer.h"

#include <zstd.h>

#include <vector>

#include "common/bundle/manifest.h"
#include "common/bundle/members.h"
#include "common/bundle/page_chunk_compressor.h"
#include "common/bundle/series_wrapper.h"
#include "common/bundle/tar.h"
#include "common/bundle/zstd_stream.h"
#include "common/error.h"
#include "common/hash/xxhash64.h"
#include "common/text/terminal_text.h"

namespace memsift::bundle {

namespace {
struct MemberRecord {
  uint32_t name_offset;  // into Impl::names
  uint32_t name_length;
  uint64_t size;
  uint64_t hash;
};
struct SourceRecord {
  std::string member;
  SourceStatus status;
  std::string detail;
};

// Between the compressor and the bundle's sink: counts what reaches the sink, and while a
// series wrapper is written, holds its frames in `frame` instead (their length goes into the
// wrapper's header, written before them).
class FrameSink : public ByteSink {
 public:
  explicit FrameSink(ByteSink& out) : out_(out) {}
  void write(std::span<const std::byte> data) override {
    if (holding_) {
      frame.append(reinterpret_cast<const char*>(data.data()), data.size());
    } else {
      out_.write(data);
      written_ += data.size();
    }
  }
  void hold(bool on) { holding_ = on; }
  void pass(std::string_view bytes) {
    holding_ = false;
    write(std::as_bytes(std::span(bytes)));
  }
  uint64_t written() const { return written_; }
  std::string frame;  // capacity kept between wrappers: allocated once

 private:
  ByteSink& out_;
  bool holding_ = false;
  uint64_t written_ = 0;
};
}  // namespace

struct BundleWriter::Impl {
  Impl(ByteSink& sink, const BundleWriterOptions& o)
      : options(o), frame_sink(sink), zstd(frame_sink, o.zstd_level) {}

  BundleWriterOptions options;
  FrameSink frame_sink;
  ZstdEncoder zstd;
  std::string hint;    // reused for each member hint
  std::string header;  // reused for each member's tar header(s)
  // The index is the only state that grows with the bundle: ~24 bytes plus the name per member
  // outside series wrappers; a cheap snapshot's records go once its own index is written.
  std::string names;
  std::vector<MemberRecord> members;
  std::vector<SourceRecord> sources;
  uint64_t member_count = 0;
  // The cheap snapshot being written (0: none), where its records begin, and its sources.
  unsigned series_seq = 0;
  size_t series_first_member = 0;
  size_t series_first_name = 0;
  std::vector<SourceRecord> series_sources;
  // addPageChunk()'s: a chunk compressed on the writer's own thread.
  std::unique_ptr<PageChunkCompressor> compressor;
  CompressedPageChunk chunk;
  uint64_t own_frames_in = 0;  // tar bytes of the members in frames of their own
  bool manifest_written = false;
  bool finished = false;

  void write(std::span<const std::byte> data) { zstd.write(data); }
  void write(std::string_view s) {
    write(std::span(reinterpret_cast<const std::byte*>(s.data()), s.size()));
  }

  void checkAdding(std::string_view name) const {
    if (finished) throw Error(ErrorKind::kInternal, "bundle member added after finish()");
    if (!manifest_written && name != kManifestName) {
      throw Error(ErrorKind::kInternal, "manifest.json must be the first bundle member");
    }
    if (!tar::isSafeMemberName(name)) {
      throw Error(ErrorKind::kInternal, "unsafe bundle member name: " + std::string(name));
    }
  }

  void record(std::string_view name, uint64_t size, uint64_t hash) {
    members.push_back(
        {static_cast<uint32_t>(names.size()), static_cast<uint32_t>(name.size()), size, hash});
    names.append(name);
    ++member_count;
  }

  void addMember(std::string_view name, std::span<const std::byte> data) {
    checkAdding(name);
    header.clear();
    tar::encodeFileHeader(header, name, data.size(), options.mtime);
    write(header);
    write(data);
    static constexpr char kZeros[tar::kBlock] = {};
    write(std::string_view(kZeros, tar::paddingFor(data.size())));
    Xxh64 h;
    h.update(data);
    record(name, data.size(), h.digest());
    // Start a new zstd frame after big enough runs, so that damage costs at most one frame.
    if (zstd.bytesInFrame() >= options.frame_bytes) zstd.endFrame();
    if (series_seq != 0 && frame_sink.frame.size() >= kSeriesWrapperBytes) endWrapper(true);
  }

  // Ends the current series wrapper: its last frame, then its header and the frames it held go
  // to the sink. `more`: the snapshot goes on in a new wrapper.
  void endWrapper(bool more) {
    if (zstd.bytesInFrame() > 0) zstd.endFrame();
    if (!frame_sink.frame.empty()) {
      hint.clear();
      appendSeriesWrapperHeader(hint, series_seq, frame_sink.frame.size());
      frame_sink.pass(hint);
      frame_sink.pass(frame_sink.frame);
    }
    frame_sink.frame.clear();
    frame_sink.hold(more);
  }

  // An index member (index.json, series/K/index.json): `head`'s keys, "sources", and "members"
  // [{name, size, xxh64}] of members[first_member..]. Generated twice from the compact records,
  // once to learn its size for the tar header, once into the compressor, a member line at a
  // time: memory stays at the records, never a JSON tree of the whole index.
  void writeIndex(std::string_view name, nlohmann::json head, const std::vector<SourceRecord>& srcs,
                  size_t first_member);

  // A page-table member: a zstd frame of its own, preceded by its member hint, so that a reader
  // can skip it without decompressing.
  void addOwnFrame(const CompressedPageChunk& chunk) {
    const std::string name = pageChunkMemberName(chunk.table, chunk.start);
    checkAdding(name);
    if (series_seq != 0) throw Error(ErrorKind::kInternal, "page chunk inside a series snapshot");
    if (zstd.bytesInFrame() > 0) zstd.endFrame();  // the text members before it
    hint.clear();
    appendMemberHint(hint, name, chunk.frame.size());
    frame_sink.pass(hint);
    frame_sink.pass(chunk.frame);
    own_frames_in += tar::kBlock + chunk.data_bytes + tar::paddingFor(chunk.data_bytes);
    record(name, chunk.data_bytes, chunk.xxh64);
  }
};

BundleWriter::BundleWriter(ByteSink& sink, const BundleWriterOptions& options)
    : impl_(std::make_unique<Impl>(sink, options)) {}

BundleWriter::~BundleWriter() = default;

void BundleWriter::writeManifest(const Manifest& manifest) {
  writeManifest(manifestJson(manifest));
}

void BundleWriter::writeManifest(nlohmann::json manifest) {
  if (impl_->manifest_written) throw Error(ErrorKind::kInternal, "manifest written twice");
  const std::string text = manifestText(std::move(manifest));
  impl_->manifest_written = true;
  impl_->addMember(kManifestName,
                   std::span(reinterpret_cast<const std::byte*>(text.data()), text.size()));
}

void BundleWriter::addMember(std::string_view name, std::span<const std::byte> data) {
  if (name == kManifestName || name == kIndexName) {
    throw Error(ErrorKind::kInternal, "reserved bundle member name: " + std::string(name));
  }
  impl_->addMember(name, data);
}

void BundleWriter::addMember(std::string_view name, std::string_view text) {
  addMember(name, std::span(reinterpret_cast<const std::byte*>(text.data()), text.size()));
}

void BundleWriter::addPageChunk(PageTable table, Pfn start, std::span<const std::byte> data) {
  Impl& d = *impl_;
  if (!d.compressor) d.compressor = pageChunkCompressor();
  d.compressor->compress(table, start, data, d.chunk);
  d.addOwnFrame(d.chunk);
}

std::unique_ptr<PageChunkCompressor> BundleWriter::pageChunkCompressor() const {
  return std::make_unique<PageChunkCompressor>(impl_->options.zstd_level, impl_->options.mtime);
}

void BundleWriter::addCompressedPageChunk(const CompressedPageChunk& chunk) {
  impl_->addOwnFrame(chunk);
}

void BundleWriter::recordSource(std::string_view member, SourceStatus status,
                                std::string_view detail) {
  (impl_->series_seq != 0 ? impl_->series_sources : impl_->sources)
      .push_back({std::string(member), status, std::string(detail)});
}

namespace {

// JSON string literal for a member or source name (nlohmann escapes what JSON needs). JSON holds
// only Unicode: bytes that are not UTF-8 become U+FFFD here, so such a name is recorded exactly
// beside it (hexBytes, "name_bytes").
void appendJsonString(std::string& out, std::string_view s) {
  out +=
      nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// "\xff\xfe" -> "fffe": a name as it is on the host, whatever its bytes.
std::string hexBytes(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * s.size());
  for (char c : s) {
    auto b = static_cast<unsigned char>(c);
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace

void BundleWriter::Impl::writeIndex(std::string_view name, nlohmann::json head,
                                    const std::vector<SourceRecord>& srcs, size_t first_member) {
  nlohmann::json source_list = nlohmann::json::array();
  for (const SourceRecord& s : srcs) {
    nlohmann::json j = {{"path", s.member}, {"status", sourceStatusName(s.status)}};
    if (!validUtf8(s.member)) j["path_bytes"] = hexBytes(s.member);
    if (!s.detail.empty()) j["detail"] = s.detail;
    source_list.push_back(std::move(j));
  }
  head["sources"] = std::move(source_list);
  std::string prefix = head.dump(1, ' ', false, nlohmann::json::error_handler_t::replace);
  prefix.pop_back();  // the closing brace: "members" follows
  prefix += ",\n \"members\": [";
  const std::string suffix = "\n ]\n}\n";

  std::string line;
  auto memberLine = [&](size_t i) -> const std::string& {
    const MemberRecord& m = members[i];
    line.clear();
    line += i == first_member ? "\n  {\"name\": " : ",\n  {\"name\": ";
    std::string_view member = std::string_view(names).substr(m.name_offset, m.name_length);
    appendJsonString(line, member);
    if (!validUtf8(member)) line.append(", \"name_bytes\": \"").append(hexBytes(member)) += '"';
    line += ", \"size\": " + std::to_string(m.size) + ", \"xxh64\": \"" + xxh64Hex(m.hash) + "\"}";
    return line;
  };
  uint64_t size = prefix.size() + suffix.size();
  for (size_t i = first_member; i < members.size(); ++i)
    size += memberLine(i).size();

  header.clear();
  tar::encodeFileHeader(header, name, size, options.mtime);
  write(header);
  write(prefix);
  for (size_t i = first_member; i < members.size(); ++i)
    write(memberLine(i));
  write(suffix);
  write(std::string(tar::paddingFor(size), '\0'));
}

void BundleWriter::beginSeriesSnapshot(unsigned seq) {
  Impl& d = *impl_;
  if (d.finished || !d.manifest_written || d.series_seq != 0 || seq == 0) {
    throw Error(ErrorKind::kInternal,
                "series snapshot " + std::to_string(seq) + " begun out of turn");
  }
  // The frame before the wrapper ends outside it: a wrapper holds whole frames only.
  if (d.zstd.bytesInFrame() > 0) d.zstd.endFrame();
  d.series_seq = seq;
  d.series_first_member = d.members.size();
  d.series_first_name = d.names.size();
  d.series_sources.clear();
  d.frame_sink.frame.clear();
  d.frame_sink.hold(true);
}

void BundleWriter::endSeriesSnapshot() {
  Impl& d = *impl_;
  if (d.series_seq == 0) throw Error(ErrorKind::kInternal, "no series snapshot to end");
  d.writeIndex(members::seriesMember(d.series_seq, kIndexName), nlohmann::json::object(),
               d.series_sources, d.series_first_member);
  d.endWrapper(false);
  d.members.resize(d.series_first_member);
  d.names.resize(d.series_first_name);
  d.series_sources.clear();
  d.series_seq = 0;
}

void BundleWriter::finish(bool complete, const nlohmann::json& extra) {
  Impl& d = *impl_;
  if (d.finished) throw Error(ErrorKind::kInternal, "bundle finished twice");
  if (d.series_seq != 0) endSeriesSnapshot();  // left open by a caller that stopped early
  nlohmann::json head = extra.is_object() ? extra : nlohmann::json::object();
  head["complete"] = complete;
  d.writeIndex(kIndexName, std::move(head), d.sources, 0);
  d.header.clear();
  tar::encodeEnd(d.header);
  d.write(d.header);
  d.zstd.endFrame();
  d.finished = true;
}

uint64_t BundleWriter::membersWritten() const {
  return impl_->member_count;
}
uint64_t BundleWriter::uncompressedBytes() const {
  return impl_->zstd.bytesIn() + impl_->own_frames_in;
}
uint64_t BundleWriter::compressedBytes() const {
  return impl_->frame_sink.written();
}

}  // namespace memsift::bundle
