// Property test: on thousands of random small tables, an attacker who knows every published
// cell exactly (ignoring rounding), every marginal total over every subset of dimensions
// (exact), and for each "*" whether it is a primary (1..threshold-1) or secondary
// (>= threshold) suppression, still cannot pin down any suppressed cell that the result did not
// flag through a disclosive margin. Proved by complete backtracking search for a second
// integer assignment of the suppressed cells consistent with all of that knowledge.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"
#include "gtest/gtest.h"
#include "policy/disclosure/disclosure_control.h"

namespace confide::policy {
namespace {

using Reason = PublishedCell::Reason;

constexpr int kTables = 4000;
constexpr int64_t kNodeBudget = 200'000;  // per search; keeps the whole test to seconds

struct Constraint {
  std::vector<int> vars;
  int64_t residual = 0;  // sum of the exact counts of the suppressed cells in the margin
};

// Backtracking search over the suppressed cells' values.
class Attacker {
 public:
  Attacker(std::vector<int64_t> truth, std::vector<int64_t> lower, std::vector<int64_t> upper,
           std::vector<Constraint> constraints)
      : truth_(std::move(truth)),
        lower_(std::move(lower)),
        upper_(std::move(upper)),
        constraints_(std::move(constraints)),
        by_var_(truth_.size()) {
    for (size_t c = 0; c < constraints_.size(); ++c) {
      for (int v : constraints_[c].vars) {
        by_var_[v].push_back(c);
      }
    }
    for (size_t v = 0; v < truth_.size(); ++v) {  // tighten upper bounds from each margin
      for (size_t c : by_var_[v]) {
        int64_t others = 0;
        for (int w : constraints_[c].vars) {
          others += w == static_cast<int>(v) ? 0 : lower_[w];
        }
        upper_[v] = std::min(upper_[v], constraints_[c].residual - others);
      }
    }
  }

  // true: some consistent assignment gives `target` another value; false: provably none;
  // nullopt: the node budget ran out.
  absl::optional<bool> CanDiffer(int target) {
    value_.assign(truth_.size(), 0);
    assigned_.assign(truth_.size(), false);
    nodes_ = 0;
    const bool found = Assign(target, 0);
    if (nodes_ > kNodeBudget) {
      return absl::nullopt;
    }
    return found;
  }

 private:
  // Tries values of `var` nearest the truth first (a protecting shift is +-1, so it is found
  // quickly), then recurses. The first variable, the target, must differ from the truth.
  bool Assign(int var, size_t assigned) {
    const absl::optional<int64_t> forced = Forced(var);
    const int64_t span = std::max(upper_[var] - truth_[var], truth_[var] - lower_[var]);
    for (int64_t step = 0; step <= span; ++step) {
      for (int64_t sign : {1, -1}) {
        const int64_t candidate = truth_[var] + sign * step;
        if (candidate < lower_[var] || candidate > upper_[var] ||
            (step == 0 && (assigned == 0 || sign < 0)) ||
            (forced.has_value() && candidate != *forced)) {
          continue;
        }
        if (++nodes_ > kNodeBudget) {
          return false;
        }
        value_[var] = candidate;
        assigned_[var] = true;
        if (Consistent(var) && (assigned + 1 == truth_.size() || Assign(Next(), assigned + 1))) {
          return true;
        }
        assigned_[var] = false;
      }
    }
    return false;
  }

  // The value `var` must take when it is the last unassigned cell of some margin.
  absl::optional<int64_t> Forced(int var) const {
    for (size_t c : by_var_[var]) {
      int64_t rest = constraints_[c].residual;
      bool last = true;
      for (int w : constraints_[c].vars) {
        last = last && (w == var || assigned_[w]);
        rest -= w == var ? 0 : value_[w];
      }
      if (last) {
        return rest;
      }
    }
    return absl::nullopt;
  }

