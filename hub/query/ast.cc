#include "hub/query/ast.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace confide::hub::query {
namespace {

void CollectColumns(const Expr& expr, bool in_subquery, const std::string& dataset,
                    std::vector<ColumnRef>& out) {
  switch (expr.kind) {
    case Expr::Kind::kAnd:
    case Expr::Kind::kOr:
    case Expr::Kind::kNot:
      for (const std::unique_ptr<Expr>& child : expr.children) {
        CollectColumns(*child, in_subquery, dataset, out);
      }
      return;
    case Expr::Kind::kCompare:
    case Expr::Kind::kIn:
    case Expr::Kind::kBetween:
      out.push_back(ColumnRef{expr.column.name, expr.column.pos, in_subquery, dataset});
      return;
    case Expr::Kind::kPersonIn:
      if (expr.subquery != nullptr && expr.subquery->where != nullptr) {
        CollectColumns(*expr.subquery->where, true, expr.subquery->dataset, out);
      }
      return;
  }
}

void CollectPersonIn(const Expr& expr, std::vector<const Expr*>& out) {
  if (expr.kind == Expr::Kind::kPersonIn) {
    out.push_back(&expr);
    return;  // sub-queries are never nested
  }
  for (const std::unique_ptr<Expr>& child : expr.children) {
    CollectPersonIn(*child, out);
  }
}

std::string LiteralText(const Literal& literal) {
  if (literal.kind == Literal::Kind::kString) {
    return absl::StrCat("'", absl::StrReplaceAll(literal.value, {{"'", "''"}}), "'");
  }
  return literal.value;
}

const char* OpText(CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return "=";
    case CompareOp::kNe:
      return "!=";
    case CompareOp::kLt:
      return "<";
    case CompareOp::kLe:
      return "<=";
    case CompareOp::kGt:
      return ">";
    case CompareOp::kGe:
      return ">=";
  }
  return "?";
}

// An operand of `parent` needs parentheses when it binds more loosely than `parent`.
std::string Operand(const Expr& child, Expr::Kind parent) {
  bool loose = (child.kind == Expr::Kind::kOr && parent != Expr::Kind::kOr) ||
               (child.kind == Expr::Kind::kAnd && parent == Expr::Kind::kNot);
  std::string text = ToString(child);
  return loose ? absl::StrCat("(", text, ")") : text;
}

std::string SelectItemText(const SelectItem& item) {
  if (item.kind == SelectItem::Kind::kDimension) {
    return item.column.name;
  }
  return ToString(item.aggregate);
}

}  // namespace

std::vector<ColumnRef> ReferencedColumns(const ParsedQuery& query) {
  std::vector<ColumnRef> out;
  for (const SelectItem& item : query.select) {
    if (item.kind == SelectItem::Kind::kDimension) {
      out.push_back(ColumnRef{item.column.name, item.column.pos, false, query.dataset});
    }
  }
  if (query.where != nullptr) {
    CollectColumns(*query.where, false, query.dataset, out);
  }
  for (const Column& column : query.group_by) {
    out.push_back(ColumnRef{column.name, column.pos, false, query.dataset});
  }
  for (const OrderItem& order : query.order_by) {
    if (order.select_index < query.select.size() &&
        query.select[order.select_index].kind == SelectItem::Kind::kDimension) {
      const Column& column = query.select[order.select_index].column;
      out.push_back(ColumnRef{column.name, order.pos, false, query.dataset});
    }
  }
  return out;
}

std::vector<const Expr*> PersonInNodes(const Expr& expr) {
  std::vector<const Expr*> out;
  CollectPersonIn(expr, out);
  return out;
}

std::vector<std::string> ReferencedDatasets(const ParsedQuery& query) {
  std::vector<std::string> out = {query.dataset};
  if (query.where == nullptr) {
    return out;
  }
  for (const Expr* node : PersonInNodes(*query.where)) {
    if (node->subquery != nullptr &&
        std::find(out.begin(), out.end(), node->subquery->dataset) == out.end()) {
      out.push_back(node->subquery->dataset);
    }
  }
  return out;
}

