// Robustness: no input crashes, hangs or overflows the stack, every failure is a positioned
// InvalidArgumentError, and every success round-trips through ToString().

#include <cctype>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/query/ast.h"
#include "hub/query/evaluator.h"
#include "hub/query/sql_parser.h"
#include "tests/testing/status_matchers.h"

namespace confide::hub::query {
namespace {

class EmptyRow : public RowView {
 public:
  absl::optional<absl::string_view> Get(absl::string_view column) const override {
    if (column.size() % 2 == 0) {
      return absl::nullopt;
    }
    return column;
  }
};

bool HasPositionPrefix(absl::string_view message) {
  size_t i = 0;
  for (int part = 0; part < 2; ++part) {
    size_t start = i;
    while (i < message.size() && absl::ascii_isdigit(message[i])) {
      ++i;
    }
    if (i == start || i >= message.size() || message[i] != ':') {
      return false;
    }
    ++i;
  }
  return i < message.size() && message[i] == ' ';
}

// Parses `sql` and checks the contract; returns whether it parsed.
bool CheckContract(const std::string& sql) {
  absl::StatusOr<ParsedQuery> query = ParseQuery(sql);
  if (!query.ok()) {
    EXPECT_EQ(query.status().code(), absl::StatusCode::kInvalidArgument) << query.status();
    EXPECT_TRUE(HasPositionPrefix(query.status().message())) << query.status();
    EXPECT_LT(query.status().message().size(), 400u);
    return false;
  }
  std::string canonical = ToString(*query);
  if (canonical.size() <= kMaxQueryBytes) {  // Normalising adds spaces, so it can grow.
    absl::StatusOr<ParsedQuery> again = ParseQuery(canonical);
    EXPECT_TRUE(again.ok()) << "canonical form " << canonical.substr(0, 300) << " of "
                            << sql.substr(0, 300) << " does not parse: " << again.status();
    if (again.ok()) {
      EXPECT_EQ(ToString(*again), canonical) << sql.substr(0, 300);
    }
  }
  (void)ReferencedColumns(*query);
  if (query->where != nullptr) {
    (void)Evaluate(*query->where, EmptyRow());
  }
  if (absl::StatusOr<GroupAccumulator> accumulator = GroupAccumulator::Create(*query);
      accumulator.ok()) {
    accumulator->Add(EmptyRow(), "p");
    (void)accumulator->Finish();
  }
  return true;
}

TEST(SqlParserFuzzTest, RandomBytesNeverCrash) {
  std::mt19937 rng(1);
  const std::string sqlish = "SELECTFROMWHERE COUNT(*),'\"-\n()<>=!;.0123456789_aZ\t";
  for (int length = 0; length < 1500; length += 1 + length / 8) {
    for (int i = 0; i < 40; ++i) {
      std::string sql(static_cast<size_t>(length), '\0');
      for (char& c : sql) {
        c = (i % 2 == 0) ? static_cast<char>(rng() & 0xff) : sqlish[rng() % sqlish.size()];
      }
      CheckContract(sql);
    }
  }
}

const char* const kVocabulary[] = {
    "SELECT", "select",      "FROM",   "WHERE",   "GROUP",
    "BY",     "ORDER",       "LIMIT",  "AS",      "AND",
    "OR",     "NOT",         "IN",     "BETWEEN", "ASC",
    "DESC",   "DISTINCT",    "WITHIN", "DAYS",    "BEFORE",
    "AFTER",  "PERSON",      "person", "COUNT",   "RATE_PER_1000",
    "SUM",    "REPEAT_RATE", "harm",   "AVG",     "area",
    "sex",    "age",         "ed",     "police",  "n",
    "(",      ")",           "(",      ")",       ",",
    "*",      ";",           "=",      "!=",      "<>",
    "<",      "<=",          ">",      ">=",      "'x'",
    "'O''B'", "''",          "16",     "-3",      "2.5",
    "0",      "--c\n",       "\n",     "'",       "\"",
    "1.",     "#",
};

TEST(SqlParserFuzzTest, RandomTokenSoupNeverCrashes) {
  std::mt19937 rng(2);
  constexpr size_t kWords = sizeof(kVocabulary) / sizeof(kVocabulary[0]);
  int parsed = 0;
  for (int i = 0; i < 30000; ++i) {
    std::vector<std::string> words;
    size_t count = rng() % 60;
    if (rng() % 2 == 0) {
      words = {"SELECT", "COUNT", "(", "*", ")", "FROM", "ed"};  // Get past the prefix often.
    }
    for (size_t w = 0; w < count; ++w) {
      words.push_back(kVocabulary[rng() % kWords]);
    }
    parsed += CheckContract(absl::StrJoin(words, rng() % 4 == 0 ? "" : " ")) ? 1 : 0;
  }
  EXPECT_GT(parsed, 0);  // Some soups are valid, so the round trip gets exercised too.
}

// Generates random valid queries in random spellings.
class QueryGenerator {
 public:
  explicit QueryGenerator(uint32_t seed) : rng_(seed) {}

