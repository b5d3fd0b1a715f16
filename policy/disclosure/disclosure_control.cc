#include "policy/disclosure/disclosure_control.h"

#include <algorithm>
#include <bit>
#include <cstddef>
#include <map>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "common/status_macros.h"

namespace confide::policy {
namespace {

constexpr int64_t kMaxRuleValue = 1'000'000;
// Keeps rounding and hypercube costs (up to 2^8 counts summed) far from int64 overflow.
constexpr int64_t kMaxCount = 1'000'000'000'000'000;
constexpr size_t kMaxDimensions = 8;
// Aggregate tables for analysts are far smaller; this bounds memory and latency up front.
constexpr size_t kMaxCells = 250'000;
// Corner look-ups allowed per small cell (past it, the cheapest hypercube found so far is
// used) and across one call (past it, a huge or adversarial table fails with
// ResourceExhausted instead of tying up the hub). Counted in steps, not time, so results stay
// deterministic.
constexpr int64_t kMaxStepsPerCell = 200'000;
constexpr int64_t kMaxSearchSteps = 50'000'000;
constexpr absl::string_view kWildcard = "*";

using Coords = std::vector<int32_t>;
using Cost = std::pair<int64_t, int64_t>;  // (total count newly hidden, cells newly hidden)
using Reason = PublishedCell::Reason;

int64_t RoundHalfUp(int64_t value, int64_t base) {
  const int64_t quotient = value / base;
  return (2 * (value % base) >= base ? quotient + 1 : quotient) * base;
}

std::string Describe(const std::vector<std::string>& dims) {
  return absl::StrCat("(", absl::StrJoin(dims, ", "), ")");
}

std::string CellsPhrase(int64_t n) { return absl::StrCat(n, n == 1 ? " cell" : " cells"); }

// What the analyst knows about a suppressed cell: a primary cell lies in [1, threshold-1], a
// secondary one in [threshold, inf). A shift of the cell must stay inside that interval.
bool CanIncrease(int64_t value, int64_t threshold) { return value != threshold - 1; }
bool CanDecrease(int64_t value, int64_t threshold) { return value >= 2 && value != threshold; }

absl::Status ValidateCells(const std::vector<TableCell>& cells) {
  if (cells.empty()) {
    return absl::OkStatus();
  }
  if (cells.size() > kMaxCells) {
    return absl::ResourceExhaustedError(
        absl::StrFormat("expected at most %d cells, got %d", kMaxCells, cells.size()));
  }
  const size_t arity = cells.front().dims.size();
  if (arity > kMaxDimensions) {
    return absl::InvalidArgumentError(
        absl::StrFormat("expected at most %d dimensions, got %d", kMaxDimensions, arity));
  }
  for (const TableCell& cell : cells) {
    if (cell.dims.size() != arity) {
      return absl::InvalidArgumentError(
          absl::StrFormat("expected %d dimension values in every cell, got %d in cell %s", arity,
                          cell.dims.size(), Describe(cell.dims)));
    }
    if (cell.count < 0 || cell.count > kMaxCount) {
      return absl::InvalidArgumentError(
          absl::StrFormat("expected a count in [0, %d], got %d in cell %s", kMaxCount, cell.count,
                          Describe(cell.dims)));
    }
    if (std::find(cell.dims.begin(), cell.dims.end(), kWildcard) != cell.dims.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "expected dimension values other than \"*\" (it marks a summed-out dimension), got "
          "cell ",
          Describe(cell.dims)));
    }
  }
  return absl::OkStatus();
}

// The table on a dense coordinate grid (cells sorted by dims, each keyed by its mixed-radix
// grid position), plus the search for protecting hypercubes.
class Suppressor {
 public:
  Suppressor(const std::vector<TableCell>& cells, int64_t threshold)
      : cells_(cells), threshold_(threshold) {}

