#include "hub/query/sql_parser.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/query/ast.h"
#include "tests/testing/status_matchers.h"

namespace confide::hub::query {
namespace {

using ::confide::testing::IsOk;
using ::confide::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;

struct ValidCase {
  const char* sql;
  const char* canonical;  // Expected ToString().
};

const ValidCase kValid[] = {
    {"SELECT COUNT(*) FROM ed", "SELECT COUNT(*) FROM ed"},
    {"select count(*) from ED;", "SELECT COUNT(*) FROM ed"},
    {"SeLeCt CoUnT ( * )  FrOm  Police_Crimes ;", "SELECT COUNT(*) FROM police_crimes"},
    {"SELECT area, COUNT(*) FROM ed GROUP BY area", "SELECT area, COUNT(*) FROM ed GROUP BY area"},
    {"SELECT COUNT(*), Area FROM ed GROUP BY AREA", "SELECT COUNT(*), area FROM ed GROUP BY area"},
    {"SELECT area, sex, COUNT(DISTINCT person) AS people FROM ed GROUP BY sex, area",
     "SELECT area, sex, COUNT(DISTINCT PERSON) AS people FROM ed GROUP BY sex, area"},
    {"SELECT RATE_PER_1000(COUNT(*)) AS r FROM ed", "SELECT RATE_PER_1000(COUNT(*)) AS r FROM ed"},
    {"SELECT rate_per_1000(count(distinct person)) FROM ed",
     "SELECT RATE_PER_1000(COUNT(DISTINCT PERSON)) FROM ed"},
    {"SELECT SUM(harm) FROM police", "SELECT SUM(HARM) FROM police"},
    {"SELECT REPEAT_RATE(2, 365) FROM ed", "SELECT REPEAT_RATE(2, 365) FROM ed"},
    {"SELECT COUNT(*) FROM ed WHERE age = 16", "SELECT COUNT(*) FROM ed WHERE age = 16"},
    {"SELECT COUNT(*) FROM ed WHERE age != 16", "SELECT COUNT(*) FROM ed WHERE age != 16"},
    {"SELECT COUNT(*) FROM ed WHERE age <> 16", "SELECT COUNT(*) FROM ed WHERE age != 16"},
    {"SELECT COUNT(*) FROM ed WHERE age < -1.5", "SELECT COUNT(*) FROM ed WHERE age < -1.5"},
    {"SELECT COUNT(*) FROM ed WHERE age<=16", "SELECT COUNT(*) FROM ed WHERE age <= 16"},
    {"SELECT COUNT(*) FROM ed WHERE age>16", "SELECT COUNT(*) FROM ed WHERE age > 16"},
    {"SELECT COUNT(*) FROM ed WHERE age >= 16", "SELECT COUNT(*) FROM ed WHERE age >= 16"},
    {"SELECT COUNT(*) FROM ed WHERE weapon = 'knife'",
     "SELECT COUNT(*) FROM ed WHERE weapon = 'knife'"},
    {"SELECT COUNT(*) FROM ed WHERE name = 'O''Brien'",
     "SELECT COUNT(*) FROM ed WHERE name = 'O''Brien'"},
    {"SELECT COUNT(*) FROM ed WHERE note = '-- not a comment'",
     "SELECT COUNT(*) FROM ed WHERE note = '-- not a comment'"},
    {"SELECT COUNT(*) FROM ed WHERE x = ''", "SELECT COUNT(*) FROM ed WHERE x = ''"},
    {"SELECT COUNT(*) FROM ed WHERE area IN ('L1', 'L2','L3')",
     "SELECT COUNT(*) FROM ed WHERE area IN ('L1', 'L2', 'L3')"},
    {"SELECT COUNT(*) FROM ed WHERE age NOT IN (1, 2.5, 'x')",
     "SELECT COUNT(*) FROM ed WHERE age NOT IN (1, 2.5, 'x')"},
    {"SELECT COUNT(*) FROM ed WHERE age BETWEEN 10 AND 24",
     "SELECT COUNT(*) FROM ed WHERE age BETWEEN 10 AND 24"},
    {"SELECT COUNT(*) FROM ed WHERE age BETWEEN 10 AND 24 AND sex = 'F'",
     "SELECT COUNT(*) FROM ed WHERE age BETWEEN 10 AND 24 AND sex = 'F'"},
    {"SELECT COUNT(*) FROM ed WHERE a = 1 OR b = 2 AND c = 3",
     "SELECT COUNT(*) FROM ed WHERE a = 1 OR b = 2 AND c = 3"},
    {"SELECT COUNT(*) FROM ed WHERE (a = 1 OR b = 2) AND c = 3",
     "SELECT COUNT(*) FROM ed WHERE (a = 1 OR b = 2) AND c = 3"},
    {"SELECT COUNT(*) FROM ed WHERE ((a = 1) AND (b = 2 AND c = 3))",
     "SELECT COUNT(*) FROM ed WHERE a = 1 AND b = 2 AND c = 3"},
    {"SELECT COUNT(*) FROM ed WHERE a = 1 OR (b = 2 OR c = 3)",
     "SELECT COUNT(*) FROM ed WHERE a = 1 OR b = 2 OR c = 3"},
    {"SELECT COUNT(*) FROM ed WHERE NOT a = 1", "SELECT COUNT(*) FROM ed WHERE NOT a = 1"},
    {"SELECT COUNT(*) FROM ed WHERE NOT NOT (a = 1 AND b = 2)",
     "SELECT COUNT(*) FROM ed WHERE NOT NOT (a = 1 AND b = 2)"},
    {"SELECT COUNT(*) FROM ed WHERE NOT (a = 1 OR b = 2) AND c = 3",
     "SELECT COUNT(*) FROM ed WHERE NOT (a = 1 OR b = 2) AND c = 3"},
    {"SELECT COUNT(*) FROM ed WHERE person IN (SELECT person FROM police)",
     "SELECT COUNT(*) FROM ed WHERE PERSON IN (SELECT PERSON FROM police)"},
    {"SELECT COUNT(DISTINCT person) FROM ed WHERE weapon = 'knife' AND person IN "
     "(SELECT person FROM police WHERE offence_group IN ('violence', 'weapons')) "
     "WITHIN 365 DAYS BEFORE",
     "SELECT COUNT(DISTINCT PERSON) FROM ed WHERE weapon = 'knife' AND PERSON IN (SELECT PERSON "
     "FROM police WHERE offence_group IN ('violence', 'weapons')) WITHIN 365 DAYS BEFORE"},
    {"SELECT COUNT(*) FROM ed WHERE person IN (SELECT person FROM police) within 30 days",
     "SELECT COUNT(*) FROM ed WHERE PERSON IN (SELECT PERSON FROM police) WITHIN 30 DAYS"},
    {"SELECT COUNT(*) FROM ed WHERE NOT person IN (SELECT person FROM social_care) "
     "within 0 days after",
     "SELECT COUNT(*) FROM ed WHERE NOT PERSON IN (SELECT PERSON FROM social_care) WITHIN 0 DAYS "
     "AFTER"},
    {"SELECT area, COUNT(*) AS n FROM ed GROUP BY area ORDER BY n DESC LIMIT 10",
     "SELECT area, COUNT(*) AS n FROM ed GROUP BY area ORDER BY n DESC LIMIT 10"},
    {"SELECT area, COUNT(*) AS n FROM ed GROUP BY area ORDER BY COUNT(*) DESC, area ASC",
     "SELECT area, COUNT(*) AS n FROM ed GROUP BY area ORDER BY n DESC, area"},
    {"SELECT area, COUNT(*) FROM ed GROUP BY area ORDER BY count(*)",
     "SELECT area, COUNT(*) FROM ed GROUP BY area ORDER BY COUNT(*)"},
    {"-- knife crime by area\nSELECT area, -- the dimension\n  COUNT(*)\nFROM ed -- dataset\n"
     "GROUP BY area;  -- done",
     "SELECT area, COUNT(*) FROM ed GROUP BY area"},
    {"\tSELECT\r\nCOUNT(*)\r\nFROM\r\ned\r\n", "SELECT COUNT(*) FROM ed"},
    {"SELECT count, COUNT(*) FROM ed GROUP BY count",
     "SELECT count, COUNT(*) FROM ed GROUP BY count"},
    {"SELECT harm, SUM(harm) FROM ed GROUP BY harm",
     "SELECT harm, SUM(HARM) FROM ed GROUP BY harm"},
};

TEST(SqlParserTest, ParsesValidQueriesToCanonicalText) {
  for (const ValidCase& c : kValid) {
    SCOPED_TRACE(c.sql);
    CONFIDE_ASSERT_OK_AND_ASSIGN(ParsedQuery query, ParseQuery(c.sql));
    std::string canonical = ToString(query);
    EXPECT_EQ(canonical, c.canonical);
    // The canonical form is itself valid and a fixed point.
    CONFIDE_ASSERT_OK_AND_ASSIGN(ParsedQuery again, ParseQuery(canonical));
    EXPECT_EQ(ToString(again), canonical);
  }
}

TEST(SqlParserTest, EquivalentSpellingsHaveTheSameCanonicalForm) {
  const char* spellings[] = {
      "SELECT Area, COUNT(*) AS N FROM ED WHERE (A = 1) AND b <> 'x' GROUP BY area ORDER BY n",
      "select area,count(*) as n from ed where a=1 and b!='x' group by AREA order by count(*) asc;",
      ("SELECT area,\n  COUNT( * ) AS n -- comment\nFROM ed WHERE ((a = 1 AND (b != 'x')))\n"
       "GROUP BY area ORDER BY N ASC"),
  };
  std::vector<std::string> forms;
  for (const char* sql : spellings) {
    CONFIDE_ASSERT_OK_AND_ASSIGN(ParsedQuery query, ParseQuery(sql));
    forms.push_back(ToString(query));
  }
  EXPECT_EQ(forms[0], forms[1]);
  EXPECT_EQ(forms[0], forms[2]);
}

struct InvalidCase {
  const char* sql;
  const char* position;  // "line:column"
  const char* fragment;
};

const InvalidCase kInvalid[] = {
    // Lexical.
    {"", "1:1", "expected SELECT, got end of input"},
    {"   -- only a comment", "1:21", "expected SELECT, got end of input"},
    {"SELECT COUNT(*) FROM ed WHERE a = 'open", "1:35", "unterminated string literal"},
    {"SELECT COUNT(*) FROM ed WHERE a = \"x\"", "1:35", "string literals use single quotes"},
    {"SELECT COUNT(*) FROM ed WHERE a = 12abc", "1:35", "malformed number '12abc'"},
    {"SELECT COUNT(*) FROM ed WHERE a = 1.2.3", "1:35", "malformed number"},
    {"SELECT COUNT(*) FROM ed WHERE a = 1.", "1:35", "malformed number '1.'"},
    {"SELECT COUNT(*) FROM ed WHERE a ! 1", "1:33", "unexpected character '!'"},
    {"SELECT COUNT(*) FROM ed WHERE a = - 1", "1:35", "unexpected character '-'"},
    {"SELECT COUNT(*) FROM ed\n WHERE a = \x01", "2:12", "unexpected character '\\x01'"},
    {"SELECT COUNT(*) FROM ed WHERE a = '\xc3\xa9' # x", "1:40", "unexpected character '#'"},
    {"SELECT COUNT(*) /* c */ FROM ed", "1:17", "unexpected character '/'"},
    // The first problem in the text is reported, lexical or not.
    {"SELECT COUNT(*) FRM ed WHERE a = \"x\"", "1:17", "expected FROM, got 'FRM'"},
    {"SELECT AVG(\"x\") FROM ed", "1:8", "unknown function 'AVG'"},
    {"SELECT COUNT(*) FROM ed WHERE \"a\" = 1", "1:31", "quoted identifiers are not supported"},
    // Statement structure.
    {"SELECT COUNT(*)\nWHERE a = 1", "2:1", "expected FROM, got 'WHERE'"},
    {"SELECT COUNT(*)\n  , area\n  WHERE", "3:3", "expected FROM, got 'WHERE'"},
    {"UPDATE ed SET a = 1", "1:1", "expected SELECT, got 'UPDATE'"},
    {"SELECT FROM ed", "1:8", "expected a column or an aggregate such as COUNT(*), got 'FROM'"},
    {"SELECT COUNT(*), FROM ed", "1:18", "expected a column or an aggregate"},
    {"SELECT COUNT(*) FROM", "1:21", "expected dataset name, got end of input"},
    {"SELECT COUNT(*) FROM where", "1:22", "expected dataset name, got 'where'"},
    {"SELECT COUNT(*) FROM 'ed'", "1:22", "expected dataset name, got string 'ed'"},
    {"SELECT COUNT(*) FROM ed WHERE", "1:30", "expected a condition"},
    {"SELECT COUNT(*) FROM ed GROUP area", "1:31", "expected BY, got 'area'"},
    {"SELECT COUNT(*) FROM ed ORDER COUNT(*)", "1:31", "expected BY, got 'COUNT'"},
    {"SELECT area, COUNT(*) FROM ed GROUP BY", "1:39", "expected a column name, got end of input"},
    {"SELECT COUNT(*) FROM ed LIMIT", "1:30", "LIMIT must be followed by a positive integer"},
    // Trailing input.
    {"SELECT COUNT(*) FROM ed extra", "1:25",
     "expected WHERE, GROUP BY, ORDER BY, LIMIT or end of query, got 'extra'"},
    {"SELECT COUNT(*) FROM ed WHERE a = 1 b = 2", "1:37",
     "expected AND, OR, GROUP BY, ORDER BY, LIMIT or end of query, got 'b'"},
    {"SELECT COUNT(*) FROM ed LIMIT 5 LIMIT 6", "1:33", "expected end of query, got 'LIMIT'"},
    {"SELECT COUNT(*) FROM ed; DROP TABLE ed", "1:26", "only one statement is allowed"},
    {"SELECT COUNT(*) FROM ed;;", "1:25", "unexpected ';' after ';'"},
    {"SELECT COUNT(*) FROM a, b", "1:23", "got ','"},
    {"SELECT COUNT(*) FROM a JOIN b ON a.x = b.x", "1:24", "got 'JOIN'"},
    {"SELECT a, COUNT(*) FROM e GROUP BY a HAVING COUNT(*) > 5", "1:38", "got 'HAVING'"},
    {"SELECT COUNT(*) FROM ed ORDER BY COUNT(*) WHERE a = 1", "1:43",
     "expected LIMIT or end of query, got 'WHERE'"},
    // Row-level output.
    {"SELECT area FROM ed GROUP BY area", "1:8",
     "query must contain an aggregate such as COUNT(*); row-level output is not allowed"},
    {"SELECT nhs_number, dob FROM ed", "1:8", "query must contain an aggregate"},
    {"SELECT * FROM ed", "1:8", "SELECT * is not allowed"},
    {"SELECT person, COUNT(*) FROM ed", "1:8", "'person' cannot be selected as a column"},
    {"SELECT COUNT(*), PERSON FROM ed", "1:18", "'person' cannot be selected"},
    {"SELECT COUNT(*) FROM ed GROUP BY person", "1:34", "cannot GROUP BY person"},
    {"SELECT COUNT(*) FROM ed ORDER BY person", "1:34", "cannot ORDER BY person"},
    {"SELECT COUNT(*) FROM ed WHERE person = 'abc'", "1:31",
     "'person' can only be used as person IN (SELECT person FROM dataset ...); got '='"},
    {"SELECT COUNT(*) FROM ed WHERE person IN ('abc')", "1:42",
     "'person' can only be used as person IN (SELECT person FROM dataset ...); got string 'abc'"},
    // GROUP BY consistency.
    {"SELECT area, COUNT(*) FROM ed", "1:8", "column 'area' is selected but not in GROUP BY"},
    {"SELECT area, sex, COUNT(*) FROM ed\nGROUP BY area", "1:14",
     "column 'sex' is selected but not in GROUP BY"},
    {"SELECT area, COUNT(*) FROM ed GROUP BY area,\n sex", "2:2",
     "GROUP BY column 'sex' is not in the SELECT list"},
    {"SELECT COUNT(*) FROM ed GROUP BY area", "1:34",
     "GROUP BY column 'area' is not in the SELECT list"},
    {"SELECT area, Area, COUNT(*) FROM ed GROUP BY area", "1:14",
     "column 'area' is selected more than once"},
    {"SELECT area, COUNT(*) FROM ed GROUP BY area, AREA", "1:46",
     "column 'area' appears more than once in GROUP BY"},
    {"SELECT area, COUNT(*) AS area FROM ed GROUP BY area", "1:26",
     "alias 'area' is already used as an output name"},
    {"SELECT COUNT(*) AS n, SUM(harm) AS N FROM ed", "1:36", "alias 'n' is already used"},
    {"SELECT area AS a, COUNT(*) FROM ed GROUP BY area", "1:13", "AS is only allowed after an"},
    {"SELECT COUNT(*) AS FROM ed", "1:20", "expected an alias after AS, got 'FROM'"},
    // Functions.
    {"SELECT AVG(age) FROM ed", "1:8",
     "unknown function 'AVG'; expected COUNT, RATE_PER_1000, SUM or REPEAT_RATE"},
    {"SELECT area, max(age) FROM ed GROUP BY area", "1:14", "unknown function 'max'"},
    {"SELECT COUNT(area) FROM ed", "1:14", "expected '*' or DISTINCT person inside COUNT"},
    {"SELECT COUNT(DISTINCT area) FROM ed", "1:23", "expected person after COUNT(DISTINCT"},
    {"SELECT COUNT(* FROM ed", "1:16", "expected ')', got 'FROM'"},
    {"SELECT SUM(age) FROM ed", "1:12", "expected harm"},
    {"SELECT RATE_PER_1000(SUM(harm)) FROM ed", "1:22", "expected COUNT(*) or COUNT(DISTINCT"},
    {"SELECT RATE_PER_1000(COUNT(*) FROM ed", "1:31", "expected ')', got 'FROM'"},
    {"SELECT REPEAT_RATE(0, 365) FROM ed", "1:20", "REPEAT_RATE takes two positive integers"},
    {"SELECT REPEAT_RATE(2, 36.5) FROM ed", "1:23", "REPEAT_RATE takes two positive integers"},
    {"SELECT REPEAT_RATE(2) FROM ed", "1:21", "expected ',', got ')'"},
    {"SELECT COUNT(*) FROM ed WHERE COUNT(*) > 5", "1:31",
     "aggregate COUNT is not allowed in WHERE"},
    {"SELECT COUNT(*) FROM ed WHERE lower(a) = 'x'", "1:31", "unknown function 'lower'"},
    // Sub-queries.
    {"SELECT COUNT(*) FROM (SELECT * FROM ed)", "1:23",
     "sub-queries are only allowed as person IN"},
    {"SELECT COUNT(*) FROM ed WHERE area IN (SELECT area FROM x)", "1:40",
     "sub-queries are only allowed as person IN"},
    {"SELECT COUNT(*) FROM ed WHERE (SELECT 1)", "1:32", "sub-queries are only allowed"},
    {"SELECT COUNT(*) FROM ed WHERE person IN (SELECT area FROM p)", "1:49",
     "expected person (a sub-query can only select person), got 'area'"},
    {"SELECT COUNT(*) FROM ed WHERE person IN (SELECT person FROM p WHERE person IN "
     "(SELECT person FROM q))",
     "1:80", "sub-queries cannot be nested"},
    {"SELECT COUNT(*) FROM ed WHERE person IN (SELECT person FROM p GROUP BY a)", "1:63",
     "expected WHERE or ')' to close the sub-query, got 'GROUP'"},
    {"SELECT COUNT(*) FROM ed WHERE person IN (SELECT person FROM p WHERE a = 1 LIMIT 3)", "1:75",
     "expected AND, OR or ')' to close the sub-query, got 'LIMIT'"},
    {"SELECT COUNT(*) FROM ed WHERE person IN (SELECT person FROM p) WITHIN 30", "1:73",
     "expected DAYS, got end of input"},
    {"SELECT COUNT(*) FROM ed WHERE person IN (SELECT person FROM p) WITHIN 30 DAYS LATER", "1:79",
     "expected AND, OR, GROUP BY, ORDER BY, LIMIT or end of query, got 'LATER'"},
    {"SELECT COUNT(*) FROM ed WHERE person IN (SELECT person FROM p) WITHIN -1 DAYS BEFORE", "1:71",
     "WITHIN needs a whole number of days from 0 to 36525, got '-1'"},
    {"SELECT COUNT(*) FROM ed WHERE person IN (SELECT person FROM p) WITHIN 'x' DAYS AFTER", "1:71",
     "WITHIN needs a whole number of days"},
    {"SELECT COUNT(*) FROM ed WHERE person IN (SELECT person FROM p) WITHIN 99999 DAYS AFTER",
     "1:71", "from 0 to 36525"},
    // Conditions and literals.
    {"SELECT COUNT(*) FROM ed WHERE a = b", "1:35",
     "expected a literal value (comparing two columns is not supported), got 'b'"},
    {"SELECT COUNT(*) FROM ed WHERE a = NOT", "1:35", "expected a literal value, got 'NOT'"},
    {"SELECT COUNT(*) FROM ed WHERE a", "1:32",
     "expected a comparison, IN or BETWEEN after column 'a', got end of input"},
    {"SELECT COUNT(*) FROM ed WHERE a LIKE 'x%'", "1:33", "got 'LIKE'"},
    {"SELECT COUNT(*) FROM ed WHERE a NOT BETWEEN 1 AND 2", "1:37", "expected IN after 'a' NOT"},
    {"SELECT COUNT(*) FROM ed WHERE a IN ()", "1:37", "expected a literal value, got ')'"},
    {"SELECT COUNT(*) FROM ed WHERE a IN (1, )", "1:40", "expected a literal value, got ')'"},
    {"SELECT COUNT(*) FROM ed WHERE a IN 1", "1:36", "expected '(', got '1'"},
    {"SELECT COUNT(*) FROM ed WHERE a BETWEEN 1 OR 2", "1:43", "expected AND, got 'OR'"},
    {"SELECT COUNT(*) FROM ed WHERE (a = 1", "1:37", "expected ')', got end of input"},
    {"SELECT COUNT(*) FROM ed WHERE a = 1)", "1:36", "got ')'"},
    {"SELECT COUNT(*) FROM ed WHERE a = 1 AND", "1:40", "expected a condition"},
    {"SELECT COUNT(*) FROM ed WHERE NOT", "1:34", "expected a condition"},
    // LIMIT literal types.
    {"SELECT COUNT(*) FROM ed LIMIT 0", "1:31",
     "LIMIT must be followed by a positive integer, got '0'"},
    {"SELECT COUNT(*) FROM ed LIMIT -3", "1:31", "positive integer, got '-3'"},
    {"SELECT COUNT(*) FROM ed LIMIT 2.5", "1:31", "positive integer, got '2.5'"},
    {"SELECT COUNT(*) FROM ed LIMIT '10'", "1:31", "positive integer, got string '10'"},
    {"SELECT COUNT(*) FROM ed LIMIT 99999999999999999999", "1:31", "positive integer"},
    // ORDER BY.
    {"SELECT area, COUNT(*) FROM ed GROUP BY area ORDER BY sex", "1:54",
     "ORDER BY 'sex' is neither a selected column nor an alias"},
    {"SELECT area, COUNT(*) FROM ed GROUP BY area ORDER BY SUM(harm)", "1:54",
     "ORDER BY SUM(HARM) must also appear in the SELECT list"},
    {"SELECT COUNT(*) FROM ed ORDER BY 1", "1:34", "expected a column, alias or aggregate"},
    {"SELECT COUNT(*) AS n FROM ed ORDER BY n DESC ASC", "1:46", "got 'ASC'"},
};

TEST(SqlParserTest, RejectsInvalidQueriesWithPositionAndReason) {
  for (const InvalidCase& c : kInvalid) {
    SCOPED_TRACE(c.sql);
    absl::StatusOr<ParsedQuery> result = ParseQuery(c.sql);
    EXPECT_THAT(result, StatusIs(absl::StatusCode::kInvalidArgument,
                                 StartsWith(absl::StrCat(c.position, ": "))));
    EXPECT_THAT(result, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.fragment)));
  }
}

