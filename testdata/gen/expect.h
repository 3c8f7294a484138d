// The expectations file: the exact truths of a generated root (what was written, per category,
// node, cgroup and range; the findings an analyzer must reach), for tests to assert against.
// Format: testdata/README.md, "Expectations file".
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "testdata/gen/frame_tables.h"
#include "testdata/gen/host.h"

namespace memsift::testgen {

class Expectations {
 public:
  Expectations(std::string case_name, uint64_t seed);
  // Host facts, layout, counters, processes and cgroups; the tables' truths if `tables`.
  void describe(const Host& h, const FrameTables* tables);
  // A finding whose pages are exactly the category `cat` (its cgroups, nodes and ranges too).
  nlohmann::json& findingFromCategory(const std::string& id, const std::string& severity, Cat cat,
                                      const Host& h, const FrameTables& t);
  // A finding built by the case itself.
  nlohmann::json& finding(nlohmann::json f);
  nlohmann::json& json() { return j_; }
  void write(const fs::path& path) const;

 private:
  nlohmann::json j_;
};

}  // namespace memsift::testgen