  // Sorts the cells by dims (as grid keys, dimension 0 most significant, so that input order
  // cannot change any decision). InvalidArgument for a repeated combination of dimension
  // values; ResourceExhausted when the grid has too many positions to key with 62 bits.
  absl::Status Index() {
    arity_ = cells_.empty() ? 0 : cells_.front().dims.size();
    std::vector<absl::flat_hash_map<absl::string_view, int32_t>> positions(arity_);
    domain_sizes_.assign(arity_, 0);
    strides_.assign(arity_, 1);
    for (size_t d = arity_; d-- > 0;) {
      for (const TableCell& cell : cells_) {
        positions[d].emplace(cell.dims[d], 0);
      }
      std::vector<absl::string_view> domain;
      for (const auto& [value, position] : positions[d]) {
        domain.push_back(value);
      }
      std::sort(domain.begin(), domain.end());
      for (size_t i = 0; i < domain.size(); ++i) {
        positions[d][domain[i]] = static_cast<int32_t>(i);
      }
      domain_sizes_[d] = static_cast<int32_t>(domain.size());
      if (d > 0) {
        if (strides_[d] > (uint64_t{1} << 62) / domain.size()) {
          return absl::ResourceExhaustedError(absl::StrFormat(
              "expected at most 2^62 combinations of dimension values, got more with %d cells "
              "in %d dimensions",
              cells_.size(), arity_));
        }
        strides_[d - 1] = strides_[d] * domain.size();
      }
    }
    std::vector<std::pair<uint64_t, size_t>> keyed;  // (grid key, input index)
    for (size_t i = 0; i < cells_.size(); ++i) {
      uint64_t key = 0;
      for (size_t d = 0; d < arity_; ++d) {
        key += static_cast<uint64_t>(positions[d].at(cells_[i].dims[d])) * strides_[d];
      }
      keyed.emplace_back(key, i);
    }
    std::sort(keyed.begin(), keyed.end());
    for (size_t s = 0; s < keyed.size(); ++s) {
      const auto [key, input] = keyed[s];
      if (s > 0 && keyed[s - 1].first == key) {
        return absl::InvalidArgumentError(
            absl::StrCat("expected each combination of dimension values once, got ",
                         Describe(cells_[input].dims), " more than once"));
      }
      const TableCell& cell = cells_[input];
      Coords coords(arity_);
      for (size_t d = 0; d < arity_; ++d) {
        coords[d] = positions[d].at(cell.dims[d]);
      }
      order_.push_back(input);
      index_.emplace(key, s);
      keys_.push_back(key);
      coords_.push_back(std::move(coords));
      values_.push_back(cell.count);
      reasons_.push_back(cell.count > 0 && cell.count < threshold_ ? Reason::kPrimary
                                                                   : Reason::kNone);
    }
    protected_.assign(order_.size(), arity_ == 0);  // No dimensions means no margins.
    return absl::OkStatus();
  }

  // Chooses secondary suppressions; records primary cells no hypercube can protect.
  absl::Status Protect() {
    for (size_t s = 0; s < order_.size(); ++s) {
      if (reasons_[s] != Reason::kPrimary || protected_[s]) {
        continue;
      }
      target_ = coords_[s];
      target_key_ = keys_[s];
      choice_ = target_;
      offsets_.assign(arity_, 0);
      found_ = false;
      cell_steps_ = 0;
      Search(0, Cost{0, 0}, CanIncrease(values_[s], threshold_),
             CanDecrease(values_[s], threshold_));
      steps_ += cell_steps_;
      if (steps_ > kMaxSearchSteps) {
        return absl::ResourceExhaustedError(absl::StrFormat(
            "expected a table small enough for secondary suppression (%d search steps), got "
            "%d cells in %d dimensions",
            kMaxSearchSteps, order_.size(), arity_));
      }
      if (!found_) {
        exposed_.push_back(s);
        continue;
      }
      for (uint32_t mask = 0; mask < (1u << arity_); ++mask) {
        uint64_t key = target_key_;
        for (size_t i = 0; i < arity_; ++i) {
          if ((mask >> i) & 1u) {
            key += static_cast<uint64_t>(best_choice_[i] - target_[i]) * strides_[i];
          }
        }
        const size_t corner = index_.at(key);
        if (reasons_[corner] == Reason::kNone) {
          reasons_[corner] = Reason::kSecondary;
        }
        protected_[corner] = true;
      }
    }
    return absl::OkStatus();
  }

  // Line totals through exposed cells; true when the line holds no other non-zero cell, so
  // its total simply equals the suppressed cell.
  std::map<std::vector<std::string>, bool> DisclosiveMargins() const {
    std::map<std::vector<std::string>, bool> margins;
    for (size_t s : exposed_) {
      for (size_t d = 0; d < arity_; ++d) {
        bool alone = true;
        for (int32_t v = 0; v < domain_sizes_[d]; ++v) {
          const uint64_t key = keys_[s] + static_cast<uint64_t>(v - coords_[s][d]) * strides_[d];
          auto it = index_.find(key);
          alone = alone && (v == coords_[s][d] || it == index_.end() || values_[it->second] == 0);
        }
        std::vector<std::string> margin = cells_[order_[s]].dims;
        margin[d] = std::string(kWildcard);
        margins.emplace(std::move(margin), alone);
      }
    }
    return margins;
  }

