// Issue 5's check that the HTML report renders to a picture: the seed report in headless
// Chromium must give a screenshot far from a blank page's.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>

#include "analyzer/report/html_renderer.h"
#include "tests/analyzer/sample_report.h"
#include "tests/test_support.h"

using namespace memsift;
namespace fs = std::filesystem;

namespace {

constexpr const char* kChromium = "/usr/bin/chromium";

// Screenshots `page` into `png` with a fresh profile; returns the PNG's bytes.
std::string screenshot(const test::TempDir& dir, const fs::path& page, const std::string& name) {
  fs::path profile = dir / (name + "-profile");
  fs::path png = dir / (name + ".png");
  fs::create_directories(profile);
  // HOME too, so that nothing lands in the real home directory.
  std::string command = "HOME='" + profile.string() + "' timeout 120 " + kChromium +
                        " --headless --no-sandbox --disable-gpu --no-first-run"
                        " --disable-background-networking --disable-component-update"
                        " --disable-sync --hide-scrollbars --user-data-dir='" +
                        profile.string() + "' --screenshot='" + png.string() +
                        "' --window-size=1280,2000 'file://" + page.string() + "'";
  test::CommandResult r = test::run(command);
  INFO(command << "\n" << r.out);
  REQUIRE(fs::exists(png));
  std::string data = test::readFile(png);
  REQUIRE(data.size() > 8);
  REQUIRE(data.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
  return data;
}

}  // namespace

TEST_CASE("the seed HTML report renders in headless Chromium and is not blank",
          "[report][html][browser]") {
  if (access(kChromium, X_OK) != 0)
    test::skipTest(std::string(kChromium) +
                   " is missing: install the 'chromium' package (.ci/install-deps does)");
  test::TempDir dir;
  std::string html;
  report::renderHtml(test::seedReport(), html);
  test::writeFile(dir / "report.html", html);
  test::writeFile(dir / "blank.html",
                  "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>blank</title>"
                  "</head><body></body></html>\n");

  std::string blank = screenshot(dir, dir / "blank.html", "blank");
  std::string report = screenshot(dir, dir / "report.html", "report");
  std::printf("screenshot PNG sizes: blank page %zu bytes, seed report %zu bytes\n", blank.size(),
              report.size());
  // A blank page compresses to almost nothing; text, bars and the map cannot.
  CHECK(report.size() > 10 * blank.size());
  CHECK(report.size() > blank.size() + 50000);
}