  std::string Query() {
    std::vector<std::string> dims;
    for (const char* column : {"area", "sex", "age_band"}) {
      if (Pick(3) == 0) {
        dims.push_back(Case(column));
      }
    }
    std::vector<std::string> items = dims;
    std::vector<std::string> aggregates;
    size_t aggregate_count = 1 + Pick(3);
    for (size_t i = 0; i < aggregate_count; ++i) {
      const char* kinds[] = {"COUNT(*)",
                             "count ( distinct person )",
                             "RATE_PER_1000(COUNT(*))",
                             "Rate_Per_1000(Count(Distinct Person))",
                             "SUM(harm)",
                             "REPEAT_RATE(2,365)"};
      std::string aggregate = kinds[Pick(6)];
      aggregates.push_back(aggregate);
      items.insert(items.begin() + static_cast<std::ptrdiff_t>(Pick(items.size() + 1)),
                   absl::StrCat(aggregate, Pick(2) == 0 ? absl::StrCat(" AS a", i) : ""));
    }
    std::string sql = absl::StrCat(Case("select"), Space(), absl::StrJoin(items, ","), Space(),
                                   Case("from"), Space(), "ed");
    if (Pick(2) == 0) {
      absl::StrAppend(&sql, Space(), Case("where"), Space(), Expr(0, true));
    }
    if (!dims.empty()) {
      absl::StrAppend(&sql, Space(), Case("group by"), Space(), absl::StrJoin(dims, " , "));
    }
    if (Pick(2) == 0) {
      std::string order = dims.empty() || Pick(2) == 0 ? aggregates[Pick(aggregates.size())]
                                                       : dims[Pick(dims.size())];
      const char* directions[] = {"", " asc", " DESC"};
      absl::StrAppend(&sql, Space(), Case("order by"), Space(), order, directions[Pick(3)]);
    }
    if (Pick(2) == 0) {
      absl::StrAppend(&sql, Space(), Case("limit"), Space(), 1 + Pick(100));
    }
    if (Pick(2) == 0) {
      sql += ";";
    }
    return sql;
  }

 private:
  size_t Pick(size_t n) { return static_cast<size_t>(rng_() % n); }

  std::string Case(absl::string_view word) {
    std::string out(word);
    for (char& c : out) {
      if (Pick(2) == 0) {
        c = absl::ascii_toupper(c);
      }
    }
    return out;
  }

  std::string Space() {
    const char* spaces[] = {" ", "  ", "\n", "\t", " -- note\n", "\r\n"};
    return spaces[Pick(6)];
  }

  std::string Literal() {
    const char* literals[] = {"16", "-2", "0.5", "'knife'", "'it''s'", "''", "'--'", "007"};
    return literals[Pick(8)];
  }

