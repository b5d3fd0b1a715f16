#include "hub/analytics/column_predicate.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "hub/query/evaluator.h"

namespace confide::hub::analytics {
namespace {

constexpr int64_t kSecondsPerDay = 86400;

// A one-column row: lets the shared evaluator judge a leaf against one dictionary value.
class SingleValueRow final : public query::RowView {
 public:
  explicit SingleValueRow(absl::string_view value) : value_(value) {}
  absl::optional<absl::string_view> Get(absl::string_view /*column*/) const override {
    return value_;
  }

 private:
  absl::string_view value_;
};

uint8_t Encode(query::TruthValue value) {
  switch (value) {
    case query::TruthValue::kFalse:
      return kFalse;
    case query::TruthValue::kTrue:
      return kTrue;
    case query::TruthValue::kUnknown:
      break;
  }
  return kUnknown;
}

}  // namespace

bool ColumnCohort::Contains(uint32_t person, int64_t event_time) const {
  if (!window_days.has_value()) {
    return person < member.size() && member[person] != 0;
  }
  if (person + 1 >= offsets.size()) {
    return false;
  }
  const int64_t reach = *window_days * kSecondsPerDay;
  int64_t low = event_time - reach;
  int64_t high = event_time + reach;
  if (direction == query::SubQuery::Direction::kBefore) {
    high = event_time;
  } else if (direction == query::SubQuery::Direction::kAfter) {
    low = event_time;
  }
  auto begin = times.begin() + offsets[person];
  auto end = times.begin() + offsets[person + 1];
  auto first = std::lower_bound(begin, end, low);
  return first != end && *first <= high;
}

void OutputCodes(const ResolvedDimension& dimension, size_t begin, size_t count, uint32_t* out) {
  if (dimension.hours != nullptr) {
    const int32_t* hours = dimension.hours + begin;
    const uint32_t* map = dimension.map.data();
    const int64_t offset = dimension.offset;
    for (size_t i = 0; i < count; ++i) {
      out[i] = map[hours[i] - offset];
    }
    return;
  }
  const uint32_t* codes = dimension.codes + begin;
  if (dimension.map.empty()) {
    std::copy(codes, codes + count, out);
    return;
  }
  const uint32_t* map = dimension.map.data();
  for (size_t i = 0; i < count; ++i) {
    out[i] = map[codes[i]];
  }
}

absl::StatusOr<CompiledPredicate::Node> CompiledPredicate::CompileNode(const query::Expr& expr,
                                                                       const DatasetTable& table,
                                                                       const CohortMap& cohorts) {
  Node node;
  node.kind = expr.kind;
  switch (expr.kind) {
    case query::Expr::Kind::kAnd:
    case query::Expr::Kind::kOr:
    case query::Expr::Kind::kNot:
      for (const std::unique_ptr<query::Expr>& child : expr.children) {
        absl::StatusOr<Node> compiled = CompileNode(*child, table, cohorts);
        if (!compiled.ok()) {
          return compiled.status();
        }
        node.children.push_back(*std::move(compiled));
      }
      return node;
    case query::Expr::Kind::kPersonIn: {
      auto cohort = cohorts.find(&expr);
      if (cohort == cohorts.end()) {
        return absl::InternalError("linked cohort was not built");
      }
      node.cohort = cohort->second.get();
      return node;
    }
    case query::Expr::Kind::kCompare:
    case query::Expr::Kind::kIn:
    case query::Expr::Kind::kBetween:
      break;
  }
  absl::optional<std::shared_ptr<const ResolvedDimension>> dimension =
      table.Resolve(expr.column.name);
  if (!dimension.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat(expr.column.pos.line, ":", expr.column.pos.column, ": unknown column '",
                     expr.column.name, "' in dataset '", table.id(), "'"));
  }
  node.dimension = *std::move(dimension);
  const std::vector<std::string>& names = node.dimension->names;
  node.truth.assign(names.size(), kUnknown);
  for (size_t code = 1; code < names.size(); ++code) {
    node.truth[code] = Encode(query::Evaluate(expr, SingleValueRow(names[code])));
  }
  return node;
}

