// Pairwise precision and recall, checked against counts worked out by hand.

#include "tools/linkage_eval/pairwise.h"

#include <vector>

#include "gtest/gtest.h"

namespace confide::linkage_eval {
namespace {

TEST(PairwiseTest, PerfectLinkageScoresOne) {
  std::vector<Assignment> records = {{"a", 1}, {"a", 1}, {"a", 1}, {"b", 2}, {"b", 2}, {"c", 3}};
  PairCounts counts = ScorePartition(records);
  EXPECT_EQ(counts.true_pairs, 4);  // 3 for a, 1 for b
  EXPECT_EQ(counts.predicted_pairs, 4);
  EXPECT_EQ(counts.correct_pairs, 4);
  EXPECT_DOUBLE_EQ(counts.precision(), 1);
  EXPECT_DOUBLE_EQ(counts.recall(), 1);
  EXPECT_DOUBLE_EQ(counts.f1(), 1);
}

TEST(PairwiseTest, AMissedLinkLowersRecallAndAFalseMergeLowersPrecision) {
  // a split in two (a1 a1 | a2), b merged with c.
  std::vector<Assignment> records = {{"a", 1}, {"a", 1}, {"a", 2}, {"b", 3}, {"c", 3}};
  PairCounts counts = ScorePartition(records);
  EXPECT_EQ(counts.true_pairs, 3);
  EXPECT_EQ(counts.predicted_pairs, 2);  // (a,a) in 1, (b,c) in 3
  EXPECT_EQ(counts.correct_pairs, 1);
  EXPECT_DOUBLE_EQ(counts.precision(), 0.5);
  EXPECT_DOUBLE_EQ(counts.recall(), 1.0 / 3);
  EXPECT_DOUBLE_EQ(counts.f1(), 2 * 0.5 * (1.0 / 3) / (0.5 + 1.0 / 3));
}

TEST(PairwiseTest, NothingToFindAndNothingFoundIsNotAFailure) {
  std::vector<Assignment> singletons = {{"a", 1}, {"b", 2}};
  PairCounts counts = ScorePartition(singletons);
  EXPECT_DOUBLE_EQ(counts.precision(), 1);
  EXPECT_DOUBLE_EQ(counts.recall(), 1);
}

TEST(PairwiseTest, GroupsCountDirectPairsOnly) {
  // One key's token groups: {a, a, b} and {c, c}; 10 true pairs overall.
  PairCounts counts = ScoreGroups({{"a", "a", "b"}, {"c", "c"}}, 10);
  EXPECT_EQ(counts.predicted_pairs, 4);
  EXPECT_EQ(counts.correct_pairs, 2);
  EXPECT_DOUBLE_EQ(counts.precision(), 0.5);
  EXPECT_DOUBLE_EQ(counts.recall(), 0.2);
}

}  // namespace
}  // namespace confide::linkage_eval