  // Per sorted position: the input index, and why the cell is suppressed (if it is).
  const std::vector<size_t>& order() const { return order_; }
  Reason reason(size_t sorted_index) const { return reasons_[sorted_index]; }

 private:
  struct Candidate {
    Cost cost;
    int32_t value;
    bool plus, minus;
  };

  // Depth-first over the partner value in each dimension, cheapest first. `plus`/`minus`:
  // whether the shift +1 on even corners (-1 on odd) / the opposite is still feasible for the
  // corners so far. Corners are final once added, so partial costs are lower bounds: once a
  // candidate is no cheaper than the best hypercube found, neither are the ones after it. The
  // per-cell budget only ever costs optimality: a cell with no hypercube found is exposed.
  void Search(size_t depth, Cost cost, bool plus, bool minus) {
    if (depth == arity_) {
      found_ = true;
      best_cost_ = cost;
      best_choice_ = choice_;
      return;
    }
    // corner_offsets[mask]: key offset of the corner taking choice_[i] for each bit i of mask.
    std::vector<uint64_t> corner_offsets(size_t{1} << depth, 0);
    for (size_t mask = 1; mask < corner_offsets.size(); ++mask) {
      corner_offsets[mask] = corner_offsets[mask & (mask - 1)] + offsets_[std::countr_zero(mask)];
    }
    std::vector<Candidate> candidates;
    for (int32_t v = 0; v < domain_sizes_[depth]; ++v) {
      if (v == target_[depth]) {
        continue;
      }
      const uint64_t offset = static_cast<uint64_t>(v - target_[depth]) * strides_[depth];
      Candidate candidate{cost, v, plus, minus};
      bool usable = true;
      for (size_t mask = 0; mask < corner_offsets.size() && usable; ++mask) {
        ++cell_steps_;
        auto it = index_.find(target_key_ + offset + corner_offsets[mask]);
        if (it == index_.end() || values_[it->second] == 0) {
          usable = false;  // A zero is published, so it cannot hide a shift.
          break;
        }
        const int64_t value = values_[it->second];
        const bool odd = std::popcount(mask) % 2 == 0;  // the new dimension adds one
        const bool inc = CanIncrease(value, threshold_);
        const bool dec = CanDecrease(value, threshold_);
        candidate.plus = candidate.plus && (odd ? dec : inc);
        candidate.minus = candidate.minus && (odd ? inc : dec);
        if (reasons_[it->second] == Reason::kNone) {
          candidate.cost.first += value;
          candidate.cost.second += 1;
        }
        usable = (candidate.plus || candidate.minus) && (!found_ || candidate.cost < best_cost_);
      }
      if (!usable) {
        continue;
      }
      if (depth + 1 == arity_) {  // A complete hypercube, cheaper than the best so far.
        choice_[depth] = v;
        Search(depth + 1, candidate.cost, candidate.plus, candidate.minus);
      } else {
        candidates.push_back(candidate);
      }
    }
    std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
      return std::tie(a.cost, a.value) < std::tie(b.cost, b.value);
    });
    for (const Candidate& candidate : candidates) {
      if ((found_ && candidate.cost >= best_cost_) || cell_steps_ > kMaxStepsPerCell) {
        break;
      }
      choice_[depth] = candidate.value;
      offsets_[depth] = static_cast<uint64_t>(candidate.value - target_[depth]) * strides_[depth];
      Search(depth + 1, candidate.cost, candidate.plus, candidate.minus);
    }
    choice_[depth] = target_[depth];
    offsets_[depth] = 0;
  }

  const std::vector<TableCell>& cells_;
  std::vector<size_t> order_;  // Sorted position -> input index.
  const int64_t threshold_;
  size_t arity_ = 0;
  std::vector<int32_t> domain_sizes_;
  std::vector<uint64_t> strides_;
  absl::flat_hash_map<uint64_t, size_t> index_;  // Grid key -> sorted position.
  std::vector<uint64_t> keys_;
  std::vector<Coords> coords_;
  std::vector<int64_t> values_;
  std::vector<Reason> reasons_;
  std::vector<bool> protected_;
  std::vector<size_t> exposed_;
  int64_t steps_ = 0;
  // Search state for the current target. Offsets wrap modulo 2^64, which sums correctly.
  Coords target_, choice_, best_choice_;
  uint64_t target_key_ = 0;
  std::vector<uint64_t> offsets_;
  Cost best_cost_;
  bool found_ = false;
  int64_t cell_steps_ = 0;
};

