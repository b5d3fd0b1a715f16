#pragma once

// WHERE clauses compiled for the columnar engine. A comparison is evaluated once per dictionary
// entry of its dimension (with the shared value semantics of hub/query/evaluator.h), giving a
// truth table; rows are then evaluated a chunk at a time by table lookup. Truth values are
// encoded F=0, U=1, T=2 so that three-valued AND is min, OR is max and NOT is 2 - x.

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "hub/analytics/dataset_table.h"
#include "hub/query/ast.h"

namespace confide::hub::analytics {

inline constexpr uint8_t kFalse = 0;
inline constexpr uint8_t kUnknown = 1;
inline constexpr uint8_t kTrue = 2;

// The persons of a linked cohort, with the event times of their matching records when the
// cohort has a window (see hub/analytics/linked_cohorts.h for the semantics).
struct ColumnCohort {
  absl::optional<int64_t> window_days;
  query::SubQuery::Direction direction = query::SubQuery::Direction::kEither;
  std::vector<uint8_t> member;    // by person ordinal (no window)
  std::vector<uint32_t> offsets;  // by person ordinal, into times (window)
  std::vector<int64_t> times;     // ascending per person

  bool Contains(uint32_t person, int64_t event_time) const;
};

using CohortMap = absl::flat_hash_map<const query::Expr*, std::unique_ptr<ColumnCohort>>;

// Per-dimension output codes of a chunk of rows.
void OutputCodes(const ResolvedDimension& dimension, size_t begin, size_t count, uint32_t* out);

class CompiledPredicate {
 public:
  // Compiles `expr` against `table`. `cohorts` must hold every person IN node of `expr` (the
  // caller builds them first) and outlive this. InvalidArgument for an unknown column.
  static absl::StatusOr<CompiledPredicate> Compile(const query::Expr& expr,
                                                   const DatasetTable& table,
                                                   const CohortMap& cohorts);

  // Truth values of rows [begin, begin + count) into out[0..count). `scratch` is reused
  // between calls by one thread.
  void Evaluate(size_t begin, size_t count, uint8_t* out,
                std::vector<std::vector<uint8_t>>& scratch) const;

 private:
  struct Node {
    query::Expr::Kind kind = query::Expr::Kind::kCompare;
    std::vector<Node> children;
    std::shared_ptr<const ResolvedDimension> dimension;  // leaves
    std::vector<uint8_t> truth;                          // leaves: by output code
    const ColumnCohort* cohort = nullptr;                // person IN
  };
  static absl::StatusOr<Node> CompileNode(const query::Expr& expr, const DatasetTable& table,
                                          const CohortMap& cohorts);
  void EvaluateNode(const Node& node, size_t depth, size_t begin, size_t count, uint8_t* out,
                    std::vector<std::vector<uint8_t>>& scratch) const;

  const DatasetTable* table_ = nullptr;
  Node root_;
};

}  // namespace confide::hub::analytics