  // Branches on a cell of the margin with the fewest unassigned cells: propagation is
  // strongest there.
  int Next() const {
    int best = -1;
    size_t best_open = std::numeric_limits<size_t>::max();
    for (const Constraint& constraint : constraints_) {
      size_t open = 0;
      int first = -1;
      for (int w : constraint.vars) {
        if (!assigned_[w]) {
          open += 1;
          first = first < 0 ? w : first;
        }
      }
      if (open > 0 && open < best_open) {
        best_open = open;
        best = first;
      }
    }
    if (best < 0) {  // unconstrained cells (no margins at all)
      best = static_cast<int>(std::find(assigned_.begin(), assigned_.end(), false) -
                              assigned_.begin());
    }
    return best;
  }

  bool Consistent(int var) const {
    for (size_t c : by_var_[var]) {
      int64_t low = 0, high = 0;
      for (int w : constraints_[c].vars) {
        low += assigned_[w] ? value_[w] : lower_[w];
        high += assigned_[w] ? value_[w] : upper_[w];
      }
      if (low > constraints_[c].residual || high < constraints_[c].residual) {
        return false;
      }
    }
    return true;
  }

  std::vector<int64_t> truth_, lower_, upper_;
  std::vector<Constraint> constraints_;
  std::vector<std::vector<size_t>> by_var_;
  std::vector<int64_t> value_;
  std::vector<bool> assigned_;
  int64_t nodes_ = 0;
};

struct Stats {
  int tables = 0, suppressed = 0, secondary = 0, proved = 0, flagged = 0, determined = 0,
      avoidable = 0, inconclusive = 0;
};

int64_t RoundHalfUp(int64_t value, int64_t base) {
  return (value / base + (2 * (value % base) >= base ? 1 : 0)) * base;
}

// A random table on its full grid (mixed radix); cells absent from the input are zeros.
struct Grid {
  size_t arity = 0;
  std::vector<int> sizes;
  std::vector<std::vector<int>> coords;
  std::vector<int64_t> counts;
  std::vector<std::vector<std::string>> dims;
};

Grid RandomGrid(std::mt19937_64& rng) {
  Grid grid;
  grid.arity = 1 + rng() % 3;
  int cells = 1;
  for (size_t d = 0; d < grid.arity; ++d) {
    grid.sizes.push_back(2 + static_cast<int>(rng() % 3));
    cells *= grid.sizes.back();
  }
  for (int g = 0; g < cells; ++g) {
    std::vector<int> coords;
    std::vector<std::string> dims;
    for (size_t d = 0, rest = g; d < grid.arity; rest /= grid.sizes[d], ++d) {
      coords.push_back(static_cast<int>(rest % grid.sizes[d]));
      dims.push_back(absl::StrCat("d", d, "v", coords.back()));
    }
    const uint64_t roll = rng() % 100;  // many zeros and small counts
    grid.counts.push_back(roll < 30   ? 0
                          : roll < 70 ? 1 + static_cast<int64_t>(rng() % 7)
                                      : 8 + static_cast<int64_t>(rng() % 25));
    grid.coords.push_back(std::move(coords));
    grid.dims.push_back(std::move(dims));
  }
  return grid;
}

// The attacker's problem when the cells with hidden[g] != kNone are "*": a primary cell lies
// in [1, threshold-1], a secondary one in [threshold, inf), and every margin over every proper
// subset of dimensions is known exactly. var_of maps grid cells to variables (-1: published).
Attacker MakeAttacker(const Grid& grid, const std::vector<Reason>& hidden, int64_t threshold,
                      std::vector<int>& var_of) {
  var_of.assign(grid.counts.size(), -1);
  std::vector<int64_t> truth, lower, upper;
  for (size_t g = 0; g < grid.counts.size(); ++g) {
    if (hidden[g] != Reason::kNone) {
      var_of[g] = static_cast<int>(truth.size());
      truth.push_back(grid.counts[g]);
      const bool primary = hidden[g] == Reason::kPrimary;
      lower.push_back(primary ? 1 : threshold);
      upper.push_back(primary ? threshold - 1 : std::numeric_limits<int32_t>::max());
    }
  }
  std::vector<Constraint> constraints;
  for (uint32_t kept = 0; kept + 1 < (1u << grid.arity); ++kept) {
    std::map<std::vector<int>, Constraint> margins;
    for (size_t g = 0; g < grid.counts.size(); ++g) {
      std::vector<int> key;
      for (size_t d = 0; d < grid.arity; ++d) {
        key.push_back((kept >> d) & 1u ? grid.coords[g][d] : -1);
      }
      if (var_of[g] >= 0) {
        margins[key].vars.push_back(var_of[g]);
        margins[key].residual += grid.counts[g];
      }
    }
    for (auto& [key, constraint] : margins) {
      constraints.push_back(std::move(constraint));
    }
  }
  return Attacker(std::move(truth), std::move(lower), std::move(upper), std::move(constraints));
}

// Whether the flagged margin (one "*") runs through grid cell g.
bool Covers(const std::vector<std::string>& margin, const Grid& grid, size_t g) {
  for (size_t d = 0; d < grid.arity; ++d) {
    if (margin[d] != "*" && margin[d] != grid.dims[g][d]) {
      return false;
    }
  }
  return true;
}

void CheckTable(std::mt19937_64& rng, Stats& stats) {
  static const DisclosureRules kRules[] = {{},
                                           {},
                                           {.threshold = 11, .rounding_base = 10},
                                           {.threshold = 3, .rounding_base = 1},
                                           {.threshold = 5, .rounding_base = 1}};
  const DisclosureRules& rules = kRules[rng() % 5];
  const Grid grid = RandomGrid(rng);
  std::vector<TableCell> input;
  std::map<std::vector<std::string>, size_t> grid_of;
  for (size_t g = 0; g < grid.counts.size(); ++g) {
    grid_of[grid.dims[g]] = g;
    if (grid.counts[g] > 0 || rng() % 2 == 0) {
      input.push_back({grid.dims[g], grid.counts[g]});
    }
  }
  std::shuffle(input.begin(), input.end(), rng);
  absl::StatusOr<PublishedTable> result = ApplyDisclosureControl(input, rules);
  ASSERT_TRUE(result.ok()) << result.status();
  const std::string where =
      absl::StrCat("table ", stats.tables, " rules ", rules.threshold, "/", rules.rounding_base);

  // Cell-level rules; no published count is 1..threshold-1.
  std::vector<Reason> reason(grid.counts.size(), Reason::kNone);
  for (const PublishedCell& cell : result->cells) {
    const size_t g = grid_of.at(cell.dims);
    const int64_t count = grid.counts[g];
    reason[g] = cell.reason;
    if (cell.reason == Reason::kNone) {
      ASSERT_TRUE(count == 0 || count >= rules.threshold) << where;
      ASSERT_EQ(cell.value, RoundHalfUp(count, rules.rounding_base)) << where;
      ASSERT_EQ(cell.display, absl::StrCat(*cell.value)) << where;
      if (rules.threshold == 8 && rules.rounding_base == 5) {
        ASSERT_TRUE(*cell.value == 0 || *cell.value >= 8) << where;
      }
    } else {
      ASSERT_EQ(cell.display, "*") << where;
      ASSERT_FALSE(cell.value.has_value()) << where;
      ASSERT_NE(count, 0) << where;
      ASSERT_EQ(cell.reason == Reason::kPrimary, count < rules.threshold) << where;
    }
  }
  for (const std::vector<std::string>& margin : result->disclosive_margins) {
    ASSERT_EQ(std::count(margin.begin(), margin.end(), "*"), 1) << where;
  }

  // The same input in another order gives the same answer.
  std::shuffle(input.begin(), input.end(), rng);
  absl::StatusOr<PublishedTable> again = ApplyDisclosureControl(input, rules);
  ASSERT_TRUE(again.ok());
  for (const PublishedCell& cell : again->cells) {
    ASSERT_EQ(cell.reason, reason[grid_of.at(cell.dims)]) << where;
  }
  ASSERT_EQ(again->disclosive_margins, result->disclosive_margins) << where;
  ASSERT_EQ(again->notes, result->notes) << where;

  // The line rule: a line (all dims fixed but one) never holds exactly one suppressed cell
  // unless its total is a flagged margin.
  for (size_t d = 0; d < grid.arity; ++d) {
    std::map<std::vector<std::string>, int> suppressed_in_line;
    for (size_t g = 0; g < grid.counts.size(); ++g) {
      std::vector<std::string> line = grid.dims[g];
      line[d] = "*";
      suppressed_in_line[line] += reason[g] == Reason::kNone ? 0 : 1;
    }
    for (const auto& [line, n] : suppressed_in_line) {
      ASSERT_TRUE(n != 1 || std::count(result->disclosive_margins.begin(),
                                       result->disclosive_margins.end(), line) == 1)
          << where;
    }
  }

  // The attacker, and a reference attacker facing every non-zero cell hidden (the most any
  // suppression pattern could hide) to tell inherent exposures from avoidable ones.
  std::vector<int> var_of, all_var_of;
  Attacker attacker = MakeAttacker(grid, reason, rules.threshold, var_of);
  std::vector<Reason> all_hidden(grid.counts.size(), Reason::kNone);
  for (size_t g = 0; g < grid.counts.size(); ++g) {
    if (grid.counts[g] > 0) {
      all_hidden[g] = grid.counts[g] < rules.threshold ? Reason::kPrimary : Reason::kSecondary;
    }
  }
  Attacker reference = MakeAttacker(grid, all_hidden, rules.threshold, all_var_of);
  ++stats.tables;
  for (size_t g = 0; g < grid.counts.size(); ++g) {
    if (var_of[g] < 0) {
      continue;
    }
    ++stats.suppressed;
    stats.secondary += reason[g] == Reason::kSecondary ? 1 : 0;
    const bool covered = std::any_of(
        result->disclosive_margins.begin(), result->disclosive_margins.end(),
        [&](const std::vector<std::string>& margin) { return Covers(margin, grid, g); });
    stats.flagged += covered ? 1 : 0;
    const absl::optional<bool> differs = attacker.CanDiffer(var_of[g]);
    if (!differs.has_value()) {
      ++stats.inconclusive;
      continue;
    }
    if (*differs) {
      ++stats.proved;
      continue;
    }
    // Pinned down by the margins: allowed only if a flagged margin runs through the cell, and
    // only for small cells (secondary cells always get a protecting hypercube).
    ASSERT_TRUE(covered) << where << ": cell " << g << " (count " << grid.counts[g]
                         << ") is determined by the margins but no margin through it is flagged";
    ASSERT_EQ(reason[g], Reason::kPrimary) << where;
    ++stats.determined;
    stats.avoidable += reference.CanDiffer(all_var_of[g]).value_or(false) ? 1 : 0;
  }
}

TEST(DisclosureControlPropertyTest, NoUnflaggedSuppressedCellIsDeterminedByMargins) {
  const auto start = std::chrono::steady_clock::now();
  std::mt19937_64 rng(20240611);
  Stats stats;
  for (int i = 0; i < kTables && !::testing::Test::HasFatalFailure(); ++i) {
    CheckTable(rng, stats);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "tables=" << stats.tables << " suppressed=" << stats.suppressed
            << " secondary=" << stats.secondary << " proved_undetermined=" << stats.proved
            << " in_flagged_margin=" << stats.flagged << " determined=" << stats.determined
            << " avoidable=" << stats.avoidable << " inconclusive=" << stats.inconclusive
            << " seconds=" << seconds << "\n";
  EXPECT_EQ(stats.tables, kTables);
  EXPECT_EQ(stats.inconclusive, 0);
  // The distribution must exercise every branch, not pass vacuously.
  EXPECT_GT(stats.proved, 2 * kTables);
  EXPECT_GT(stats.secondary, kTables);
  EXPECT_GT(stats.determined, 0);
  // Hypercubes are sufficient, not necessary: a few exposed cells could have been protected
  // by a cleverer pattern (about 3% of suppressed cells here, nearly all in 3-D tables).
  // Guard against that quality regressing.
  EXPECT_LT(stats.avoidable, stats.suppressed / 20);
}

}  // namespace
}  // namespace confide::policy
