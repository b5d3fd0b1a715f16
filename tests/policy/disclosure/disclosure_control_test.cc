#include "policy/disclosure/disclosure_control.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace confide::policy {
namespace {

using ::confide::testing::IsOk;
using ::confide::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using Reason = PublishedCell::Reason;
using Dims = std::vector<std::string>;

// A 1-D table with cells "a", "b", "c", ...
std::vector<TableCell> OneDim(const std::vector<int64_t>& counts) {
  std::vector<TableCell> cells;
  for (size_t i = 0; i < counts.size(); ++i) {
    cells.push_back({{std::string(1, static_cast<char>('a' + i))}, counts[i]});
  }
  return cells;
}

// A 2-D table: rows[r][c] is the count for (row_names[r], col_names[c]).
std::vector<TableCell> TwoDim(const Dims& row_names, const Dims& col_names,
                              const std::vector<std::vector<int64_t>>& rows) {
  std::vector<TableCell> cells;
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t c = 0; c < rows[r].size(); ++c) {
      cells.push_back({{row_names[r], col_names[c]}, rows[r][c]});
    }
  }
  return cells;
}

std::vector<std::string> Displays(const PublishedTable& table) {
  std::vector<std::string> displays;
  for (const PublishedCell& cell : table.cells) {
    displays.push_back(cell.display);
  }
  return displays;
}

DisclosureRules NoSecondary(int64_t threshold, int64_t rounding_base) {
  return {.threshold = threshold, .rounding_base = rounding_base, .secondary_suppression = false};
}

struct EdgeCase {
  int64_t threshold;
  int64_t rounding_base;
  int64_t count;
  std::string display;
};

void PrintTo(const EdgeCase& c, std::ostream* os) {
  *os << "threshold " << c.threshold << ", base " << c.rounding_base << ", count " << c.count;
}

class DisclosureControlEdgeTest : public ::testing::TestWithParam<EdgeCase> {};

