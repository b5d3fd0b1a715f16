#pragma once

// Pairwise linkage quality: how many pairs of records the linkage put together, how many of
// those are truly the same person (precision), and how many truly-same pairs it found (recall).
// Pure; thread-compatible.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/types/span.h"

namespace confide::linkage_eval {

struct PairCounts {
  int64_t true_pairs = 0;       // pairs of records of the same true person
  int64_t predicted_pairs = 0;  // pairs the linkage put together
  int64_t correct_pairs = 0;    // pairs in both
  // 1 when there is nothing to find or nothing was predicted, so an empty input is not a
  // failure of either measure.
  double precision() const;
  double recall() const;
  double f1() const;
};

// One record: who it truly is, and the cluster the linkage put it in.
struct Assignment {
  std::string true_person;
  uint64_t predicted_person = 0;
};

// Scores a partition (every record in exactly one predicted cluster).
PairCounts ScorePartition(absl::Span<const Assignment> records);

// Scores pairs linked directly by sharing a group (e.g. one match key's tokens), without
// transitive closure: each group lists the true persons of its records. `true_pairs` comes from
// the whole record set (ScorePartition), since groups cover only the records with that key.
PairCounts ScoreGroups(const std::vector<std::vector<std::string>>& groups, int64_t true_pairs);

}  // namespace confide::linkage_eval