absl::StatusOr<CompiledPredicate> CompiledPredicate::Compile(const query::Expr& expr,
                                                             const DatasetTable& table,
                                                             const CohortMap& cohorts) {
  CompiledPredicate predicate;
  predicate.table_ = &table;
  absl::StatusOr<Node> root = CompileNode(expr, table, cohorts);
  if (!root.ok()) {
    return root.status();
  }
  predicate.root_ = *std::move(root);
  return predicate;
}

void CompiledPredicate::Evaluate(size_t begin, size_t count, uint8_t* out,
                                 std::vector<std::vector<uint8_t>>& scratch) const {
  EvaluateNode(root_, 0, begin, count, out, scratch);
}

void CompiledPredicate::EvaluateNode(const Node& node, size_t depth, size_t begin, size_t count,
                                     uint8_t* out,
                                     std::vector<std::vector<uint8_t>>& scratch) const {
  switch (node.kind) {
    case query::Expr::Kind::kAnd:
    case query::Expr::Kind::kOr: {
      EvaluateNode(node.children[0], depth + 1, begin, count, out, scratch);
      if (scratch.size() <= depth) {
        scratch.resize(depth + 1);
      }
      scratch[depth].resize(count);
      const bool is_and = node.kind == query::Expr::Kind::kAnd;
      for (size_t c = 1; c < node.children.size(); ++c) {
        // A cohort lookup (a binary search) is only worth doing for rows still undecided.
        const Node& child = node.children[c];
        const bool negated = child.kind == query::Expr::Kind::kNot &&
                             child.children[0].kind == query::Expr::Kind::kPersonIn;
        if (is_and && (child.kind == query::Expr::Kind::kPersonIn || negated)) {
          const ColumnCohort& cohort = *(negated ? child.children[0] : child).cohort;
          const uint32_t* persons = table_->persons().data() + begin;
          const int64_t* times = table_->event_times().data() + begin;
          for (size_t i = 0; i < count; ++i) {
            if (out[i] != kFalse && cohort.Contains(persons[i], times[i]) == negated) {
              out[i] = kFalse;
            }
          }
          continue;
        }
        uint8_t* other = scratch[depth].data();
        EvaluateNode(node.children[c], depth + 1, begin, count, other, scratch);
        other = scratch[depth].data();  // the recursion may have grown `scratch`
        for (size_t i = 0; i < count; ++i) {
          out[i] = is_and ? std::min(out[i], other[i]) : std::max(out[i], other[i]);
        }
      }
      return;
    }
    case query::Expr::Kind::kNot:
      EvaluateNode(node.children[0], depth + 1, begin, count, out, scratch);
      for (size_t i = 0; i < count; ++i) {
        out[i] = static_cast<uint8_t>(kTrue - out[i]);
      }
      return;
    case query::Expr::Kind::kPersonIn: {
      const uint32_t* persons = table_->persons().data() + begin;
      const int64_t* times = table_->event_times().data() + begin;
      for (size_t i = 0; i < count; ++i) {
        out[i] = node.cohort->Contains(persons[i], times[i]) ? kTrue : kFalse;
      }
      return;
    }
    case query::Expr::Kind::kCompare:
    case query::Expr::Kind::kIn:
    case query::Expr::Kind::kBetween: {
      // Codes first (a tight loop per dimension kind), then the table lookup in place.
      uint32_t codes[256];
      for (size_t done = 0; done < count; done += 256) {
        size_t n = std::min<size_t>(256, count - done);
        OutputCodes(*node.dimension, begin + done, n, codes);
        const uint8_t* truth = node.truth.data();
        for (size_t i = 0; i < n; ++i) {
          out[done + i] = truth[codes[i]];
        }
      }
      return;
    }
  }
}

}  // namespace confide::hub::analytics
