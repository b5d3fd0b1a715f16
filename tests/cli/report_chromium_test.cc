// The analyst's report in a real browser: Debian's headless Chromium renders the report built
// from canned results without a console error, the DOM it parsed has every section and chart,
// and the screenshot is a real picture (many colours, the chart colours among them), not a
// blank page. Chromium is a declared test dependency (scripts/lib.sh): when it is missing this
// test fails and says how to install it, so a browser check is never skipped silently.

#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cli/report.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/report_canned_results.h"

namespace confide::cli {
namespace {

constexpr char kChromium[] = "/usr/bin/chromium";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

size_t Count(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

struct Image {
  uint32_t width = 0;
  uint32_t height = 0;
  std::vector<uint32_t> pixels;  // 0xRRGGBB, row-major
};

uint32_t BigEndian(const std::string& data, size_t at) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(data[at])) << 24) |
         (static_cast<uint32_t>(static_cast<unsigned char>(data[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(data[at + 2])) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(data[at + 3]));
}

int Paeth(int a, int b, int c) {
  const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  return pa <= pb && pa <= pc ? a : (pb <= pc ? b : c);
}

// Just enough PNG to read Chromium's screenshots: 8-bit RGB or RGBA, not interlaced.
bool DecodePng(const std::string& data, Image* image, std::string* error) {
  if (data.size() < 8 || data.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) {
    *error = "not a PNG file";
    return false;
  }
  std::string compressed;
  int colour_type = -1;
  for (size_t at = 8; at + 12 <= data.size();) {
    const uint32_t length = BigEndian(data, at);
    const std::string type = data.substr(at + 4, 4);
    if (at + 12 + length > data.size()) {
      *error = "truncated chunk";
      return false;
    }
    if (type == "IHDR") {
      image->width = BigEndian(data, at + 8);
      image->height = BigEndian(data, at + 12);
      colour_type = static_cast<unsigned char>(data[at + 17]);
      if (data[at + 16] != 8 || (colour_type != 2 && colour_type != 6) || data[at + 20] != 0) {
        *error = absl::StrCat("unsupported PNG: bit depth ", static_cast<int>(data[at + 16]),
                              ", colour type ", colour_type);
        return false;
      }
    } else if (type == "IDAT") {
      compressed += data.substr(at + 8, length);
    }
    at += 12 + length;
  }
  const size_t channels = colour_type == 6 ? 4 : 3;
  const size_t stride = image->width * channels;
  std::vector<unsigned char> raw((stride + 1) * image->height);
  uLongf raw_size = raw.size();
  if (colour_type < 0 || image->width == 0 ||
      uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(compressed.data()),
                 compressed.size()) != Z_OK ||
      raw_size != raw.size()) {
    *error = "could not inflate the image data";
    return false;
  }
  std::vector<unsigned char> previous(stride, 0), current(stride);
  for (uint32_t y = 0; y < image->height; ++y) {
    const unsigned char* line = &raw[y * (stride + 1)];
    const int filter = line[0];
    for (size_t x = 0; x < stride; ++x) {
      const int a = x >= channels ? current[x - channels] : 0;
      const int b = previous[x];
      const int c = x >= channels ? previous[x - channels] : 0;
      int predictor = 0;
      switch (filter) {
        case 0:
          break;
        case 1:
          predictor = a;
          break;
        case 2:
          predictor = b;
          break;
        case 3:
          predictor = (a + b) / 2;
          break;
        case 4:
          predictor = Paeth(a, b, c);
          break;
        default:
          *error = absl::StrCat("bad filter ", filter, " on row ", y);
          return false;
      }
      current[x] = static_cast<unsigned char>(line[1 + x] + predictor);
    }
    for (uint32_t x = 0; x < image->width; ++x) {
      const unsigned char* p = &current[x * channels];
      image->pixels.push_back((uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | p[2]);
    }
    previous.swap(current);
  }
  return true;
}

class ReportChromiumTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           absl::StrCat("report_chromium_test_", getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  // The report, screenshot and Chromium's logs stay for inspection when a test fails, or
  // always when CONFIDE_KEEP_TEST_OUTPUT is set.
  void TearDown() override {
    const char* keep = std::getenv("CONFIDE_KEEP_TEST_OUTPUT");  // NOLINT(concurrency-mt-unsafe)
    if (HasFailure() || (keep != nullptr && *keep != '\0')) {
      std::cerr << "test output kept in " << dir_ << "\n";
    } else {
      std::filesystem::remove_all(dir_);
    }
  }

  // Runs Chromium headless on the report with `mode` (--screenshot=... or --dump-dom); returns
  // its exit status, with stdout and stderr in files.
  int RunChromium(const std::string& mode, const std::string& name) {
    const std::string command = absl::StrCat(
        "timeout 240 ", kChromium,
        " --headless --disable-gpu --no-sandbox --no-first-run --disable-extensions"
        " --hide-scrollbars --enable-logging=stderr --v=0 --window-size=1200,3000"
        " --user-data-dir=",
        (dir_ / "profile").string(), " ", mode, " file://", (dir_ / "report.html").string(), " >",
        (dir_ / (name + ".out")).string(), " 2>", (dir_ / (name + ".err")).string(), " </dev/null");
    return std::system(command.c_str());  // NOLINT(concurrency-mt-unsafe): one thread
  }

  // Lines of Chromium's log that report a page console message or an uncaught exception.
  std::vector<std::string> ConsoleErrors(const std::string& name) {
    std::vector<std::string> errors;
    for (absl::string_view line :
         absl::StrSplit(ReadAll((dir_ / (name + ".err")).string()), '\n')) {
      if (absl::StrContains(line, ":CONSOLE") || absl::StrContains(line, "Uncaught")) {
        errors.emplace_back(line);
      }
    }
    return errors;
  }

  std::filesystem::path dir_;
};

TEST_F(ReportChromiumTest, RendersWithoutConsoleErrorsAndIsNotBlank) {
  ASSERT_EQ(access(kChromium, X_OK), 0)
      << kChromium << " is not installed, so the report cannot be checked in a browser. "
      << "Install the test dependencies as root: "
      << "bash -c 'source scripts/lib.sh && confide_install_packages' "
      << "(or apt-get install -y chromium).";
  const std::string html = RenderAnalystReport(testing::CannedReportInput());
  {
    std::ofstream out(dir_ / "report.html", std::ios::binary);
    out << html;
    ASSERT_TRUE(out.good());
  }
  const std::string png = (dir_ / "report.png").string();
  const int shot = RunChromium(absl::StrCat("--screenshot=", png), "screenshot");
  ASSERT_TRUE(WIFEXITED(shot) && WEXITSTATUS(shot) == 0)
      << "chromium failed (status " << shot << "):\n"
      << ReadAll((dir_ / "screenshot.err").string());
  EXPECT_THAT(ConsoleErrors("screenshot"), ::testing::IsEmpty());

  Image image;
  std::string error;
  ASSERT_TRUE(DecodePng(ReadAll(png), &image, &error)) << png << ": " << error;
  EXPECT_EQ(image.width, 1200u);
  EXPECT_EQ(image.height, 3000u);
  std::set<uint32_t> colours;
  size_t not_white = 0, police_blue = 0;
  for (uint32_t pixel : image.pixels) {
    if (colours.size() < 100000) {
      colours.insert(pixel);
    }
    not_white += pixel != 0xffffff;
    // The police series / bar colour #1f4e9c, allowing for colour management.
    const int r = static_cast<int>(pixel >> 16), g = (pixel >> 8) & 0xff, b = pixel & 0xff;
    police_blue += std::abs(r - 0x1f) <= 6 && std::abs(g - 0x4e) <= 6 && std::abs(b - 0x9c) <= 6;
  }
  EXPECT_GE(colours.size(), 50u) << "the screenshot looks blank or flat";
  EXPECT_GT(not_white, image.pixels.size() / 20) << "less than 5% of the page is drawn";
  EXPECT_GT(police_blue, 500u) << "the chart colours are missing: charts did not render";
}

TEST_F(ReportChromiumTest, ParsedDomHasEverySectionAndChart) {
  ASSERT_EQ(access(kChromium, X_OK), 0)
      << kChromium << " is not installed. Install the test dependencies as root: "
      << "bash -c 'source scripts/lib.sh && confide_install_packages'.";
  const std::string html = RenderAnalystReport(testing::CannedReportInput());
  {
    std::ofstream out(dir_ / "report.html", std::ios::binary);
    out << html;
    ASSERT_TRUE(out.good());
  }
  const int dumped = RunChromium("--dump-dom", "dom");
  ASSERT_TRUE(WIFEXITED(dumped) && WEXITSTATUS(dumped) == 0)
      << "chromium failed (status " << dumped << "):\n"
      << ReadAll((dir_ / "dom.err").string());
  EXPECT_THAT(ConsoleErrors("dom"), ::testing::IsEmpty());
  const std::string dom = ReadAll((dir_ / "dom.out").string());
  for (const char* id : {"trends", "home-office", "rates", "hour-of-week", "repeat", "overlap",
                         "hot-spots", "suppression"}) {
    EXPECT_THAT(dom, ::testing::HasSubstr(absl::StrCat("<section id=\"", id, "\">"))) << id;
  }
  // The browser saw every chart and no element the page did not write itself.
  EXPECT_EQ(Count(dom, "<svg class=\"chart\""), Count(html, "<svg class=\"chart\""));
  EXPECT_GE(Count(dom, "<svg class=\"chart\""), 7u);
  EXPECT_EQ(Count(dom, "<img"), 0u);
  EXPECT_EQ(Count(dom, "<script"), 0u);
  EXPECT_THAT(dom, ::testing::HasSubstr("&lt;img src=x onerror=alert(1)&gt;"));
}

}  // namespace
}  // namespace confide::cli
