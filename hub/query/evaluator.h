#pragma once

// Row-at-a-time evaluation of parsed queries, for the simple scan engine. Column names passed to
// RowView::Get() are the lower-case names from the AST.
//
// Value semantics (shared with any other engine): two values compare numerically when both are
// numbers of the form -?[0-9]+(.[0-9]+)? (exactly, without rounding; quoting a literal makes no
// difference, so age = '16' is age = 16), otherwise as byte strings; string equality is
// case-sensitive. A missing value makes every comparison, IN, NOT IN and BETWEEN on it UNKNOWN;
// NOT, AND and OR follow SQL three-valued logic, and only TRUE matches.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "hub/query/ast.h"

namespace confide::hub::query {

enum class TruthValue { kFalse, kTrue, kUnknown };

// Gives the value of a named column for the current row; absl::nullopt when the row has no value.
class RowView {
 public:
  virtual ~RowView() = default;
  // The returned view must stay valid until the next call on this RowView.
  virtual absl::optional<absl::string_view> Get(absl::string_view column) const = 0;
  // Whether the row's person is in the linked cohort of `person_in` (a kPersonIn node of the
  // query being evaluated). Rows that know nothing of persons answer UNKNOWN.
  virtual TruthValue PersonIn(const Expr& /*person_in*/) const { return TruthValue::kUnknown; }
};

// OK when Matches() and GroupAccumulator can run `query` in full (linked cohorts need a RowView
// that answers PersonIn). UnimplementedError, "line:column: ...", for an aggregate other than
// COUNT(*) and COUNT(DISTINCT person). InvalidArgumentError for a hand-built query whose ORDER BY
// points outside the SELECT list.
absl::Status CheckSupported(const ParsedQuery& query);

// SQL three-valued result of `expr` on `row`; a kPersonIn node is row.PersonIn(node). Recursion
// depth is the tree's depth, which ParseQuery() caps.
TruthValue Evaluate(const Expr& expr, const RowView& row);

// True when `expr` is TRUE (not FALSE, not UNKNOWN) on `row`.
bool Matches(const Expr& expr, const RowView& row);

// <0, 0 or >0: numeric when both are numbers, else byte order (the rule comparisons use).
int CompareValues(absl::string_view a, absl::string_view b);

// A strict total order for sorting output: numbers (in numeric order, ties by bytes) before all
// other strings (in byte order). Unlike CompareValues it is transitive on mixed inputs.
int CompareForSort(absl::string_view a, absl::string_view b);

// Dimension value used for a group whose row lacks the column.
inline constexpr absl::string_view kMissingDimension = "(missing)";

struct GroupRow {
  std::vector<std::string> dims;  // One per dimension, in SELECT order.
  std::vector<double> measures;   // One per aggregate, in SELECT order.
};

// Accumulates the rows of one query into groups. Add() does not filter: the caller passes only
// rows for which Matches(*query.where, row) holds. Not thread-safe; use one per scan.
class GroupAccumulator {
 public:
  // Fails with CheckSupported()'s error when the query cannot be run row at a time. Copies what
  // it needs: `query` may be destroyed afterwards.
  static absl::StatusOr<GroupAccumulator> Create(const ParsedQuery& query);

  // `person_id` may be empty when the record has no person; it is then not counted by
  // COUNT(DISTINCT person) (the row still counts for COUNT(*)).
  void Add(const RowView& row, absl::string_view person_id);

  // The groups, sorted by ORDER BY (then by dimensions ascending, per CompareForSort, so the
  // output is deterministic), cut to LIMIT. A query without GROUP BY always yields one row, with
  // zero counts when nothing was added.
  std::vector<GroupRow> Finish() const;

 private:
  struct SortKey {
    bool is_measure = false;
    size_t index = 0;  // Into GroupRow::dims or GroupRow::measures.
    bool descending = false;
  };
  struct Group {
    int64_t rows = 0;
    absl::flat_hash_set<std::string> persons;
  };

  GroupAccumulator() = default;

  std::vector<std::string> dim_columns_;
  std::vector<AggregateKind> aggregates_;
  std::vector<SortKey> sort_keys_;
  absl::optional<int64_t> limit_;
  bool count_persons_ = false;
  absl::flat_hash_map<std::vector<std::string>, Group> groups_;
};

}  // namespace confide::hub::query
