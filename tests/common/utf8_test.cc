// Strict UTF-8 (common/text/utf8.h): what is a valid sequence, and what the collector's manifest
// strings become when they are not.
#include "common/text/utf8.h"

#include <catch2/catch.hpp>

namespace memsift {

TEST_CASE("UTF-8 sequence lengths follow RFC 3629", "[text]") {
  CHECK(utf8SequenceLength("a", 0) == 1);
  CHECK(utf8SequenceLength("\x1b", 0) == 1);          // a control is ASCII: escaping is printable's
  CHECK(utf8SequenceLength("\xc3\xa9", 0) == 2);      // é
  CHECK(utf8SequenceLength("\xe2\x82\xac", 0) == 3);  // €
  CHECK(utf8SequenceLength("\xf0\x9f\x98\x80", 0) == 4);
  CHECK(utf8SequenceLength("\xc0\xaf", 0) == 0);          // overlong '/'
  CHECK(utf8SequenceLength("\xe0\x80\xaf", 0) == 0);      // overlong, 3 bytes
  CHECK(utf8SequenceLength("\xed\xa0\x80", 0) == 0);      // a surrogate
  CHECK(utf8SequenceLength("\xf4\x90\x80\x80", 0) == 0);  // above U+10FFFF
  CHECK(utf8SequenceLength("\xe2\x82", 0) == 0);          // cut short
  CHECK(utf8SequenceLength("\xe2\x28\xa1", 0) == 0);      // a bad continuation
  CHECK(utf8SequenceLength("\x80", 0) == 0);
}

TEST_CASE("invalid UTF-8 becomes U+FFFD byte by byte, valid text is kept", "[text]") {
  CHECK(replaceInvalidUtf8("host-\xc3\xa9t\xc3\xa9") == "host-\xc3\xa9t\xc3\xa9");
  CHECK(replaceInvalidUtf8("a\xff"
                           "b") ==
        "a\xef\xbf\xbd"
        "b");
  CHECK(replaceInvalidUtf8("\xc0\xaf") == "\xef\xbf\xbd\xef\xbf\xbd");
  CHECK(replaceInvalidUtf8("\xe2\x82") == "\xef\xbf\xbd\xef\xbf\xbd");
  CHECK(replaceInvalidUtf8("") == "");
  CHECK(validUtf8(replaceInvalidUtf8("\xf5\x80\x80\x80x")));
}

}  // namespace memsift
