#include "hub/query/evaluator.h"

#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/query/sql_parser.h"
#include "tests/testing/status_matchers.h"

namespace confide::hub::query {
namespace {

using ::confide::testing::IsOk;
using ::confide::testing::StatusIs;
using ::testing::HasSubstr;

class MapRow : public RowView {
 public:
  explicit MapRow(std::map<std::string, std::string> values) : values_(std::move(values)) {}
  absl::optional<absl::string_view> Get(absl::string_view column) const override {
    auto it = values_.find(std::string(column));
    if (it == values_.end()) {
      return absl::nullopt;
    }
    return absl::string_view(it->second);
  }

 private:
  std::map<std::string, std::string> values_;
};

// Parses `condition` as the WHERE clause of a query and evaluates it on `row`.
TruthValue Eval(absl::string_view condition, const RowView& row) {
  absl::StatusOr<ParsedQuery> query =
      ParseQuery(absl::StrCat("SELECT COUNT(*) FROM t WHERE ", condition));
  EXPECT_THAT(query, IsOk()) << condition;
  if (!query.ok()) {
    return TruthValue::kUnknown;
  }
  return Evaluate(*query->where, row);
}

constexpr TruthValue kT = TruthValue::kTrue;
constexpr TruthValue kF = TruthValue::kFalse;
constexpr TruthValue kU = TruthValue::kUnknown;

TEST(EvaluatorTest, ComparesNumbersExactlyAndOtherValuesAsBytes) {
  struct Case {
    const char* a;
    const char* b;
    int expected;
  };
  const Case cases[] = {
      {"9", "10", -1},
      {"10", "9", 1},
      {"10", "10.0", 0},
      {"007", "7", 0},
      {"-0", "0", 0},
      {"-0.0", "0.000", 0},
      {"-2", "-10", 1},
      {"-1.5", "-1.25", -1},
      {"0.1", "0.09", 1},
      {"1.10", "1.1", 0},
      {"123456789012345678901", "123456789012345678902", -1},
      {"9007199254740993", "9007199254740992", 1},
      {"abc", "abd", -1},
      {"abc", "ABC", 1},
      {"10", "9a", -1},
      {"", "", 0},
      {"", "0", -1},
      {"1e3", "999", -1},
      {" 5", "5", -1},
      {"+5", "5", -1},
      {"\xff", "a", 1},
      {".5", "0.5", -1},
      {"5.", "5", 1},
      {"-", "-", 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat(c.a, " vs ", c.b));
    EXPECT_EQ(CompareValues(c.a, c.b), c.expected);
    EXPECT_EQ(CompareValues(c.b, c.a), -c.expected);
  }
}

TEST(EvaluatorTest, SortOrderPutsNumbersFirstAndIsTransitive) {
  // CompareValues alone would cycle here: 2 < 10 (numbers), "10" < "1a", "1a" < "2" (bytes).
  EXPECT_LT(CompareForSort("2", "10"), 0);
  EXPECT_LT(CompareForSort("10", "1a"), 0);
  EXPECT_LT(CompareForSort("2", "1a"), 0);
  EXPECT_LT(CompareForSort("1", "1.0"), 0);
  EXPECT_NE(CompareForSort("1.0", "1"), 0);  // Distinct strings never tie.
  EXPECT_LT(CompareForSort("-5", "(missing)"), 0);
}

TEST(EvaluatorTest, EvaluatesEveryOperator) {
  MapRow row({{"age", "16"}, {"sex", "F"}, {"area", "L1"}, {"score", "2.50"}});
  struct Case {
    const char* condition;
    TruthValue expected;
  };
  const Case cases[] = {
      {"age = 16", kT},
      {"age = '16'", kT},
      {"age = 16.0", kT},
      {"age = 17", kF},
      {"age != 17", kT},
      {"age <> 16", kF},
      {"age < 9", kF},
      {"age > 9", kT},
      {"age <= 16", kT},
      {"age >= 16.01", kF},
      {"score = 2.5", kT},
      {"score < 3", kT},
      {"sex = 'F'", kT},
      {"sex = 'f'", kF},
      {"sex > 'E'", kT},
      {"area IN ('L2', 'L1')", kT},
      {"area IN ('l1')", kF},
      {"area NOT IN ('L2')", kT},
      {"age IN (15, 16.00)", kT},
      {"age NOT IN (16)", kF},
      {"age BETWEEN 10 AND 24", kT},
      {"age BETWEEN 16 AND 16", kT},
      {"age BETWEEN 17 AND 24", kF},
      {"age BETWEEN 24 AND 10", kF},
      {"area BETWEEN 'L0' AND 'L9'", kT},
      {"NOT age = 16", kF},
      {"NOT NOT age = 16", kT},
      {"age = 16 AND sex = 'F'", kT},
      {"age = 16 AND sex = 'M'", kF},
      {"age = 1 OR sex = 'F'", kT},
      {"age = 1 OR sex = 'M'", kF},
      {"NOT (age = 1 OR sex = 'M') AND area = 'L1'", kT},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.condition);
    EXPECT_EQ(Eval(c.condition, row), c.expected);
  }
}

TEST(EvaluatorTest, MissingValuesFollowThreeValuedLogic) {
  MapRow row({{"sex", "F"}, {"empty", ""}});  // `age` is missing.
  struct Case {
    const char* condition;
    TruthValue expected;
  };
  const Case cases[] = {
      // Every predicate on a missing value is UNKNOWN, negated or not.
      {"age = 16", kU},
      {"age != 16", kU},
      {"age < 16", kU},
      {"age >= 16", kU},
      {"age IN (16)", kU},
      {"age NOT IN (16)", kU},
      {"age BETWEEN 1 AND 99", kU},
      {"NOT age = 16", kU},
      {"NOT NOT age = 16", kU},
      {"NOT age IN (1)", kU},
      // AND: FALSE dominates, then UNKNOWN.
      {"age = 16 AND sex = 'F'", kU},
      {"age = 16 AND sex = 'M'", kF},
      {"sex = 'M' AND age = 16", kF},
      {"age = 1 AND age = 2", kU},
      // OR: TRUE dominates, then UNKNOWN.
      {"age = 16 OR sex = 'F'", kT},
      {"age = 16 OR sex = 'M'", kU},
      {"sex = 'F' OR age = 16", kT},
      {"age = 1 OR age = 2", kU},
      {"NOT (age = 16 OR sex = 'M')", kU},
      {"NOT (age = 16 AND sex = 'M')", kT},
      // An empty string is a value, not a missing one.
      {"empty = ''", kT},
      {"empty != 'x'", kT},
      {"empty IN ('a')", kF},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.condition);
    EXPECT_EQ(Eval(c.condition, row), c.expected);
  }
}