std::vector<std::string> Notes(const DisclosureRules& rules, const PublishedTable& table,
                               const std::map<std::vector<std::string>, bool>& margins) {
  std::vector<std::string> notes;
  if (rules.threshold == 1) {
    notes.push_back(
        "No counts are suppressed for being small (threshold 1); zero counts are "
        "shown as 0");
  } else {
    const std::string range = rules.threshold == 2 ? "1" : absl::StrCat("1–", rules.threshold - 1);
    notes.push_back(absl::StrCat("Counts of ", range,
                                 " are shown as * (primary suppression); zero counts are shown "
                                 "as 0"));
  }
  if (table.primary_suppressed > 0) {
    notes.push_back(absl::StrCat(CellsPhrase(table.primary_suppressed), " suppressed because ",
                                 table.primary_suppressed == 1 ? "it was" : "they were",
                                 " below the threshold of ", rules.threshold));
  }
  if (table.secondary_suppressed > 0) {
    notes.push_back(
        absl::StrCat(table.secondary_suppressed,
                     table.secondary_suppressed == 1 ? " further cell" : " further cells",
                     " suppressed so suppressed values cannot be recovered from row, "
                     "column or grand totals"));
  }
  if (!rules.secondary_suppression) {
    notes.push_back(
        "Secondary suppression was not applied: suppressed values may be recoverable from "
        "totals");
  }
  notes.push_back(rules.rounding_base == 1
                      ? std::string("Counts are not rounded")
                      : absl::StrCat("Counts are rounded to the nearest ", rules.rounding_base));
  for (const auto& [margin, alone] : margins) {
    notes.push_back(absl::StrCat(
        "The total for ", Describe(margin),
        alone ? " equals a suppressed cell" : " would let a suppressed cell be recovered",
        "; that total must also be suppressed"));
  }
  return notes;
}

}  // namespace

absl::Status ValidateRules(const DisclosureRules& rules) {
  for (const auto& [name, value] :
       {std::pair<absl::string_view, int64_t>{"threshold", rules.threshold},
        {"rounding_base", rules.rounding_base}}) {
    if (value < 1) {
      return absl::InvalidArgumentError(absl::StrFormat("expected %s >= 1, got %d", name, value));
    }
    if (value > kMaxRuleValue) {
      return absl::InvalidArgumentError(
          absl::StrFormat("expected %s <= %d, got %d", name, kMaxRuleValue, value));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<PublishedTable> ApplyDisclosureControl(const std::vector<TableCell>& cells,
                                                      const DisclosureRules& rules) {
  CONFIDE_RETURN_IF_ERROR(ValidateRules(rules));
  CONFIDE_RETURN_IF_ERROR(ValidateCells(cells));

  Suppressor suppressor(cells, rules.threshold);
  CONFIDE_RETURN_IF_ERROR(suppressor.Index());
  std::map<std::vector<std::string>, bool> margins;
  if (rules.secondary_suppression) {
    CONFIDE_RETURN_IF_ERROR(suppressor.Protect());
    margins = suppressor.DisclosiveMargins();
  }

  PublishedTable table;
  table.cells.resize(cells.size());
  const std::vector<size_t>& order = suppressor.order();
  for (size_t s = 0; s < order.size(); ++s) {
    const TableCell& in = cells[order[s]];
    PublishedCell& out = table.cells[order[s]];
    out.dims = in.dims;
    out.reason = suppressor.reason(s);
    if (out.reason == Reason::kNone) {
      out.value = RoundHalfUp(in.count, rules.rounding_base);
      out.display = absl::StrCat(*out.value);
    } else {
      out.display = std::string(kWildcard);
      if (out.reason == Reason::kPrimary) {
        ++table.primary_suppressed;
      } else {
        ++table.secondary_suppressed;
      }
    }
  }
  for (const auto& [margin, alone] : margins) {
    table.disclosive_margins.push_back(margin);
  }
  table.notes = Notes(rules, table, margins);
  return table;
}

}  // namespace confide::policy
