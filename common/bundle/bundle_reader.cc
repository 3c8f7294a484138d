// The bundle reader's public side: opening a bundle (its manifest.json read and checked, a file
// that is not a bundle named for what it is) and the calls of bundle_reader.h. The member stream
// is reader_stream.cc, the index check reader_index.cc; their shared state bundle_reader_impl.h.
#include "common/bundle/bundle_reader.h"

#include "common/bundle/bundle_reader_impl.h"
#include "common/bundle/manifest.h"
#include "common/bundle/members.h"
#include "common/error.h"
#include "common/json/json_field.h"
#include "memsift/version.h"

namespace memsift::bundle {

BundleReader::BundleReader(ByteSource& source, bool hash_members)
    : impl_(std::make_unique<Impl>(source, hash_members)) {
  Impl& d = *impl_;
  if (!d.readHeader()) {
    if (std::string kind = describeForeignFile(d.head.head()); !kind.empty()) {
      // A bundle someone decompressed is still the evidence: say how to make it one again.
      std::string hint = kind == "an uncompressed tar archive"
                             ? "; if it is a decompressed bundle, `zstd FILE` makes it one again"
                             : "";
      throwInput("not a memsift bundle: this is " + kind +
                 " (memsift-collect writes a tar archive compressed with zstd, *.tar.zst" + hint +
                 ")");
    }
    if (d.zstd.state() == ZstdDecoder::State::kCorrupt) {
      throwInput("not a memsift bundle (not a zstd stream: " + d.zstd.error() + ")");
    }
    throwInput("not a memsift bundle (" + (d.damage ? d.damage->text : "empty") + ")");
  }
  if (d.member.name != kManifestName) {
    throwInput("not a memsift bundle: its first member is '" + d.member.name +
               "', expected manifest.json");
  }
  d.manifest_bytes = d.member.size;
  if (!d.readManifest()) {
    throwInput("not a memsift bundle: " +
               (d.damage ? d.damage->text : std::string("unreadable manifest.json")));
  }
  if (std::optional<std::string> problem = formatProblem(d.manifest)) {
    throwInput("not a memsift bundle: manifest.json's " + *problem);
  }
  const nlohmann::json& format = jsonField(d.manifest, "format");
  // In range (formatProblem): no truncation.
  d.major = static_cast<int>(jsonField(format, "major").get<uint64_t>());
  d.minor = static_cast<int>(jsonField(format, "minor").get<uint64_t>());
  if (d.major > kBundleFormatMajor) {
    throwInput("bundle format " + std::to_string(d.major) + "." + std::to_string(d.minor) +
               " is newer than this memsift reads (" + std::to_string(kBundleFormatMajor) + "." +
               std::to_string(kBundleFormatMinor) + "); use a newer memsift");
  }
  if (std::optional<std::string> problem = manifestProblem(d.manifest)) {
    throwInput("unusable bundle: manifest.json's " + *problem);
  }
}

BundleReader::~BundleReader() = default;

void BundleReader::skipPageTables(std::span<const PageTable> tables) {
  Impl& d = *impl_;
  for (PageTable t : tables)
    d.skip_tables[static_cast<size_t>(t)] = true;
  d.zstd.setSkipFilter(
      [&d](std::string_view member) { return d.unwanted(parsePageChunkMemberName(member)); });
}

uint64_t BundleReader::skippedMembers() const {
  return impl_->census.skippedCount();
}

uint64_t BundleReader::decompressedBytes() const {
  return impl_->zstd.bytesOut() + impl_->produced_in_workers;
}

uint64_t BundleReader::membersFromWorkers() const {
  return impl_->members_from_workers;
}

std::unique_ptr<FrameJob> BundleReader::takeDecoded() {
  Impl& d = *impl_;
  // Only a member not read from yet: what read() took of it is the caller's already.
  if (!d.decoded || d.decoded_pos != 0) return nullptr;
  return d.takeDecoded();
}

void BundleReader::recycle(std::unique_ptr<FrameJob> job) {
  impl_->recycle(std::move(job));
}

void BundleReader::setDecodeThreads(unsigned threads) {
  impl_->startWorkers(threads);
}

const nlohmann::json& BundleReader::manifest() const {
  return impl_->manifest;
}
uint64_t BundleReader::manifestBytes() const {
  return impl_->manifest_bytes;
}
int BundleReader::formatMajor() const {
  return impl_->major;
}
int BundleReader::formatMinor() const {
  return impl_->minor;
}

bool BundleReader::next() {
  Impl& d = *impl_;
  for (;;) {
    if (d.ended && !d.resume()) return false;
    if (!d.closeMember()) continue;
    if (d.workers && d.nextDecoded()) return true;
    if (!d.readHeader()) continue;
    if (d.unwanted(d.member.page_chunk)) continue;  // read and dropped (no hint to skip it)
    if (members::isSeriesIndex(d.member.name)) {
      if (!d.readSeriesIndex()) continue;
      return true;
    }
    if (d.member.name != kIndexName) return true;
    if (!d.readIndex()) continue;
    // Whatever follows index.json should be the end of the archive; a member after it is odd but
    // still returned.
  }
}

uint64_t BundleReader::resumes() const {
  return impl_->resumes;
}

bool BundleReader::memberCorrupt() const {
  return impl_->member_corrupt;
}

const MemberInfo& BundleReader::current() const {
  return impl_->member;
}

size_t BundleReader::read(std::span<std::byte> data) {
  return impl_->readMember(data);
}

bool BundleReader::readAll(std::string& out, uint64_t cap, bool* cut) {
  bool was_cut = false;
  bool ok = impl_->readUpTo(out, cap, was_cut);
  if (cut) *cut = was_cut;
  return ok;
}

bool BundleReader::complete() const {
  return impl_->ended && !impl_->damage && !impl_->index.is_null();
}
const std::optional<Damage>& BundleReader::damage() const {
  return impl_->damage;
}
const std::vector<Damage>& BundleReader::problems() const {
  return impl_->problems;
}
const nlohmann::json& BundleReader::index() const {
  return impl_->index;
}
uint64_t BundleReader::indexEntries() const {
  return impl_->index_entries;
}
const std::string& BundleReader::manifestText() const {
  return impl_->manifest_text;
}
void BundleReader::setIndexSink(std::function<void(std::span<const std::byte>)> sink) {
  impl_->index_sink = std::move(sink);
}

}  // namespace memsift::bundle