TEST(EvaluatorTest, MatchesOnlyTrue) {
  MapRow row(std::map<std::string, std::string>{{"sex", "F"}});
  CONFIDE_ASSERT_OK_AND_ASSIGN(ParsedQuery query,
                               ParseQuery("SELECT COUNT(*) FROM t WHERE age != 16"));
  EXPECT_FALSE(Matches(*query.where, row));
  CONFIDE_ASSERT_OK_AND_ASSIGN(query, ParseQuery("SELECT COUNT(*) FROM t WHERE NOT age = 16"));
  EXPECT_FALSE(Matches(*query.where, row));
  CONFIDE_ASSERT_OK_AND_ASSIGN(query, ParseQuery("SELECT COUNT(*) FROM t WHERE sex = 'F'"));
  EXPECT_TRUE(Matches(*query.where, row));
}

TEST(EvaluatorTest, LongConjunctionsEvaluateWithoutDeepRecursion) {
  std::string condition = "a = 1";
  for (int i = 0; i < 3000; ++i) {
    condition += " AND a = 1 OR a = 2";
  }
  MapRow row(std::map<std::string, std::string>{{"a", "1"}});
  CONFIDE_ASSERT_OK_AND_ASSIGN(ParsedQuery query,
                               ParseQuery("SELECT COUNT(*) FROM t WHERE " + condition));
  EXPECT_TRUE(Matches(*query.where, row));
}

