// Linkage quality on the generator's default dirty data, end to end: tools/linkage_eval runs
// real agents into a real hub and scores the hub's person clusters against the ground truth.
// With the fixed seed the figures are reproducible; the bars are the partnership's: pairwise
// precision >= 0.99 (few false merges: a false merge blends two people's histories) and recall
// >= 0.95.

#include <iostream>
#include <regex>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/harness.h"

namespace confide::e2e {
namespace {

TEST(LinkageQualityE2eTest, DefaultDirtyDataMeetsThePrecisionAndRecallBars) {
  TempDir dir;
  CommandResult evaluated =
      RunShell(absl::StrCat("CONFIDE_BIN=", BinDir(), " ", SourceDir(),
                            "/tools/linkage_eval/linkage-eval ", dir.path(), "/run --seed 42"));
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.out << evaluated.err;
  std::cout << evaluated.out;

  std::smatch counts;
  ASSERT_TRUE(std::regex_search(evaluated.out, counts,
                                std::regex(R"((\d+) ground-truth rows, (\d+) held by the hub)")))
      << evaluated.out;
  const int64_t rows = std::stoll(counts[1]), held = std::stoll(counts[2]);
  EXPECT_GE(rows, 100000) << "the default data must hold at least 100,000 person records";
  EXPECT_GE(held, rows * 95 / 100) << "too many rows never reached the hub";
  std::smatch result;
  ASSERT_TRUE(
      std::regex_search(evaluated.out, result,
                        std::regex(R"(result: precision=([0-9.]+) recall=([0-9.]+) f1=([0-9.]+))")))
      << evaluated.out;
  const double precision = std::stod(result[1]), recall = std::stod(result[2]);
  EXPECT_GE(precision, 0.99);
  EXPECT_GE(recall, 0.95);
  // Every match key of the recipe contributed links.
  for (const char* key : {"nhs/", "name_dob_sex/", "phonetic_initial_dob/", "name_yob_district/",
                          "name_dob_transposed/"}) {
    EXPECT_THAT(evaluated.out, ::testing::HasSubstr(key));
  }
}

}  // namespace
}  // namespace confide::e2e
