// memsift extract: a bundle's members back as files under DIR, with the page-frame tables
// reassembled into DIR/proc/kpageflags, kpagecount, kpagecgroup (so `page-types -F` reads them)
// and multi-part text sources joined. Writes only inside DIR, which must be new or empty: since
// memsift creates every path below it, no symlink can lead a write outside.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>

#include "analyzer/cli/args.h"
#include "analyzer/cli/commands.h"
#include "analyzer/cli/damage_report.h"
#include "common/bundle/bundle_reader.h"
#include "common/bundle/derived_tables.h"
#include "common/error.h"
#include "common/exit_codes.h"
#include "common/text/terminal_text.h"

namespace memsift::cli {
namespace {

namespace fs = std::filesystem;

// Errors that a member's name causes, not the output: another member is a file where this one
// needs a folder ("Not a directory", "File exists") or a folder where it is a file ("Is a
// directory"), or the name is too long for the file system. Such a member is left out and named
// (exit 4, the input is at fault); any other error (disk full, permissions on DIR) is the
// output's (exit 5).
bool causedByName(int err) {
  return err == ENOTDIR || err == EEXIST || err == EISDIR || err == ENAMETOOLONG || err == ELOOP;
}

class FileWriter {
 public:
  // Opens `path`; on an error caused by the member's name returns with !ok() and err() set.
  FileWriter(const fs::path& path, bool append) : path_(path) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) {
      fail(ec.value(), "cannot create the folders of");
      return;
    }
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (append ? 0 : O_TRUNC);
    fd_ = ::open(path.c_str(), flags, 0644);
    if (fd_ < 0) fail(errno, "cannot create");
  }
  ~FileWriter() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  int err() const { return err_; }
  void pwriteAll(std::span<const std::byte> data, uint64_t offset) {
    while (!data.empty()) {
      ssize_t n = ::pwrite(fd_, data.data(), data.size(), static_cast<off_t>(offset));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throwOutput(errnoMessage("cannot write " + printable(path_.string()), errno));
      data = data.subspan(static_cast<size_t>(n));
      offset += static_cast<uint64_t>(n);
    }
  }
  uint64_t size() const { return static_cast<uint64_t>(::lseek(fd_, 0, SEEK_END)); }

 private:
  void fail(int err, const char* what) {
    if (!causedByName(err))
      throwOutput(errnoMessage(std::string(what) + " " + printable(path_.string()), err));
    err_ = err;
  }
  fs::path path_;
  int fd_ = -1;
  int err_ = 0;
};

}  // namespace

int runExtract(const Args& args) {
  po::options_description options("extract options");
  options.add_options()("bundle", po::value<std::string>(), "the bundle (- for stdin)")(
      "dir", po::value<std::string>(), "a new or empty directory to extract into");
  po::variables_map vm;
  if (!parseArgs(args, options, {"bundle", "dir"}, "memsift extract BUNDLE DIR", vm)) {
    return kExitOk;
  }
  fs::path dir = vm["dir"].as<std::string>();
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
    throwUsage(dir.string() + " is not empty; extract into a new or empty directory");
  }
  fs::create_directories(dir);

  bundle::InputFile input(vm["bundle"].as<std::string>());
  bundle::BundleReader reader(input);
  // Written as they are in the bundle (so their checksums still hold), not re-serialized.
  FileWriter(dir / bundle::kManifestName, false)
      .pwriteAll(std::as_bytes(std::span(reader.manifestText())), 0);
  std::optional<FileWriter> index_out;
  uint64_t index_offset = 0;
  reader.setIndexSink([&](std::span<const std::byte> bytes) {
    if (!index_out) index_out.emplace(dir / bundle::kIndexName, false);
    if (!index_out->ok()) return;  // a member took the name: the index is still checked
    index_out->pwriteAll(bytes, index_offset);
    index_offset += bytes.size();
  });
  std::vector<std::string> left_out;  // members whose names the file system refused
  std::vector<std::byte> buf(1 << 20);
  std::string previous;  // last text source, for joining its .partN continuations
  while (reader.next()) {
    const bundle::MemberInfo& m = reader.current();
    uint64_t offset = 0;
    fs::path target;
    bool append = false;
    if (m.page_chunk) {
      target = dir / "proc" / std::string(bundle::pageTableName(m.page_chunk->table));
      offset = m.page_chunk->start.value() * 8;
      append = true;
    } else {
      const bundle::TextPart part = bundle::parseTextPartMemberName(m.name);
      // The derived tables' parts have other members between them (derived_tables.h).
      const bool table_part = part.part >= 2 && bundle::derivedTablePart(m.name).has_value() &&
                              std::filesystem::exists(dir / std::string(part.source));
      if (part.part >= 2 && (part.source == previous || table_part)) {
        target = dir / std::string(part.source);
        append = true;
      } else {
        target = dir / m.name;
        previous = m.name;
      }
    }
    FileWriter out(target, append);
    if (!out.ok()) {
      left_out.push_back("member " + m.name + " not extracted: " + std::strerror(out.err()) +
                         (out.err() == ENAMETOOLONG ? "" : " (another member has that path)"));
      continue;
    }
    if (append && !m.page_chunk) offset = out.size();
    for (size_t n; (n = reader.read(buf)) > 0; offset += n) {
      out.pwriteAll(std::span(buf.data(), n), offset);
    }
  }
  // Member names, paths and messages from the bundle are made safe to print first.
  const bool damaged = reportDamage("extract", readerDamage(reader));
  for (const std::string& p : left_out)
    std::fprintf(stderr, "memsift extract: %s\n", printable(p).c_str());
  return damaged || !left_out.empty() ? kExitPartial : kExitOk;
}

}  // namespace memsift::cli