std::string ToString(const Aggregate& aggregate) {
  switch (aggregate.kind) {
    case AggregateKind::kCountStar:
      return "COUNT(*)";
    case AggregateKind::kCountDistinctPerson:
      return "COUNT(DISTINCT PERSON)";
    case AggregateKind::kRatePer1000CountStar:
      return "RATE_PER_1000(COUNT(*))";
    case AggregateKind::kRatePer1000CountDistinctPerson:
      return "RATE_PER_1000(COUNT(DISTINCT PERSON))";
    case AggregateKind::kSumHarm:
      return "SUM(HARM)";
    case AggregateKind::kRepeatRate:
      return absl::StrCat("REPEAT_RATE(", absl::StrJoin(aggregate.args, ", "), ")");
  }
  return "?";
}

std::string ToString(const Expr& expr) {
  switch (expr.kind) {
    case Expr::Kind::kAnd:
    case Expr::Kind::kOr: {
      std::vector<std::string> parts;
      for (const std::unique_ptr<Expr>& child : expr.children) {
        parts.push_back(Operand(*child, expr.kind));
      }
      return absl::StrJoin(parts, expr.kind == Expr::Kind::kAnd ? " AND " : " OR ");
    }
    case Expr::Kind::kNot:
      return absl::StrCat("NOT ", expr.children.empty()
                                      ? std::string("?")
                                      : Operand(*expr.children[0], Expr::Kind::kNot));
    case Expr::Kind::kCompare:
      return absl::StrCat(expr.column.name, " ", OpText(expr.op), " ",
                          expr.literals.empty() ? "?" : LiteralText(expr.literals[0]));
    case Expr::Kind::kIn: {
      std::vector<std::string> parts;
      for (const Literal& literal : expr.literals) {
        parts.push_back(LiteralText(literal));
      }
      return absl::StrCat(expr.column.name, expr.negated ? " NOT IN (" : " IN (",
                          absl::StrJoin(parts, ", "), ")");
    }
    case Expr::Kind::kBetween:
      if (expr.literals.size() != 2) {
        return absl::StrCat(expr.column.name, " BETWEEN ?");
      }
      return absl::StrCat(expr.column.name, " BETWEEN ", LiteralText(expr.literals[0]), " AND ",
                          LiteralText(expr.literals[1]));
    case Expr::Kind::kPersonIn: {
      if (expr.subquery == nullptr) {
        return "PERSON IN (?)";
      }
      const SubQuery& sub = *expr.subquery;
      std::string text = absl::StrCat("PERSON IN (SELECT PERSON FROM ", sub.dataset);
      if (sub.where != nullptr) {
        absl::StrAppend(&text, " WHERE ", ToString(*sub.where));
      }
      absl::StrAppend(&text, ")");
      if (sub.window_days.has_value()) {
        absl::StrAppend(&text, " WITHIN ", *sub.window_days, " DAYS");
        if (sub.direction != SubQuery::Direction::kEither) {
          absl::StrAppend(&text,
                          sub.direction == SubQuery::Direction::kBefore ? " BEFORE" : " AFTER");
        }
      }
      return text;
    }
  }
  return "?";
}

std::string ToString(const ParsedQuery& query) {
  std::vector<std::string> items;
  for (const SelectItem& item : query.select) {
    std::string text = SelectItemText(item);
    if (item.kind == SelectItem::Kind::kAggregate && !item.aggregate.alias.empty()) {
      absl::StrAppend(&text, " AS ", item.aggregate.alias);
    }
    items.push_back(std::move(text));
  }
  std::string out = absl::StrCat("SELECT ", absl::StrJoin(items, ", "), " FROM ", query.dataset);
  if (query.where != nullptr) {
    absl::StrAppend(&out, " WHERE ", ToString(*query.where));
  }
  if (!query.group_by.empty()) {
    std::vector<std::string> names;
    for (const Column& column : query.group_by) {
      names.push_back(column.name);
    }
    absl::StrAppend(&out, " GROUP BY ", absl::StrJoin(names, ", "));
  }
  if (!query.order_by.empty()) {
    std::vector<std::string> parts;
    for (const OrderItem& order : query.order_by) {
      std::string text = "?";
      if (order.select_index < query.select.size()) {
        const SelectItem& item = query.select[order.select_index];
        text = (item.kind == SelectItem::Kind::kAggregate && !item.aggregate.alias.empty())
                   ? item.aggregate.alias
                   : SelectItemText(item);
      }
      parts.push_back(order.descending ? absl::StrCat(text, " DESC") : text);
    }
    absl::StrAppend(&out, " ORDER BY ", absl::StrJoin(parts, ", "));
  }
  if (query.limit.has_value()) {
    absl::StrAppend(&out, " LIMIT ", *query.limit);
  }
  return out;
}

}  // namespace confide::hub::query
