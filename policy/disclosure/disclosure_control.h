#pragma once

// Statistical disclosure control for tables of counts (one GROUP BY result).
//
// Threat model. The analyst sees the published cells and can also ask for every marginal total
// of the table: the same query grouped by any subset of the dimensions, down to the grand
// total. The analyst knows these rules, knows that "*" hides a non-zero count and, from
// PublishedCell::reason, which cells were hidden for being small (1..threshold-1) and which
// were hidden to protect them (>= threshold). Published counts are treated as exact here even
// though they are rounded, so rounding is extra protection on top of what is proved.
//
// Protection. Every suppressed cell is either
//  * protected: it is a corner of a "hypercube" of suppressed non-zero cells (two values in
//    every dimension, 2^k corners) on which adding +1/-1 in a checkerboard pattern keeps every
//    corner inside the interval the analyst knows it lies in. Such a change leaves every
//    marginal total unchanged, so the analyst cannot tell the true table from the shifted one
//    and cannot recover the cell. This implies the classic rule that no row, column or other
//    line of the table holds exactly one suppressed cell; or
//  * exposed: no such hypercube exists (typically the cell is the only non-zero cell of a
//    line, so the line's total equals it). Cell suppression alone cannot protect it, so every
//    line total through it is listed in PublishedTable::disclosive_margins. The caller must
//    not publish those totals (refuse the margin queries, or suppress those cells when the
//    margin table is published).
// Secondary suppression greedily adds, for each unprotected small cell in dimension order, the
// hypercube that hides the least total count (then the fewest cells), within a bounded search.
// Hypercubes are sufficient, not necessary, so sparse tables may be over-protected; never
// under-protected.
//
// All functions are pure, deterministic (input order does not matter) and thread-safe.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/optional.h"

namespace confide::policy {

struct DisclosureRules {
  // Counts 1..threshold-1 are suppressed (NHS rule: 1-7 -> "*"). Must be in [1, 1000000].
  int64_t threshold = 8;
  // Published counts are rounded to the nearest multiple, halves up; 1 = no rounding.
  // Must be in [1, 1000000].
  int64_t rounding_base = 5;
  // Turning this off leaves suppressed cells recoverable from totals; only for tables whose
  // margins are never released.
  bool secondary_suppression = true;
};

// One row of a GROUP BY result. Cells absent from the input are known zeros.
struct TableCell {
  std::vector<std::string> dims;  // Same arity for every cell (at most 8); "*" is reserved.
  int64_t count = 0;              // Exact count, 0 <= count <= 10^15.
};

struct PublishedCell {
  std::vector<std::string> dims;
  absl::optional<int64_t> value;  // nullopt = suppressed.
  std::string display;            // "*" when suppressed, else the rounded count as text.
  enum class Reason { kNone, kPrimary, kSecondary } reason = Reason::kNone;
};

struct PublishedTable {
  std::vector<PublishedCell> cells;  // Same order as the input.
  // Human-readable; the first note states the rules applied. Notes give numbers of cells,
  // never a suppressed value.
  std::vector<std::string> notes;
  // Line totals that would reveal an exposed cell, sorted: a cell's dims with "*" in place of
  // the summed-out dimension, e.g. {"Knowsley", "*"}. {"*"} is the grand total of a 1-D table.
  std::vector<std::vector<std::string>> disclosive_margins;
  int64_t primary_suppressed = 0;
  int64_t secondary_suppressed = 0;
};

// InvalidArgument ("expected threshold >= 1, got 0") when a rule is out of range.
absl::Status ValidateRules(const DisclosureRules& rules);

// Suppresses and rounds `cells` under `rules`. Errors:
//  * InvalidArgument: invalid rules, mixed arity, more than 8 dimensions, a negative or too
//    large count, a repeated combination of dimension values, or a "*" dimension value.
//  * ResourceExhausted: more than 250000 cells, or a table too large for the bounded
//    secondary-suppression search (budgeted in steps, so deterministic; a 72000-cell 3-D
//    table takes about 2 s, a 20000-cell 4-D one 0.3 s).
absl::StatusOr<PublishedTable> ApplyDisclosureControl(const std::vector<TableCell>& cells,
                                                      const DisclosureRules& rules);

}  // namespace confide::policy
