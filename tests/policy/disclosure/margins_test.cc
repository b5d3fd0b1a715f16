#include "policy/disclosure/margins.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace confide::policy {
namespace {

using ::confide::testing::IsOk;
using ::confide::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(CheckFlaggedMarginsTest, SmallFlaggedMarginIsSelfProtecting) {
  // One non-zero cell, small: the grand total equals it, and the total query suppresses it too.
  std::vector<TableCell> cells = {{{"Knowsley"}, 3}, {{"Sefton"}, 0}};
  DisclosureRules rules;
  absl::StatusOr<PublishedTable> published = ApplyDisclosureControl(cells, rules);
  ASSERT_THAT(published, IsOk());
  ASSERT_FALSE(published->disclosive_margins.empty());
  EXPECT_THAT(CheckFlaggedMargins(cells, *published, rules), IsOk());
}

TEST(CheckFlaggedMarginsTest, PublishableFlaggedMarginRefusesTheTable) {
  // Row "a": a small cell and a large one; column "x" holds only the small cell, so no
  // rectangle can protect it and the row total (>= threshold, published by a coarser query)
  // minus the large cell would reveal it.
  std::vector<TableCell> cells = {{{"a", "x"}, 3}, {{"a", "y"}, 40}, {{"b", "y"}, 50}};
  DisclosureRules rules;
  absl::StatusOr<PublishedTable> published = ApplyDisclosureControl(cells, rules);
  ASSERT_THAT(published, IsOk());
  ASSERT_FALSE(published->disclosive_margins.empty());
  absl::Status status = CheckFlaggedMargins(cells, *published, rules);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("(a, *)")));
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("43")));
}

TEST(CheckFlaggedMarginsTest, ProtectedTablesPass) {
  std::vector<TableCell> cells = {
      {{"a", "x"}, 3}, {{"a", "y"}, 40}, {{"b", "x"}, 30}, {{"b", "y"}, 50}};
  DisclosureRules rules;
  absl::StatusOr<PublishedTable> published = ApplyDisclosureControl(cells, rules);
  ASSERT_THAT(published, IsOk());
  EXPECT_TRUE(published->disclosive_margins.empty());
  EXPECT_THAT(CheckFlaggedMargins(cells, *published, rules), IsOk());
}

}  // namespace
}  // namespace confide::policy
