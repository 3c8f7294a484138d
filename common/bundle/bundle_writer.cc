// The bundle writer: tar framing, per-member XXH64 for the index, zstd frames cut at member
// boundaries, page-table members in frames of their own behind a member hint. Nothing of a
// member is kept after addMember() returns except its index record.
#include "common/bundle/bundle_writer.h"

#include <zstd.h>

#include <vector>

#include "common/bundle/manifest.h"
#include "common/bundle/page_chunk_compressor.h"
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

// Between the compressor and the bundle's sink: counts what reaches the sink.
class FrameSink : public ByteSink {
 public:
  explicit FrameSink(ByteSink& out) : out_(out) {}
  void write(std::span<const std::byte> data) override {
    out_.write(data);
    written_ += data.size();
  }
  void pass(std::string_view bytes) { write(std::as_bytes(std::span(bytes))); }
  uint64_t written() const { return written_; }

 private:
  ByteSink& out_;
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
  // The index is the only state that grows with the bundle: ~24 bytes plus the name per member.
  std::string names;
  std::vector<MemberRecord> members;
  std::vector<SourceRecord> sources;
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
  }

  // A page-table member: a zstd frame of its own, preceded by its member hint, so that a reader
  // can skip it without decompressing.
  void addOwnFrame(const CompressedPageChunk& chunk) {
    const std::string name = pageChunkMemberName(chunk.table, chunk.start);
    checkAdding(name);
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
  impl_->sources.push_back({std::string(member), status, std::string(detail)});
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

void BundleWriter::finish(bool complete, const nlohmann::json& extra) {
  Impl& d = *impl_;
  if (d.finished) throw Error(ErrorKind::kInternal, "bundle finished twice");
  // index.json is generated twice from the compact member records: once to learn its size for
  // the tar header, once into the compressor, a member line at a time. Memory stays at the
  // records (~24 bytes plus the name per member), never a JSON tree of the whole index.
  nlohmann::json head = extra.is_object() ? extra : nlohmann::json::object();
  head["complete"] = complete;
  nlohmann::json sources = nlohmann::json::array();
  for (const SourceRecord& s : d.sources) {
    nlohmann::json j = {{"path", s.member}, {"status", sourceStatusName(s.status)}};
    if (!validUtf8(s.member)) j["path_bytes"] = hexBytes(s.member);
    if (!s.detail.empty()) j["detail"] = s.detail;
    sources.push_back(std::move(j));
  }
  head["sources"] = std::move(sources);
  std::string prefix = head.dump(1, ' ', false, nlohmann::json::error_handler_t::replace);
  prefix.pop_back();  // the closing brace: "members" follows
  prefix += ",\n \"members\": [";
  const std::string suffix = "\n ]\n}\n";

  std::string line;
  auto memberLine = [&](size_t i) -> const std::string& {
    const MemberRecord& m = d.members[i];
    line.clear();
    line += i == 0 ? "\n  {\"name\": " : ",\n  {\"name\": ";
    std::string_view name = std::string_view(d.names).substr(m.name_offset, m.name_length);
    appendJsonString(line, name);
    if (!validUtf8(name)) line.append(", \"name_bytes\": \"").append(hexBytes(name)) += '"';
    line += ", \"size\": " + std::to_string(m.size) + ", \"xxh64\": \"" + xxh64Hex(m.hash) + "\"}";
    return line;
  };
  uint64_t size = prefix.size() + suffix.size();
  for (size_t i = 0; i < d.members.size(); ++i)
    size += memberLine(i).size();

  d.header.clear();
  tar::encodeFileHeader(d.header, kIndexName, size, d.options.mtime);
  d.write(d.header);
  d.write(prefix);
  for (size_t i = 0; i < d.members.size(); ++i)
    d.write(memberLine(i));
  d.write(suffix);
  d.write(std::string(tar::paddingFor(size), '\0'));
  d.header.clear();
  tar::encodeEnd(d.header);
  d.write(d.header);
  d.zstd.endFrame();
  d.finished = true;
}

uint64_t BundleWriter::membersWritten() const {
  return impl_->members.size();
}
uint64_t BundleWriter::uncompressedBytes() const {
  return impl_->zstd.bytesIn() + impl_->own_frames_in;
}
uint64_t BundleWriter::compressedBytes() const {
  return impl_->frame_sink.written();
}

}  // namespace memsift::bundle