TEST(EvaluatorTest, CheckSupportedAcceptsCountsAndPlainConditions) {
  CONFIDE_ASSERT_OK_AND_ASSIGN(
      ParsedQuery query,
      ParseQuery("SELECT a, COUNT(*), COUNT(DISTINCT person) FROM t WHERE NOT a IN (1) "
                 "GROUP BY a ORDER BY COUNT(*) DESC LIMIT 3"));
  EXPECT_THAT(CheckSupported(query), IsOk());
}

// A row whose person is in the cohorts of some sub-query datasets: TRUE for those, FALSE for
// the others, UNKNOWN for a dataset it was not told about.
class LinkedRow : public MapRow {
 public:
  LinkedRow(std::map<std::string, std::string> values, std::map<std::string, bool> linked)
      : MapRow(std::move(values)), linked_(std::move(linked)) {}
  TruthValue PersonIn(const Expr& person_in) const override {
    auto it = linked_.find(person_in.subquery->dataset);
    if (it == linked_.end()) {
      return TruthValue::kUnknown;
    }
    return it->second ? TruthValue::kTrue : TruthValue::kFalse;
  }

 private:
  std::map<std::string, bool> linked_;
};

TEST(EvaluatorTest, LinkedCohortsAreAnsweredByTheRow) {
  CONFIDE_ASSERT_OK_AND_ASSIGN(
      ParsedQuery query,
      ParseQuery("SELECT COUNT(*) FROM ed\nWHERE a = 1 AND NOT person IN (SELECT person FROM p)"));
  EXPECT_THAT(CheckSupported(query), IsOk());
  LinkedRow row({{"a", "1"}}, {{"police", true}, {"ambulance", false}});
  EXPECT_EQ(Eval("person IN (SELECT person FROM police)", row), TruthValue::kTrue);
  EXPECT_EQ(Eval("NOT person IN (SELECT person FROM police WHERE x = 1)", row), TruthValue::kFalse);
  EXPECT_EQ(Eval("NOT person IN (SELECT person FROM ambulance) WITHIN 3 DAYS", row),
            TruthValue::kTrue);
  EXPECT_EQ(Eval("a = 1 AND person IN (SELECT person FROM police) AND "
                 "NOT person IN (SELECT person FROM ambulance)",
                 row),
            TruthValue::kTrue);
  EXPECT_EQ(Eval("person IN (SELECT person FROM ambulance) OR a = 2", row), TruthValue::kFalse);
  EXPECT_EQ(Eval("person IN (SELECT person FROM social_care) OR a = 1", row), TruthValue::kTrue);
  EXPECT_EQ(Eval("person IN (SELECT person FROM social_care) AND a = 1", row),
            TruthValue::kUnknown);
  // A row that knows nothing of persons leaves a linked condition UNKNOWN, so it never matches.
  MapRow plain(std::map<std::string, std::string>{{"a", "1"}});
  EXPECT_EQ(Eval("person IN (SELECT person FROM police)", plain), TruthValue::kUnknown);
  EXPECT_EQ(Eval("NOT person IN (SELECT person FROM police)", plain), TruthValue::kUnknown);
}

TEST(EvaluatorTest, CheckSupportedNamesUnsupportedAggregates) {
  const std::pair<const char*, const char*> cases[] = {
      {"SELECT COUNT(*), RATE_PER_1000(COUNT(*)) FROM t", "1:18: RATE_PER_1000(COUNT(*))"},
      {"SELECT RATE_PER_1000(COUNT(DISTINCT person)) FROM t",
       "1:8: RATE_PER_1000(COUNT(DISTINCT PERSON))"},
      {"SELECT SUM(harm) FROM t", "1:8: SUM(HARM)"},
      {"SELECT REPEAT_RATE(2, 365) FROM t", "1:8: REPEAT_RATE(2, 365)"},
  };
  for (const auto& [sql, fragment] : cases) {
    SCOPED_TRACE(sql);
    CONFIDE_ASSERT_OK_AND_ASSIGN(ParsedQuery query, ParseQuery(sql));
    EXPECT_THAT(CheckSupported(query),
                StatusIs(absl::StatusCode::kUnimplemented, HasSubstr(fragment)));
    EXPECT_THAT(GroupAccumulator::Create(query), StatusIs(absl::StatusCode::kUnimplemented));
  }
}

}  // namespace
}  // namespace confide::hub::query