TEST(SqlParserTest, BuildsTheExpectedTree) {
  CONFIDE_ASSERT_OK_AND_ASSIGN(
      ParsedQuery query,
      ParseQuery("SELECT area, COUNT(*) AS n, REPEAT_RATE(2, 30)\nFROM ed\n"
                 "WHERE age BETWEEN 16 AND 24 AND NOT (sex IN ('F') OR\n"
                 "  person IN (SELECT person FROM police WHERE weapon = 'knife') "
                 "WITHIN 90 DAYS AFTER)\nGROUP BY area ORDER BY n DESC LIMIT 5"));
  EXPECT_EQ(query.dataset, "ed");
  EXPECT_EQ(query.dataset_pos.line, 2);
  EXPECT_EQ(query.dataset_pos.column, 6);
  ASSERT_EQ(query.select.size(), 3u);
  EXPECT_EQ(query.select[0].kind, SelectItem::Kind::kDimension);
  EXPECT_EQ(query.select[0].column.name, "area");
  EXPECT_EQ(query.select[1].aggregate.kind, AggregateKind::kCountStar);
  EXPECT_EQ(query.select[1].aggregate.alias, "n");
  EXPECT_EQ(query.select[2].aggregate.kind, AggregateKind::kRepeatRate);
  EXPECT_EQ(query.select[2].aggregate.args, (std::vector<int64_t>{2, 30}));
  EXPECT_EQ(query.select[2].aggregate.pos.column, 29);
  ASSERT_NE(query.where, nullptr);
  ASSERT_EQ(query.where->kind, Expr::Kind::kAnd);
  ASSERT_EQ(query.where->children.size(), 2u);
  const Expr& between = *query.where->children[0];
  EXPECT_EQ(between.kind, Expr::Kind::kBetween);
  EXPECT_EQ(between.literals[0].kind, Literal::Kind::kInteger);
  EXPECT_EQ(between.literals[1].value, "24");
  const Expr& negation = *query.where->children[1];
  ASSERT_EQ(negation.kind, Expr::Kind::kNot);
  const Expr& disjunction = *negation.children[0];
  ASSERT_EQ(disjunction.kind, Expr::Kind::kOr);
  EXPECT_EQ(disjunction.children[0]->kind, Expr::Kind::kIn);
  EXPECT_FALSE(disjunction.children[0]->negated);
  const Expr& person_in = *disjunction.children[1];
  ASSERT_EQ(person_in.kind, Expr::Kind::kPersonIn);
  EXPECT_EQ(person_in.pos.line, 4);
  EXPECT_EQ(person_in.pos.column, 3);
  ASSERT_NE(person_in.subquery, nullptr);
  EXPECT_EQ(person_in.subquery->dataset, "police");
  EXPECT_EQ(person_in.subquery->window_days, 90);
  EXPECT_EQ(person_in.subquery->direction, SubQuery::Direction::kAfter);
  ASSERT_EQ(query.order_by.size(), 1u);
  EXPECT_EQ(query.order_by[0].select_index, 1u);
  EXPECT_TRUE(query.order_by[0].descending);
  EXPECT_EQ(query.limit, 5);
}