TEST_P(DisclosureControlEdgeTest, PublishesSingleCellAsExpected) {
  const EdgeCase& c = GetParam();
  CONFIDE_ASSERT_OK_AND_ASSIGN(
      PublishedTable table,
      ApplyDisclosureControl({{{"x"}, c.count}}, NoSecondary(c.threshold, c.rounding_base)));
  ASSERT_EQ(table.cells.size(), 1u);
  const PublishedCell& cell = table.cells[0];
  EXPECT_EQ(cell.display, c.display);
  EXPECT_EQ(cell.dims, Dims{"x"});
  if (c.display == "*") {
    EXPECT_EQ(cell.value, absl::nullopt);
    EXPECT_EQ(cell.reason, Reason::kPrimary);
    EXPECT_EQ(table.primary_suppressed, 1);
  } else {
    EXPECT_EQ(absl::StrCat(cell.value.value()), c.display);
    EXPECT_EQ(cell.reason, Reason::kNone);
    EXPECT_EQ(table.primary_suppressed, 0);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Values, DisclosureControlEdgeTest,
    ::testing::Values(
        // NHS defaults: 1-7 suppressed, round to 5.
        EdgeCase{8, 5, 0, "0"}, EdgeCase{8, 5, 1, "*"}, EdgeCase{8, 5, 7, "*"},
        EdgeCase{8, 5, 8, "10"}, EdgeCase{8, 5, 12, "10"}, EdgeCase{8, 5, 13, "15"},
        EdgeCase{8, 5, 1'000'000'000'000'000, "1000000000000000"},
        // Halves round up: 2.5 is the midpoint for base 5, 15 and 25 for base 10.
        EdgeCase{1, 5, 2, "0"}, EdgeCase{1, 5, 3, "5"}, EdgeCase{1, 10, 14, "10"},
        EdgeCase{1, 10, 15, "20"}, EdgeCase{1, 10, 25, "30"}, EdgeCase{1, 2, 1, "2"},
        // Custom threshold 11, rounding 10.
        EdgeCase{11, 10, 0, "0"}, EdgeCase{11, 10, 10, "*"}, EdgeCase{11, 10, 11, "10"},
        EdgeCase{11, 10, 15, "20"},
        // Rounding 1 publishes exact counts.
        EdgeCase{8, 1, 8, "8"}, EdgeCase{8, 1, 13, "13"},
        // Threshold 1 suppresses nothing; threshold 2 suppresses only 1.
        EdgeCase{1, 1, 1, "1"}, EdgeCase{1, 1, 0, "0"}, EdgeCase{2, 1, 1, "*"},
        EdgeCase{2, 1, 2, "2"}),
    [](const ::testing::TestParamInfo<EdgeCase>& param_info) {
      const EdgeCase& c = param_info.param;
      return absl::StrCat("Threshold", c.threshold, "Base", c.rounding_base, "Count", c.count);
    });

TEST(DisclosureControlTest, ValidateRulesAcceptsDefaults) {
  EXPECT_THAT(ValidateRules(DisclosureRules{}), IsOk());
  EXPECT_THAT(ValidateRules({.threshold = 1, .rounding_base = 1}), IsOk());
}

TEST(DisclosureControlTest, InvalidRulesAreRejected) {
  EXPECT_THAT(ValidateRules({.threshold = 0}),
              StatusIs(absl::StatusCode::kInvalidArgument, "expected threshold >= 1, got 0"));
  EXPECT_THAT(ValidateRules({.threshold = -3}),
              StatusIs(absl::StatusCode::kInvalidArgument, "expected threshold >= 1, got -3"));
  EXPECT_THAT(ValidateRules({.rounding_base = 0}),
              StatusIs(absl::StatusCode::kInvalidArgument, "expected rounding_base >= 1, got 0"));
  EXPECT_THAT(
      ValidateRules({.threshold = 1'000'001}),
      StatusIs(absl::StatusCode::kInvalidArgument, "expected threshold <= 1000000, got 1000001"));
  EXPECT_THAT(ApplyDisclosureControl(OneDim({3}), {.rounding_base = -5}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("rounding_base >= 1")));
}

TEST(DisclosureControlTest, InvalidCellsAreRejected) {
  const DisclosureRules rules;
  EXPECT_THAT(ApplyDisclosureControl({{{"a", "x"}, 9}, {{"b"}, 9}}, rules),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("expected 2 dimension values in every cell, got 1")));
  EXPECT_THAT(ApplyDisclosureControl({{{"a"}, -1}}, rules),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("got -1 in cell (a)")));
  EXPECT_THAT(ApplyDisclosureControl({{{"a"}, 1'000'000'000'000'001}}, rules),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ApplyDisclosureControl({{{"a", "x"}, 9}, {{"a", "x"}, 12}}, rules),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("got (a, x) more than once")));
  EXPECT_THAT(ApplyDisclosureControl({{{"*"}, 9}}, rules),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("other than \"*\"")));
  EXPECT_THAT(ApplyDisclosureControl({{Dims(9, "v"), 9}}, rules),
              StatusIs(absl::StatusCode::kInvalidArgument, "expected at most 8 dimensions, got 9"));
}

TEST(DisclosureControlTest, OversizedTableIsResourceExhausted) {
  std::vector<TableCell> cells(250'001);
  for (size_t i = 0; i < cells.size(); ++i) {
    cells[i] = {{absl::StrCat(i)}, 9};
  }
  EXPECT_THAT(
      ApplyDisclosureControl(cells, {}),
      StatusIs(absl::StatusCode::kResourceExhausted, "expected at most 250000 cells, got 250001"));
}

TEST(DisclosureControlTest, EmptyTableStillStatesRules) {
  CONFIDE_ASSERT_OK_AND_ASSIGN(PublishedTable table, ApplyDisclosureControl({}, {}));
  EXPECT_THAT(table.cells, IsEmpty());
  EXPECT_THAT(table.notes, ElementsAre("Counts of 1–7 are shown as * (primary suppression); zero "
                                       "counts are shown as 0",
                                       "Counts are rounded to the nearest 5"));
}

TEST(DisclosureControlTest, NotesStateRulesAndCounts) {
  CONFIDE_ASSERT_OK_AND_ASSIGN(PublishedTable table,
                               ApplyDisclosureControl(OneDim({3, 9, 20}), {}));
  EXPECT_THAT(Displays(table), ElementsAre("*", "*", "20"));
  EXPECT_THAT(table.notes,
              ElementsAre("Counts of 1–7 are shown as * (primary suppression); zero counts are "
                          "shown as 0",
                          "1 cell suppressed because it was below the threshold of 8",
                          "1 further cell suppressed so suppressed values cannot be recovered "
                          "from row, column or grand totals",
                          "Counts are rounded to the nearest 5"));

  CONFIDE_ASSERT_OK_AND_ASSIGN(
      PublishedTable plain,
      ApplyDisclosureControl(OneDim({1, 9}), {.threshold = 1, .rounding_base = 1}));
  EXPECT_THAT(plain.notes,
              ElementsAre("No counts are suppressed for being small (threshold 1); zero counts "
                          "are shown as 0",
                          "Counts are not rounded"));
}

TEST(DisclosureControlTest, NotesNeverDependOnSuppressedValues) {
  CONFIDE_ASSERT_OK_AND_ASSIGN(PublishedTable three,
                               ApplyDisclosureControl(OneDim({3, 6, 40, 0}), {}));
  CONFIDE_ASSERT_OK_AND_ASSIGN(PublishedTable five,
                               ApplyDisclosureControl(OneDim({5, 2, 40, 0}), {}));
  EXPECT_EQ(Displays(three), Displays(five));
  EXPECT_EQ(three.notes, five.notes);
  for (const std::string& note : three.notes) {
    EXPECT_THAT(note, ::testing::Not(HasSubstr("3 ")));
  }
}

TEST(DisclosureControlTest, OneDimensionalSecondarySuppression) {
  struct Case {
    std::vector<int64_t> counts;
    std::vector<std::string> displays;
    int64_t secondary;
  };
  const std::vector<Case> cases = {
      {{3, 9, 20}, {"*", "*", "20"}, 1},  // the smallest other cell hides the 3
      {{3, 4, 20}, {"*", "*", "20"}, 0},  // two small cells already hide each other
      {{7, 1, 20}, {"*", "*", "20"}, 0},  // 7+1: either may be 2..6 as well
      {{1, 1, 20}, {"*", "*", "*"}, 1},   // 1+1=2 would pin both to 1
      {{1, 8, 20}, {"*", "10", "*"}, 1},  // 1+8=9 would pin the pair to {1, 8}
      {{0, 12, 0, 30}, {"0", "10", "0", "30"}, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.counts));
    CONFIDE_ASSERT_OK_AND_ASSIGN(PublishedTable table,
                                 ApplyDisclosureControl(OneDim(c.counts), {}));
    EXPECT_EQ(Displays(table), c.displays);
    EXPECT_EQ(table.secondary_suppressed, c.secondary);
    EXPECT_THAT(table.disclosive_margins, IsEmpty());
  }
}

TEST(DisclosureControlTest, LoneSmallCellMakesGrandTotalDisclosive) {
  CONFIDE_ASSERT_OK_AND_ASSIGN(PublishedTable table, ApplyDisclosureControl(OneDim({3, 0, 0}), {}));
  EXPECT_THAT(Displays(table), ElementsAre("*", "0", "0"));
  EXPECT_THAT(table.disclosive_margins, ElementsAre(Dims{"*"}));
  EXPECT_THAT(table.notes, ::testing::Contains("The total for (*) equals a suppressed cell; that "
                                               "total must also be suppressed"));

  CONFIDE_ASSERT_OK_AND_ASSIGN(PublishedTable ones, ApplyDisclosureControl(OneDim({1, 1}), {}));
  EXPECT_THAT(Displays(ones), ElementsAre("*", "*"));
  EXPECT_THAT(ones.disclosive_margins, ElementsAre(Dims{"*"}));
  EXPECT_THAT(ones.notes, ::testing::Contains(HasSubstr("would let a suppressed cell be")));
}

TEST(DisclosureControlTest, TwoDimensionalSecondarySuppressionPicksCheapestRectangle) {
  // Rectangles through (A,x)=3 hide 60 (B,y), 85 (B,z), 50 (C,y) or 92 (C,z) more people.
  const std::vector<TableCell> cells =
      TwoDim({"A", "B", "C"}, {"x", "y", "z"}, {{3, 20, 30}, {15, 25, 40}, {12, 18, 50}});
  CONFIDE_ASSERT_OK_AND_ASSIGN(PublishedTable table, ApplyDisclosureControl(cells, {}));
  EXPECT_THAT(Displays(table), ElementsAre("*", "*", "30", "15", "25", "40", "*", "*", "50"));
  EXPECT_EQ(table.cells[0].reason, Reason::kPrimary);
  EXPECT_EQ(table.cells[1].reason, Reason::kSecondary);
  EXPECT_EQ(table.primary_suppressed, 1);
  EXPECT_EQ(table.secondary_suppressed, 3);
  EXPECT_THAT(table.disclosive_margins, IsEmpty());
}

TEST(DisclosureControlTest, TwoDimensionalSmallCellsShareARectangle) {
  const std::vector<TableCell> cells =
      TwoDim({"A", "B"}, {"x", "y", "z"}, {{3, 4, 30}, {5, 2, 40}});
  CONFIDE_ASSERT_OK_AND_ASSIGN(PublishedTable table, ApplyDisclosureControl(cells, {}));
  EXPECT_THAT(Displays(table), ElementsAre("*", "*", "30", "*", "*", "40"));
  EXPECT_EQ(table.secondary_suppressed, 0);
}

TEST(DisclosureControlTest, TwoDimensionalLoneCellFlagsItsTotals) {
  // Knowsley has a single non-zero cell, so its row total is that cell.
  const std::vector<TableCell> cells = {{{"Knowsley", "assault"}, 3},
                                        {{"Knowsley", "robbery"}, 0},
                                        {{"Sefton", "assault"}, 20},
                                        {{"Sefton", "robbery"}, 30}};
  CONFIDE_ASSERT_OK_AND_ASSIGN(PublishedTable table, ApplyDisclosureControl(cells, {}));
  EXPECT_THAT(Displays(table), ElementsAre("*", "0", "20", "30"));
  EXPECT_THAT(table.disclosive_margins, ElementsAre(Dims{"*", "assault"}, Dims{"Knowsley", "*"}));
  EXPECT_THAT(table.notes,
              ::testing::IsSupersetOf({"The total for (*, assault) would let a suppressed cell "
                                       "be recovered; that total must also be suppressed",
                                       "The total for (Knowsley, *) equals a suppressed cell; "
                                       "that total must also be suppressed"}));
}

TEST(DisclosureControlTest, ThreeDimensionalCubeIsFullySuppressed) {
  std::vector<TableCell> cells;
  int64_t count = 10;
  for (const char* a : {"a0", "a1"}) {
    for (const char* b : {"b0", "b1"}) {
      for (const char* c : {"c0", "c1"}) {
        cells.push_back({{a, b, c}, count++});
      }
    }
  }
  cells[0].count = 2;
  CONFIDE_ASSERT_OK_AND_ASSIGN(PublishedTable table, ApplyDisclosureControl(cells, {}));
  EXPECT_THAT(Displays(table), ::testing::Each("*"));
  EXPECT_EQ(table.primary_suppressed, 1);
  EXPECT_EQ(table.secondary_suppressed, 7);
}

TEST(DisclosureControlTest, ThreeDimensionalPicksCheapestCube) {
  // (a0,b0,c0)=2; slice a1 is large, slice a2 small, so the cube uses a2.
  std::vector<TableCell> cells;
  const std::vector<int64_t> slice_a0 = {2, 50, 60, 70}, slice_a1 = {500, 510, 520, 530},
                             slice_a2 = {9, 11, 13, 15};
  const std::vector<const std::vector<int64_t>*> slices = {&slice_a0, &slice_a1, &slice_a2};
  for (int a = 0; a < 3; ++a) {
    for (int bc = 0; bc < 4; ++bc) {
      cells.push_back({{absl::StrCat("a", a), absl::StrCat("b", bc / 2), absl::StrCat("c", bc % 2)},
                       (*slices[a])[bc]});
    }
  }
  CONFIDE_ASSERT_OK_AND_ASSIGN(PublishedTable table, ApplyDisclosureControl(cells, {}));
  EXPECT_THAT(Displays(table),
              ElementsAre("*", "*", "*", "*", "500", "510", "520", "530", "*", "*", "*", "*"));
  EXPECT_THAT(table.disclosive_margins, IsEmpty());
}

TEST(DisclosureControlTest, InputOrderDoesNotChangeThePattern) {
  std::vector<TableCell> cells = TwoDim({"A", "B", "C", "D"}, {"x", "y", "z"},
                                        {{3, 20, 30}, {15, 1, 40}, {12, 18, 0}, {9, 9, 6}});
  CONFIDE_ASSERT_OK_AND_ASSIGN(PublishedTable sorted, ApplyDisclosureControl(cells, {}));
  std::reverse(cells.begin(), cells.end());
  std::swap(cells[2], cells[7]);
  CONFIDE_ASSERT_OK_AND_ASSIGN(PublishedTable shuffled, ApplyDisclosureControl(cells, {}));
  for (const PublishedCell& cell : shuffled.cells) {
    auto it = std::find_if(sorted.cells.begin(), sorted.cells.end(),
                           [&cell](const PublishedCell& other) { return other.dims == cell.dims; });
    ASSERT_NE(it, sorted.cells.end());
    EXPECT_EQ(it->display, cell.display) << ::testing::PrintToString(cell.dims);
    EXPECT_EQ(it->reason, cell.reason) << ::testing::PrintToString(cell.dims);
  }
  EXPECT_EQ(sorted.notes, shuffled.notes);
  EXPECT_EQ(sorted.disclosive_margins, shuffled.disclosive_margins);
}

TEST(DisclosureControlTest, SecondarySuppressionCanBeDisabled) {
  CONFIDE_ASSERT_OK_AND_ASSIGN(PublishedTable table,
                               ApplyDisclosureControl(OneDim({3, 9, 20}), NoSecondary(8, 5)));
  EXPECT_THAT(Displays(table), ElementsAre("*", "10", "20"));
  EXPECT_EQ(table.secondary_suppressed, 0);
  EXPECT_THAT(table.notes, ::testing::Contains(HasSubstr("Secondary suppression was not applied")));
}

TEST(DisclosureControlTest, TableWithoutDimensionsIsSuppressedWithoutMargins) {
  CONFIDE_ASSERT_OK_AND_ASSIGN(PublishedTable table, ApplyDisclosureControl({{{}, 3}}, {}));
  EXPECT_THAT(Displays(table), ElementsAre("*"));
  EXPECT_THAT(table.disclosive_margins, IsEmpty());
}

TEST(DisclosureControlTest, RealisticTableCompletesWithNoLoneSuppressedCellInAnyLine) {
  // 10 boroughs x 6 age bands x 12 months, many small counts.
  std::vector<TableCell> cells;
  uint64_t state = 12345;
  for (int b = 0; b < 10; ++b) {
    for (int a = 0; a < 6; ++a) {
      for (int m = 0; m < 12; ++m) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        const int64_t count = static_cast<int64_t>((state >> 33) % 60) - 10;
        cells.push_back({{absl::StrCat("borough", b), absl::StrCat("age", a),
                          absl::StrCat("month", m < 10 ? "0" : "", m)},
                         std::max<int64_t>(count, 0)});
      }
    }
  }
  CONFIDE_ASSERT_OK_AND_ASSIGN(PublishedTable table, ApplyDisclosureControl(cells, {}));
  EXPECT_GT(table.primary_suppressed, 0);
  EXPECT_GT(table.secondary_suppressed, 0);
  // Every line with exactly one suppressed cell must be a flagged margin.
  for (size_t d = 0; d < 3; ++d) {
    std::map<Dims, int> suppressed_per_line;
    for (const PublishedCell& cell : table.cells) {
      Dims line = cell.dims;
      line[d] = "*";
      suppressed_per_line[line] += cell.value.has_value() ? 0 : 1;
    }
    for (const auto& [line, n] : suppressed_per_line) {
      if (n == 1) {
        EXPECT_THAT(table.disclosive_margins, ::testing::Contains(line));
      }
    }
  }
}

}  // namespace
}  // namespace confide::policy
