// Memory must depend on the longest record, never on the file size.

#include <stdlib.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "agent/extract/csv_reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

#if defined(__SANITIZE_ADDRESS__)
#define CONFIDE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CONFIDE_ASAN 1
#endif
#endif

namespace confide::agent {
namespace {

namespace fs = std::filesystem;

#ifdef CONFIDE_ASAN
// ASan's quarantine holds freed memory, so RSS says nothing about the reader;
// the test still streams a smaller file to exercise the code.
constexpr int kMegabytes = 24;
constexpr bool kCheckMemory = false;
#else
constexpr int kMegabytes = 200;
constexpr bool kCheckMemory = true;
#endif

// Reads a "VmRSS:   1234 kB" style line from /proc/self/status, in bytes.
int64_t ProcStatusBytes(absl::string_view key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    absl::string_view rest = line;
    if (absl::ConsumePrefix(&rest, key) && absl::ConsumePrefix(&rest, ":")) {
      rest = absl::StripAsciiWhitespace(rest);
      absl::ConsumeSuffix(&rest, "kB");
      int64_t kb = 0;
      if (absl::SimpleAtoi(absl::StripAsciiWhitespace(rest), &kb)) {
        return kb * 1024;
      }
    }
  }
  return -1;
}

class CsvStreamingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "csv_streaming_test.XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes kMegabytes of 1 MiB blocks of mixed records; returns the path and
  // sets *records to the number of data records.
  fs::path WriteLargeFile(int64_t* records) {
    std::string block;
    int64_t per_block = 0;
    while (block.size() < (1u << 20)) {
      absl::StrAppend(&block, per_block,
                      ",\"Smith, Jo\",2024-01-02,\"said \"\"hi\"\"\r\nthen left\","
                      "Y,L8 1AB,",
                      per_block * 7919 % 100000, "\r\n");
      ++per_block;
    }
    fs::path path = dir_ / "large.csv";
    std::ofstream out(path, std::ios::binary);
    out << "id,name,date,notes,flag,postcode,amount\r\n";
    for (int i = 0; i < kMegabytes; ++i) {
      out.write(block.data(), static_cast<std::streamsize>(block.size()));
    }
    *records = per_block * kMegabytes;
    return path;
  }

  fs::path dir_;
};

TEST_F(CsvStreamingTest, LargeFileIsReadInBoundedMemory) {
  int64_t expected_records = 0;
  const fs::path path = WriteLargeFile(&expected_records);
  const int64_t rss_before = ProcStatusBytes("VmRSS");
  const int64_t hwm_before = ProcStatusBytes("VmHWM");
  ASSERT_GT(rss_before, 0);

  absl::StatusOr<std::unique_ptr<CsvReader>> reader = CsvReader::Open(path, {});
  ASSERT_THAT(reader, ::confide::testing::IsOk());
  CsvRow row;
  int64_t records = 0;
  int64_t peak_rss = rss_before;
  int64_t last_progress = 0;
  for (;;) {
    absl::StatusOr<bool> more = (*reader)->Next(&row);
    ASSERT_THAT(more, ::confide::testing::IsOk());
    if (!*more) {
      break;
    }
    ++records;
    if (records % 20000 == 0) {
      peak_rss = std::max(peak_rss, ProcStatusBytes("VmRSS"));
      ASSERT_GE((*reader)->bytes_consumed(), last_progress);
      last_progress = (*reader)->bytes_consumed();
    }
    if (records > 1) {
      ASSERT_EQ(row.fields.size(), 7u) << "record " << row.record_number;
      ASSERT_TRUE(row.problems.empty()) << "record " << row.record_number;
    }
  }
  peak_rss = std::max(peak_rss, ProcStatusBytes("VmRSS"));
  EXPECT_EQ(records, expected_records + 1);
  EXPECT_EQ(row.record_number, 0);  // cleared at end of input
  EXPECT_EQ((*reader)->bytes_consumed(), (*reader)->total_bytes());
  EXPECT_EQ((*reader)->total_bytes(), static_cast<int64_t>(fs::file_size(path)));
  EXPECT_GE((*reader)->total_bytes(), int64_t{kMegabytes} << 20);

  if (!kCheckMemory) {
    GTEST_SKIP() << "memory bound not checked under AddressSanitizer";
  }
  const int64_t hwm_growth = ProcStatusBytes("VmHWM") - hwm_before;
  RecordProperty("vmrss_growth_kb", static_cast<int>((peak_rss - rss_before) >> 10));
  RecordProperty("vmhwm_growth_kb", static_cast<int>(hwm_growth >> 10));
  constexpr int64_t kBound = 16 << 20;
  EXPECT_LT(peak_rss - rss_before, kBound) << "VmRSS grew while streaming";
  EXPECT_LT(hwm_growth, kBound) << "VmHWM grew while streaming";
}

}  // namespace
}  // namespace confide::agent
