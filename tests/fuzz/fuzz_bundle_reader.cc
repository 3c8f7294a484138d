// Fuzz target: the bundle reader (zstd, tar, pax, index checks, resync after corrupt data,
// member hints and skipped frames) on arbitrary bytes. It must end every stream, throw only
// memsift::Error for "not a bundle", and never read or allocate past its caps.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/bundle/bundle_reader.h"
#include "common/bundle/byte_stream.h"
#include "common/error.h"

using namespace memsift;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bundle::MemorySource source(std::string_view(reinterpret_cast<const char*>(data), size));
  try {
    bundle::BundleReader reader(source);
    // Half the inputs read as memsift page-types does: two tables skipped at their member hints.
    if (size % 2 == 1) {
      const bundle::PageTable unwanted[] = {bundle::PageTable::kCount, bundle::PageTable::kCgroup};
      reader.skipPageTables(unwanted);
    }
    std::string text;
    while (reader.next()) {
      if (!reader.current().page_chunk) (void)reader.readAll(text);
    }
    (void)reader.complete();
  } catch (const Error&) {
    // Not a bundle, or a newer format: refused with a message, which is the contract.
  }
  return 0;
}
