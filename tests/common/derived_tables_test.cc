// cgroups.tsv and memory-blocks.tsv: what the writer escapes the readers unescape, every part is
// recognised by its name, and only the first part has a header.
#include <catch2/catch.hpp>

#include "common/bundle/bundle_format.h"
#include "common/bundle/derived_tables.h"

using namespace memsift;
using namespace memsift::bundle;

TEST_CASE("derived tables: a member's part is named once and parsed back") {
  CHECK(textPartMemberName("cgroups.tsv", 1) == "cgroups.tsv");
  CHECK(textPartMemberName("cgroups.tsv", 3) == "cgroups.tsv.part3");
  CHECK(parseTextPartMemberName("proc/1/smaps.part12").source == "proc/1/smaps");
  CHECK(parseTextPartMemberName("proc/1/smaps.part12").part == 12);
  for (std::string_view not_part : {"a.part1", "a.part", "a.partx", "a.part2x", "a"}) {
    CAPTURE(not_part);
    CHECK(parseTextPartMemberName(not_part).source == not_part);
    CHECK(parseTextPartMemberName(not_part).part == 1);
  }
  REQUIRE(derivedTablePart("memory-blocks.tsv.part2"));
  CHECK(derivedTablePart("memory-blocks.tsv.part2")->table == DerivedTable::kMemoryBlocks);
  CHECK(derivedTablePart("memory-blocks.tsv.part2")->part == 2);
  CHECK(derivedTablePart("cgroups.tsv")->table == DerivedTable::kCgroupMap);
  CHECK(!derivedTablePart("sys/cgroups.tsv"));
  CHECK(!derivedTablePart("cgroups.tsv.old"));
}

TEST_CASE("derived tables: escaped paths come back as written, across parts") {
  const std::string odd = "/machine.slice/machine-qemu\\x2d1\\x2dvm.scope/tab\there\nnewline";
  std::string part1 = std::string(kCgroupMapHeader) + "\n1\t42\t";
  appendTableField(part1, odd);
  part1 += "\n";
  CHECK(part1.find('\t', part1.rfind("42\t") + 3) == std::string::npos);  // the tab escaped
  // Part 2 has no header: its first row is a row.
  const std::string part2 = "1\t43\t/b\n";
  std::vector<parse::ParseIssue> issues;
  parse::IssueSink sink("cgroups.tsv", issues);
  std::vector<CgroupRow> rows;
  parseCgroupRows(part1, 1, rows, sink);
  parseCgroupRows(part2, 2, rows, sink);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].hierarchy == 1);
  CHECK(rows[0].inode == 42);
  CHECK(rows[0].path == odd);
  CHECK(rows[1].inode == 43);
  CHECK(rows[1].path == "/b");
  CHECK(issues.empty());
}

TEST_CASE("derived tables: malformed rows are named and left out") {
  std::vector<parse::ParseIssue> issues;
  parse::IssueSink sink("memory-blocks.tsv.part2", issues);
  std::vector<MemoryBlockRow> rows;
  parseMemoryBlockRows("7\tonline\t1\tNormal\nx\tonline\t0\tNormal\n9\toffline\t-\t-\n", 2, rows,
                       sink);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].block == 7);
  CHECK(rows[0].state == "online");
  CHECK(rows[0].node == 1);
  CHECK(rows[1].block == 9);
  CHECK(!rows[1].node);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].format() ==
        "memory-blocks.tsv.part2:2: expected 'block<TAB>state<TAB>node<TAB>valid_zones': "
        "x\\x09online\\x090\\x09Normal");
}

TEST_CASE("derived tables: process-fds.tsv rows, descriptor lists and notes") {
  REQUIRE(derivedTablePart("process-fds.tsv.part4"));
  CHECK(derivedTablePart("process-fds.tsv.part4")->table == DerivedTable::kProcessFds);
  const std::string text = std::string(kProcessFdsHeader) +
                           "\n1\t280\t3\t\t\t\t\n42\t9\t1\t3,7\t5\t6\tcapped at 65536 "
                           "descriptors\n43\t0\t0\t\t\t\tEACCES (Permission denied)\nbad\trow\n";
  std::vector<parse::ParseIssue> issues;
  parse::IssueSink sink("process-fds.tsv", issues);
  std::vector<ProcessFdRow> rows;
  parseProcessFdRows(text, 1, rows, sink);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].pid == 1);
  CHECK(rows[0].fds == 280);
  CHECK(rows[0].pipes == 3);
  CHECK(rows[0].io_uring.empty());
  CHECK(rows[1].io_uring == std::vector<uint64_t>{3, 7});
  CHECK(rows[1].vfio == std::vector<uint64_t>{5});
  CHECK(rows[1].rdma == std::vector<uint64_t>{6});
  CHECK(rows[1].note == "capped at 65536 descriptors");
  CHECK(rows[2].note == "EACCES (Permission denied)");
  CHECK(issues.size() == 1);
}
