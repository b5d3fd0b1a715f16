#include "tools/linkage_eval/pairwise.h"

#include "absl/container/flat_hash_map.h"

namespace confide::linkage_eval {
namespace {

int64_t Pairs(int64_t n) { return n * (n - 1) / 2; }

}  // namespace

double PairCounts::precision() const {
  return predicted_pairs == 0 ? 1.0 : static_cast<double>(correct_pairs) / predicted_pairs;
}

double PairCounts::recall() const {
  return true_pairs == 0 ? 1.0 : static_cast<double>(correct_pairs) / true_pairs;
}

double PairCounts::f1() const {
  const double p = precision(), r = recall();
  return p + r == 0 ? 0 : 2 * p * r / (p + r);
}

PairCounts ScorePartition(absl::Span<const Assignment> records) {
  absl::flat_hash_map<std::string, int64_t> per_truth;
  absl::flat_hash_map<uint64_t, int64_t> per_prediction;
  absl::flat_hash_map<std::pair<std::string, uint64_t>, int64_t> per_both;
  for (const Assignment& record : records) {
    ++per_truth[record.true_person];
    ++per_prediction[record.predicted_person];
    ++per_both[{record.true_person, record.predicted_person}];
  }
  PairCounts counts;
  for (const auto& [truth, n] : per_truth) {
    counts.true_pairs += Pairs(n);
  }
  for (const auto& [cluster, n] : per_prediction) {
    counts.predicted_pairs += Pairs(n);
  }
  for (const auto& [both, n] : per_both) {
    counts.correct_pairs += Pairs(n);
  }
  return counts;
}

PairCounts ScoreGroups(const std::vector<std::vector<std::string>>& groups, int64_t true_pairs) {
  PairCounts counts;
  counts.true_pairs = true_pairs;
  for (const std::vector<std::string>& group : groups) {
    counts.predicted_pairs += Pairs(static_cast<int64_t>(group.size()));
    absl::flat_hash_map<std::string, int64_t> per_truth;
    for (const std::string& truth : group) {
      ++per_truth[truth];
    }
    for (const auto& [truth, n] : per_truth) {
      counts.correct_pairs += Pairs(n);
    }
  }
  return counts;
}

}  // namespace confide::linkage_eval