  std::string Expr(int depth, bool allow_person_in) {
    const char* columns[] = {"area", "Sex", "age", "weapon"};
    std::string column = columns[Pick(4)];
    switch (depth > 4 ? 3 + Pick(4) : Pick(7)) {
      case 0:
        return absl::StrCat(Expr(depth + 1, allow_person_in), Space(), Case("and"), Space(),
                            Expr(depth + 1, allow_person_in));
      case 1:
        return absl::StrCat("(", Expr(depth + 1, allow_person_in), Space(), Case("or"), Space(),
                            Expr(depth + 1, allow_person_in), ")");
      case 2:
        return absl::StrCat(Case("not"), Space(), Expr(depth + 1, allow_person_in));
      case 3: {
        const char* ops[] = {"=", "!=", "<>", "<", "<=", ">", ">="};
        return absl::StrCat(column, Space(), ops[Pick(7)], Literal());
      }
      case 4:
        return absl::StrCat(column, Pick(2) == 0 ? " NOT" : "", " IN (", Literal(), ",", Literal(),
                            ")");
      case 5:
        return absl::StrCat(column, " between ", Literal(), " and ", Literal());
      default:
        if (!allow_person_in) {
          return absl::StrCat(column, " = ", Literal());
        }
        return absl::StrCat(
            Case("person in"), " (", Case("select person from"), " police",
            Pick(2) == 0 ? absl::StrCat(" WHERE ", Expr(depth + 1, false)) : "", ")",
            Pick(2) == 0
                ? absl::StrCat(" within ", Pick(400), " days ", Pick(2) == 0 ? "BEFORE" : "after")
                : "");
    }
  }

  std::mt19937 rng_;
};

TEST(SqlParserFuzzTest, GeneratedValidQueriesParseAndRoundTrip) {
  QueryGenerator generator(3);
  for (int i = 0; i < 5000; ++i) {
    std::string sql = generator.Query();
    SCOPED_TRACE(sql);
    EXPECT_TRUE(CheckContract(sql));
  }
}

TEST(SqlParserFuzzTest, MutatedValidQueriesNeverCrash) {
  QueryGenerator generator(4);
  std::mt19937 rng(5);
  int parsed = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string sql = generator.Query();
    for (size_t edits = 1 + rng() % 4; edits > 0 && !sql.empty(); --edits) {
      size_t at = rng() % sql.size();
      switch (rng() % 3) {
        case 0:
          sql.erase(at, 1 + rng() % 8);
          break;
        case 1:
          sql.insert(at, 1, "()',;*-.\0\xff"[rng() % 11]);
          break;
        default:
          sql[at] = static_cast<char>(rng() & 0xff);
      }
    }
    parsed += CheckContract(sql) ? 1 : 0;
  }
  EXPECT_GT(parsed, 0);
}

TEST(SqlParserFuzzTest, PathologicalInputsFailFast) {
  const std::string prefix = "SELECT COUNT(*) FROM ed WHERE ";
  std::vector<std::string> inputs = {
      prefix + std::string(60000, '('),
      prefix + std::string(60000, ')'),
      std::string(kMaxQueryBytes, '('),
      std::string(kMaxQueryBytes, '\''),
      std::string(kMaxQueryBytes, '-'),
      std::string(kMaxQueryBytes, '9'),
      prefix + "a IN (" + std::string(60000, ','),
  };
  std::string nots = prefix;
  while (nots.size() < 60000) {
    nots += "NOT ";
  }
  inputs.push_back(nots);
  std::string cohorts = prefix;
  while (cohorts.size() < 60000) {
    cohorts += "person IN (SELECT person FROM p WHERE ";
  }
  inputs.push_back(cohorts);
  std::string parens_and_nots = prefix;
  while (parens_and_nots.size() < 60000) {
    parens_and_nots += "(NOT ";
  }
  inputs.push_back(parens_and_nots);
  for (const std::string& sql : inputs) {
    EXPECT_FALSE(CheckContract(sql)) << sql.substr(0, 60);
  }
  // Wide but shallow input is fine right up to the cap.
  std::string wide = prefix + "a IN (1";
  while (wide.size() < kMaxQueryBytes - 100) {
    wide += ",1";
  }
  wide += ") AND b = 1";
  while (wide.size() < kMaxQueryBytes - 20) {
    wide += " OR b = 1";
  }
  EXPECT_TRUE(CheckContract(wide));
}

}  // namespace
}  // namespace confide::hub::query