TEST(SqlParserTest, ReferencedColumnsListsEveryMentionWithPosition) {
  CONFIDE_ASSERT_OK_AND_ASSIGN(
      ParsedQuery query,
      ParseQuery("SELECT Area, COUNT(*) FROM ed\nWHERE age > 16 AND person IN (SELECT person "
                 "FROM police WHERE weapon = 'knife' OR x IN (1))\nGROUP BY area ORDER BY area"));
  std::vector<ColumnRef> refs = ReferencedColumns(query);
  ASSERT_EQ(refs.size(), 6u);
  struct Expected {
    const char* name;
    int line, column;
    bool in_subquery;
    const char* dataset;
  };
  const Expected expected[] = {
      {"area", 1, 8, false, "ed"},  {"age", 2, 7, false, "ed"},   {"weapon", 2, 63, true, "police"},
      {"x", 2, 83, true, "police"}, {"area", 3, 10, false, "ed"}, {"area", 3, 24, false, "ed"},
  };
  for (size_t i = 0; i < refs.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(refs[i].name, expected[i].name);
    EXPECT_EQ(refs[i].pos.line, expected[i].line);
    EXPECT_EQ(refs[i].pos.column, expected[i].column);
    EXPECT_EQ(refs[i].in_subquery, expected[i].in_subquery);
    EXPECT_EQ(refs[i].dataset, expected[i].dataset);
  }
}

