#include "hub/query/sql_parser.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "hub/query/internal/lexer.h"
#include "hub/query/internal/parser.h"

namespace confide::hub::query {
namespace internal {

bool Parser::AtKeyword(absl::string_view keyword) const {
  return Cur().kind == TokenKind::kKeyword && Cur().upper == keyword;
}

bool Parser::AtSymbol(absl::string_view symbol) const {
  return Cur().kind == TokenKind::kSymbol && Cur().text == symbol;
}

bool Parser::AtFunctionCall() const {
  return Cur().kind == TokenKind::kIdentifier && Next().kind == TokenKind::kSymbol &&
         Next().text == "(";
}

absl::Status Parser::Error(SourcePos pos, absl::string_view message) const {
  const Token& at = Cur();
  bool before_lexical_error =
      pos.line < at.pos.line || (pos.line == at.pos.line && pos.column < at.pos.column);
  if (at.kind == TokenKind::kError && !before_lexical_error) {
    return absl::InvalidArgumentError(at.value);
  }
  return ErrorAt(pos, message);
}

absl::Status Parser::Expect(absl::string_view what) const {
  return Error(Cur().pos, absl::StrCat("expected ", what, ", got ", Describe(Cur())));
}

absl::Status Parser::ExpectKeyword(absl::string_view keyword) {
  if (!AtKeyword(keyword)) {
    return Expect(keyword);
  }
  Advance();
  return absl::OkStatus();
}

absl::Status Parser::ExpectSymbol(absl::string_view symbol) {
  if (!AtSymbol(symbol)) {
    return Expect(absl::StrCat("'", symbol, "'"));
  }
  Advance();
  return absl::OkStatus();
}

absl::StatusOr<int64_t> Parser::ParseInteger(int64_t min, int64_t max, absl::string_view what) {
  int64_t value = 0;
  if (Cur().kind != TokenKind::kInteger || !absl::SimpleAtoi(Cur().text, &value) || value < min ||
      value > max) {
    return Error(Cur().pos, absl::StrCat(what, ", got ", Describe(Cur())));
  }
  Advance();
  return value;
}

absl::StatusOr<std::string> Parser::ParseDatasetName() {
  if (AtSymbol("(") && Next().kind == TokenKind::kKeyword && Next().upper == "SELECT") {
    return Error(Next().pos,
                 "sub-queries are only allowed as person IN (SELECT person FROM dataset ...)");
  }
  if (Cur().kind != TokenKind::kIdentifier) {
    return Expect("dataset name");
  }
  std::string name = absl::AsciiStrToLower(Cur().text);
  Advance();
  return name;
}

absl::StatusOr<ParsedQuery> Parser::ParseStatement() {
  ParsedQuery query;
  CONFIDE_RETURN_IF_ERROR(ExpectKeyword("SELECT"));
  while (true) {
    CONFIDE_ASSIGN_OR_RETURN(SelectItem item, ParseSelectItem());
    query.select.push_back(std::move(item));
    if (!AtSymbol(",")) {
      break;
    }
    Advance();
  }
  CONFIDE_RETURN_IF_ERROR(ExpectKeyword("FROM"));
  query.dataset_pos = Cur().pos;
  CONFIDE_ASSIGN_OR_RETURN(query.dataset, ParseDatasetName());
  std::string expected = "WHERE, GROUP BY, ORDER BY, LIMIT or end of query";
  if (AtKeyword("WHERE")) {
    Advance();
    CONFIDE_ASSIGN_OR_RETURN(query.where, ParseOr(/*in_subquery=*/false));
    expected = "AND, OR, GROUP BY, ORDER BY, LIMIT or end of query";
  }
  if (AtKeyword("GROUP")) {
    Advance();
    CONFIDE_RETURN_IF_ERROR(ExpectKeyword("BY"));
    while (true) {
      if (AtKeyword("PERSON")) {
        return Error(Cur().pos, "cannot GROUP BY person; row-level output is not allowed");
      }
      if (Cur().kind != TokenKind::kIdentifier || AtFunctionCall()) {
        return Expect("a column name");
      }
      query.group_by.push_back(Column{absl::AsciiStrToLower(Cur().text), Cur().pos});
      Advance();
      if (!AtSymbol(",")) {
        break;
      }
      Advance();
    }
    expected = "ORDER BY, LIMIT or end of query";
  }
  if (AtKeyword("ORDER")) {
    CONFIDE_RETURN_IF_ERROR(ParseOrderBy(query));
    expected = "LIMIT or end of query";
  }
  if (AtKeyword("LIMIT")) {
    Advance();
    CONFIDE_ASSIGN_OR_RETURN(
        query.limit, ParseInteger(1, INT64_MAX, "LIMIT must be followed by a positive integer"));
    expected = "end of query";
  }
  if (AtSymbol(";")) {
    Advance();
    if (Cur().kind != TokenKind::kEnd) {
      return Error(Cur().pos, absl::StrCat("unexpected ", Describe(Cur()),
                                           " after ';'; only one statement is allowed"));
    }
  }
  if (Cur().kind != TokenKind::kEnd) {
    return Expect(expected);
  }
  CONFIDE_RETURN_IF_ERROR(Validate(query));
  return query;
}

absl::StatusOr<SelectItem> Parser::ParseSelectItem() {
  SelectItem item;
  SourcePos alias_pos;
  if (AtSymbol("*")) {
    return Error(Cur().pos,
                 "SELECT * is not allowed; select aggregates such as COUNT(*), optionally with "
                 "GROUP BY columns");
  }
  if (AtKeyword("PERSON")) {
    return Error(Cur().pos,
                 "'person' cannot be selected as a column; row-level output is not allowed "
                 "(use COUNT(DISTINCT person))");
  }
  if (AtFunctionCall()) {
    item.kind = SelectItem::Kind::kAggregate;
    CONFIDE_ASSIGN_OR_RETURN(item.aggregate, ParseAggregate());
    if (AtKeyword("AS")) {
      Advance();
      if (Cur().kind != TokenKind::kIdentifier) {
        return Expect("an alias after AS");
      }
      item.aggregate.alias = absl::AsciiStrToLower(Cur().text);
      alias_pos = Cur().pos;
      Advance();
    }
  } else if (Cur().kind == TokenKind::kIdentifier) {
    item.kind = SelectItem::Kind::kDimension;
    item.column = Column{absl::AsciiStrToLower(Cur().text), Cur().pos};
    Advance();
    if (AtKeyword("AS")) {
      return Error(Cur().pos, "AS is only allowed after an aggregate, not after a column");
    }
  } else {
    return Expect("a column or an aggregate such as COUNT(*)");
  }
  alias_pos_.push_back(alias_pos);
  return item;
}

absl::StatusOr<Aggregate> Parser::ParseAggregate() {
  Aggregate aggregate;
  aggregate.pos = Cur().pos;
  const std::string name = Cur().upper;
  const Token& name_token = Cur();
  if (name != "COUNT" && name != "RATE_PER_1000" && name != "SUM" && name != "REPEAT_RATE") {
    return Error(name_token.pos,
                 absl::StrCat("unknown function ", Describe(name_token),
                              "; expected COUNT, RATE_PER_1000, SUM or REPEAT_RATE"));
  }
  Advance();
  CONFIDE_RETURN_IF_ERROR(ExpectSymbol("("));
  if (name == "COUNT") {
    CONFIDE_RETURN_IF_ERROR(ParseCountBody(/*rate=*/false, aggregate));
  } else if (name == "RATE_PER_1000") {
    if (!(Cur().kind == TokenKind::kIdentifier && Cur().upper == "COUNT")) {
      return Expect("COUNT(*) or COUNT(DISTINCT person) inside RATE_PER_1000");
    }
    Advance();
    CONFIDE_RETURN_IF_ERROR(ExpectSymbol("("));
    CONFIDE_RETURN_IF_ERROR(ParseCountBody(/*rate=*/true, aggregate));
    CONFIDE_RETURN_IF_ERROR(ExpectSymbol(")"));
  } else if (name == "SUM") {
    if (!(Cur().kind == TokenKind::kIdentifier && Cur().upper == "HARM")) {
      return Expect("harm (SUM only totals harm weights)");
    }
    aggregate.kind = AggregateKind::kSumHarm;
    Advance();
  } else {  // REPEAT_RATE
    aggregate.kind = AggregateKind::kRepeatRate;
    constexpr absl::string_view kWhat = "REPEAT_RATE takes two positive integers";
    CONFIDE_ASSIGN_OR_RETURN(int64_t first, ParseInteger(1, INT64_MAX, kWhat));
    CONFIDE_RETURN_IF_ERROR(ExpectSymbol(","));
    CONFIDE_ASSIGN_OR_RETURN(int64_t second, ParseInteger(1, INT64_MAX, kWhat));
    aggregate.args = {first, second};
  }
  CONFIDE_RETURN_IF_ERROR(ExpectSymbol(")"));
  return aggregate;
}

absl::Status Parser::ParseCountBody(bool rate, Aggregate& aggregate) {
  if (AtSymbol("*")) {
    aggregate.kind = rate ? AggregateKind::kRatePer1000CountStar : AggregateKind::kCountStar;
    Advance();
  } else if (AtKeyword("DISTINCT")) {
    Advance();
    if (!AtKeyword("PERSON")) {
      return Expect("person after COUNT(DISTINCT (only distinct people can be counted)");
    }
    aggregate.kind =
        rate ? AggregateKind::kRatePer1000CountDistinctPerson : AggregateKind::kCountDistinctPerson;
    Advance();
  } else {
    return Expect("'*' or DISTINCT person inside COUNT");
  }
  return absl::OkStatus();
}

absl::Status Parser::ParseOrderBy(ParsedQuery& query) {
  Advance();  // ORDER
  CONFIDE_RETURN_IF_ERROR(ExpectKeyword("BY"));
  while (true) {
    OrderItem order;
    order.pos = Cur().pos;
    bool found = false;
    if (AtFunctionCall()) {
      const Token& first = Cur();
      CONFIDE_ASSIGN_OR_RETURN(Aggregate wanted, ParseAggregate());
      for (size_t i = 0; i < query.select.size() && !found; ++i) {
        const SelectItem& item = query.select[i];
        if (item.kind == SelectItem::Kind::kAggregate && item.aggregate.kind == wanted.kind &&
            item.aggregate.args == wanted.args) {
          order.select_index = i;
          found = true;
        }
      }
      if (!found) {
        return Error(first.pos, absl::StrCat("ORDER BY ", ToString(wanted),
                                             " must also appear in the SELECT list"));
      }
    } else if (Cur().kind == TokenKind::kIdentifier) {
      std::string name = absl::AsciiStrToLower(Cur().text);
      for (size_t i = 0; i < query.select.size() && !found; ++i) {
        const SelectItem& item = query.select[i];
        if (item.kind == SelectItem::Kind::kDimension ? item.column.name == name
                                                      : item.aggregate.alias == name) {
          order.select_index = i;
          found = true;
        }
      }
      if (!found) {
        return Error(Cur().pos, absl::StrCat("ORDER BY ", Describe(Cur()),
                                             " is neither a selected column nor an alias"));
      }
      Advance();
    } else if (AtKeyword("PERSON")) {
      return Error(Cur().pos, "cannot ORDER BY person; row-level output is not allowed");
    } else {
      return Expect("a column, alias or aggregate after ORDER BY");
    }
    if (AtKeyword("ASC") || AtKeyword("DESC")) {
      order.descending = AtKeyword("DESC");
      Advance();
    }
    query.order_by.push_back(order);
    if (!AtSymbol(",")) {
      return absl::OkStatus();
    }
    Advance();
  }
}

absl::Status Parser::Validate(const ParsedQuery& query) const {
  bool has_aggregate = false;
  for (const SelectItem& item : query.select) {
    has_aggregate = has_aggregate || item.kind == SelectItem::Kind::kAggregate;
  }
  if (!has_aggregate) {
    return Error(query.select.front().column.pos,
                 "query must contain an aggregate such as COUNT(*); row-level output is not "
                 "allowed");
  }
  // Output names: selected columns and aliases, each used once.
  absl::flat_hash_set<std::string> names;
  for (size_t i = 0; i < query.select.size(); ++i) {
    const SelectItem& item = query.select[i];
    if (item.kind == SelectItem::Kind::kDimension && !names.insert(item.column.name).second) {
      return Error(item.column.pos,
                   absl::StrCat("column '", item.column.name, "' is selected more than once"));
    }
  }
  for (size_t i = 0; i < query.select.size(); ++i) {
    const SelectItem& item = query.select[i];
    if (item.kind == SelectItem::Kind::kAggregate && !item.aggregate.alias.empty() &&
        !names.insert(item.aggregate.alias).second) {
      return Error(alias_pos_[i], absl::StrCat("alias '", item.aggregate.alias,
                                               "' is already used as an output name"));
    }
  }
  absl::flat_hash_map<std::string, SourcePos> grouped;
  for (const Column& column : query.group_by) {
    if (!grouped.emplace(column.name, column.pos).second) {
      return Error(column.pos,
                   absl::StrCat("column '", column.name, "' appears more than once in GROUP BY"));
    }
  }
  for (const SelectItem& item : query.select) {
    if (item.kind == SelectItem::Kind::kDimension && !grouped.contains(item.column.name)) {
      return Error(item.column.pos,
                   absl::StrCat("column '", item.column.name,
                                "' is selected but not in GROUP BY; every selected column must "
                                "be grouped"));
    }
  }
  for (const Column& column : query.group_by) {
    bool selected = false;
    for (const SelectItem& item : query.select) {
      selected = selected ||
                 (item.kind == SelectItem::Kind::kDimension && item.column.name == column.name);
    }
    if (!selected) {
      return Error(column.pos,
                   absl::StrCat("GROUP BY column '", column.name, "' is not in the SELECT list"));
    }
  }
  return absl::OkStatus();
}

}  // namespace internal

absl::StatusOr<ParsedQuery> ParseQuery(absl::string_view sql) {
  if (sql.size() > kMaxQueryBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("query is ", sql.size(), " bytes long; the limit is ", kMaxQueryBytes));
  }
  return internal::Parser(internal::Tokenize(sql)).ParseStatement();
}

}  // namespace confide::hub::query
