#include "hub/query/evaluator.h"

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"

namespace confide::hub::query {
namespace {

// A number split into parts that compare exactly: no leading zeros in `whole`, no trailing
// zeros in `fraction`, and never a negative zero.
struct Decimal {
  bool negative = false;
  absl::string_view whole;
  absl::string_view fraction;
};

bool AllDigits(absl::string_view text) {
  if (text.empty()) {
    return false;
  }
  for (char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

absl::optional<Decimal> ParseDecimal(absl::string_view text) {
  Decimal out;
  if (!text.empty() && text.front() == '-') {
    out.negative = true;
    text.remove_prefix(1);
  }
  size_t dot = text.find('.');
  out.whole = text.substr(0, dot);
  if (dot != absl::string_view::npos) {
    out.fraction = text.substr(dot + 1);
    if (!AllDigits(out.fraction)) {
      return absl::nullopt;
    }
  }
  if (!AllDigits(out.whole)) {
    return absl::nullopt;
  }
  while (!out.whole.empty() && out.whole.front() == '0') {
    out.whole.remove_prefix(1);
  }
  while (!out.fraction.empty() && out.fraction.back() == '0') {
    out.fraction.remove_suffix(1);
  }
  if (out.whole.empty() && out.fraction.empty()) {
    out.negative = false;
  }
  return out;
}

int Sign(int value) { return (value > 0) - (value < 0); }

int CompareMagnitude(const Decimal& a, const Decimal& b) {
  if (a.whole.size() != b.whole.size()) {
    return a.whole.size() < b.whole.size() ? -1 : 1;
  }
  if (int c = Sign(a.whole.compare(b.whole)); c != 0) {
    return c;
  }
  // Without trailing zeros, fraction digits order lexicographically.
  return Sign(a.fraction.compare(b.fraction));
}

int CompareDecimals(const Decimal& a, const Decimal& b) {
  if (a.negative != b.negative) {
    return a.negative ? -1 : 1;
  }
  int magnitude = CompareMagnitude(a, b);
  return a.negative ? -magnitude : magnitude;
}

TruthValue FromBool(bool value) { return value ? TruthValue::kTrue : TruthValue::kFalse; }

TruthValue EvaluateCompare(CompareOp op, int c) {
  switch (op) {
    case CompareOp::kEq:
      return FromBool(c == 0);
    case CompareOp::kNe:
      return FromBool(c != 0);
    case CompareOp::kLt:
      return FromBool(c < 0);
    case CompareOp::kLe:
      return FromBool(c <= 0);
    case CompareOp::kGt:
      return FromBool(c > 0);
    case CompareOp::kGe:
      return FromBool(c >= 0);
  }
  return TruthValue::kUnknown;
}

}  // namespace

int CompareValues(absl::string_view a, absl::string_view b) {
  absl::optional<Decimal> x = ParseDecimal(a);
  absl::optional<Decimal> y = ParseDecimal(b);
  if (x.has_value() && y.has_value()) {
    return CompareDecimals(*x, *y);
  }
  return Sign(a.compare(b));
}

int CompareForSort(absl::string_view a, absl::string_view b) {
  absl::optional<Decimal> x = ParseDecimal(a);
  absl::optional<Decimal> y = ParseDecimal(b);
  if (x.has_value() != y.has_value()) {
    return x.has_value() ? -1 : 1;
  }
  if (x.has_value()) {
    if (int c = CompareDecimals(*x, *y); c != 0) {
      return c;
    }
  }
  return Sign(a.compare(b));
}

TruthValue Evaluate(const Expr& expr, const RowView& row) {
  switch (expr.kind) {
    case Expr::Kind::kAnd: {
      TruthValue result = TruthValue::kTrue;
      for (const std::unique_ptr<Expr>& child : expr.children) {
        TruthValue value = Evaluate(*child, row);
        if (value == TruthValue::kFalse) {
          return TruthValue::kFalse;
        }
        if (value == TruthValue::kUnknown) {
          result = TruthValue::kUnknown;
        }
      }
      return result;
    }
    case Expr::Kind::kOr: {
      TruthValue result = TruthValue::kFalse;
      for (const std::unique_ptr<Expr>& child : expr.children) {
        TruthValue value = Evaluate(*child, row);
        if (value == TruthValue::kTrue) {
          return TruthValue::kTrue;
        }
        if (value == TruthValue::kUnknown) {
          result = TruthValue::kUnknown;
        }
      }
      return result;
    }
    case Expr::Kind::kNot: {
      if (expr.children.size() != 1) {
        return TruthValue::kUnknown;
      }
      TruthValue value = Evaluate(*expr.children[0], row);
      if (value == TruthValue::kUnknown) {
        return TruthValue::kUnknown;
      }
      return FromBool(value == TruthValue::kFalse);
    }
    case Expr::Kind::kCompare: {
      absl::optional<absl::string_view> value = row.Get(expr.column.name);
      if (!value.has_value() || expr.literals.size() != 1) {
        return TruthValue::kUnknown;
      }
      return EvaluateCompare(expr.op, CompareValues(*value, expr.literals[0].value));
    }
    case Expr::Kind::kIn: {
      absl::optional<absl::string_view> value = row.Get(expr.column.name);
      if (!value.has_value()) {
        return TruthValue::kUnknown;
      }
      bool found = false;
      for (const Literal& literal : expr.literals) {
        found = found || CompareValues(*value, literal.value) == 0;
      }
      return FromBool(found != expr.negated);
    }
    case Expr::Kind::kBetween: {
      absl::optional<absl::string_view> value = row.Get(expr.column.name);
      if (!value.has_value() || expr.literals.size() != 2) {
        return TruthValue::kUnknown;
      }
      return FromBool(CompareValues(*value, expr.literals[0].value) >= 0 &&
                      CompareValues(*value, expr.literals[1].value) <= 0);
    }
    case Expr::Kind::kPersonIn:
      return row.PersonIn(expr);
  }
  return TruthValue::kUnknown;
}

bool Matches(const Expr& expr, const RowView& row) {
  return Evaluate(expr, row) == TruthValue::kTrue;
}

absl::Status CheckSupported(const ParsedQuery& query) {
  for (const SelectItem& item : query.select) {
    if (item.kind == SelectItem::Kind::kAggregate &&
        item.aggregate.kind != AggregateKind::kCountStar &&
        item.aggregate.kind != AggregateKind::kCountDistinctPerson) {
      return absl::UnimplementedError(absl::StrCat(
          item.aggregate.pos.line, ":", item.aggregate.pos.column, ": ", ToString(item.aggregate),
          " is not available yet; use COUNT(*) or COUNT(DISTINCT person)"));
    }
  }
  for (const OrderItem& order : query.order_by) {
    if (order.select_index >= query.select.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "ORDER BY refers to select item ", order.select_index, " of ", query.select.size()));
    }
  }
  return absl::OkStatus();
}

}  // namespace confide::hub::query