TEST(SqlParserTest, OrderByAliasAndAggregateResolveToTheSameItem) {
  CONFIDE_ASSERT_OK_AND_ASSIGN(
      ParsedQuery by_alias,
      ParseQuery("SELECT COUNT(DISTINCT person) AS p, COUNT(*) FROM ed ORDER BY p"));
  CONFIDE_ASSERT_OK_AND_ASSIGN(
      ParsedQuery by_text,
      ParseQuery("SELECT COUNT(DISTINCT person) AS p, COUNT(*) FROM ed ORDER BY "
                 "COUNT(DISTINCT person)"));
  EXPECT_EQ(by_alias.order_by[0].select_index, 0u);
  EXPECT_EQ(by_text.order_by[0].select_index, 0u);
  EXPECT_EQ(ToString(by_alias), ToString(by_text));
}

TEST(SqlParserTest, AcceptsInputUpToTheSizeCap) {
  std::string sql = "SELECT COUNT(*) FROM ed";
  sql.append(kMaxQueryBytes - sql.size(), ' ');
  EXPECT_THAT(ParseQuery(sql), IsOk());
  sql.push_back(' ');
  EXPECT_THAT(ParseQuery(sql),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("the limit is 65536")));
}

TEST(SqlParserTest, AcceptsNestingUpToTheDepthCap) {
  auto nested = [](int depth) {
    return absl::StrCat("SELECT COUNT(*) FROM ed WHERE ", std::string(depth, '('), "a = 1",
                        std::string(depth, ')'));
  };
  EXPECT_THAT(ParseQuery(nested(kMaxNestingDepth)), IsOk());
  EXPECT_THAT(ParseQuery(nested(kMaxNestingDepth + 1)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("expression is nested more than 64 levels deep")));
  std::string nots = "SELECT COUNT(*) FROM ed WHERE ";
  for (int i = 0; i < kMaxNestingDepth + 1; ++i) {
    nots += "NOT ";
  }
  EXPECT_THAT(ParseQuery(nots + "a = 1"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("nested more than 64")));
}

TEST(SqlParserTest, ErrorMessagesEscapeUnprintableBytesAndCapLength) {
  std::string long_name(200, 'z');
  absl::StatusOr<ParsedQuery> result = ParseQuery("SELECT COUNT(*) FROM ed " + long_name);
  ASSERT_FALSE(result.ok());
  EXPECT_LT(result.status().message().size(), 200u);
  EXPECT_THAT(result, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("zzz...'")));
  result = ParseQuery(std::string("SELECT COUNT(*) FROM ed WHERE a = 1 \x1b[2J", 40));
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(std::string(result.status().message()), ::testing::Not(HasSubstr("\x1b")));
}

}  // namespace
}  // namespace confide::hub::query
