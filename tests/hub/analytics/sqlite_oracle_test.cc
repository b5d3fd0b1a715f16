// The SQLite oracle against answers counted by hand on seven records, so the differential test
// (engine_vs_sqlite_test.cc) compares the engines with something known to be right: derived
// dimensions at their awkward edges (ISO weeks across years, financial years, age bands), the
// number-versus-bytes comparison rule, three-valued logic, harm, rates, repeat rates, linked
// cohorts with windows and retention cut-offs.

#include "tests/hub/analytics/sqlite_oracle.h"

#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/query/sql_parser.h"
#include "policy/policy.h"
#include "tests/testing/status_matchers.h"

namespace confide::hub::difftest {
namespace {

using ::confide::testing::IsOk;
using ::confide::testing::StatusIs;
using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::IsNan;
using ::testing::Pair;

int64_t At(int year, int month, int day, int hour) {
  return absl::CivilSecond(year, month, day, hour, 0, 0) - absl::CivilSecond(1970, 1, 1);
}

v1::StoredRecord Police(int64_t time, std::map<std::string, std::string> values) {
  v1::StoredRecord r;
  r.set_dataset("police_crime");
  r.set_event_time(time);
  r.mutable_values()->insert(values.begin(), values.end());
  return r;
}

v1::StoredRecord Ed(int64_t time, const std::string& means) {
  v1::StoredRecord r = Police(time, {{"means_of_assault", means}});
  r.set_dataset("ed_attendance");
  return r;
}

class SqliteOracleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::shared_ptr<const policy::Policy>> policy = policy::Policy::FromFile(
        CONFIDE_SOURCE_DIR "/deploy/policy/merseyside.textpb", absl::CivilDay(2026, 6, 1));
    ASSERT_THAT(policy, IsOk());
    absl::StatusOr<std::unique_ptr<SqliteOracle>> oracle = SqliteOracle::Create(*policy);
    ASSERT_THAT(oracle, IsOk());
    oracle_ = *std::move(oracle);
    // Person 1: a Monday-night robbery and, two hours later, a homicide in the next financial
    // year; ED two days before. Person 2: two crimes exactly seven days apart across the ISO
    // year boundary; ED 30 days after the first. Person 3: one crime in ISO week 2020-W53.
    ASSERT_THAT(
        oracle_->Load(
            {Police(At(2025, 3, 31, 23), {{"district", "L8"},
                                          {"age", "17"},
                                          {"sex", "m"},
                                          {"offence_group", "robbery"},
                                          {"offence_code", "005"},
                                          {"knife", "true"}}),
             Police(At(2025, 4, 1, 1), {{"district", "ZZ9"},
                                        {"age", "18"},
                                        {"sex", "f"},
                                        {"offence_group", "homicide"},
                                        {"offence_code", "8N"}}),
             Police(At(2024, 12, 30, 12), {{"district", "CH41"},
                                           {"age", "65"},
                                           {"offence_group", "possession_of_weapon"},
                                           {"offence_code", "4.10"},
                                           {"knife", "false"}}),
             Police(At(2021, 1, 3, 5),
                    {{"sex", "f"}, {"offence_group", "wounding_gbh"}, {"offence_code", "10"}}),
             Police(At(2025, 1, 6, 12),
                    {{"district", "L36"}, {"age", "9"}, {"offence_group", "assault_with_injury"}}),
             Ed(At(2025, 3, 29, 23), "knife"), Ed(At(2025, 1, 29, 12), "body_part")},
            {1, 1, 2, 3, 2, 1, 2}),
        IsOk());
  }

  // "dims joined by |" -> measures.
  std::map<std::string, std::vector<double>> Groups(const std::string& sql,
                                                    const OracleCutoffs& cutoffs = {}) {
    absl::StatusOr<query::ParsedQuery> parsed = query::ParseQuery(sql);
    EXPECT_THAT(parsed, IsOk()) << sql;
    std::map<std::string, std::vector<double>> groups;
    if (!parsed.ok()) {
      return groups;
    }
    absl::StatusOr<std::vector<query::GroupRow>> rows = oracle_->Run(*parsed, cutoffs);
    EXPECT_THAT(rows, IsOk()) << sql;
    for (const query::GroupRow& row : rows.value_or(std::vector<query::GroupRow>{})) {
      groups[absl::StrJoin(row.dims, "|")] = row.measures;
    }
    return groups;
  }

  // COUNT(*) of police crimes matching `where`.
  double Count(const std::string& where, const OracleCutoffs& cutoffs = {}) {
    std::map<std::string, std::vector<double>> groups =
        Groups(absl::StrCat("SELECT COUNT(*) FROM police_crime WHERE ", where), cutoffs);
    return groups.size() == 1 && groups.begin()->second.size() == 1 ? groups.begin()->second[0]
                                                                    : -1;
  }

  std::unique_ptr<SqliteOracle> oracle_;
};

using M = std::vector<double>;

TEST_F(SqliteOracleTest, TimeDimensions) {
  EXPECT_THAT(Groups("SELECT year, COUNT(*) FROM police_crime GROUP BY year"),
              ElementsAre(Pair("2021", M{1}), Pair("2024", M{1}), Pair("2025", M{3})));
  EXPECT_THAT(Groups("SELECT financial_year, COUNT(*) FROM police_crime GROUP BY financial_year"),
              ElementsAre(Pair("2020/21", M{1}), Pair("2024/25", M{3}), Pair("2025/26", M{1})));
  EXPECT_THAT(Groups("SELECT quarter, COUNT(*) FROM police_crime GROUP BY quarter"),
              ElementsAre(Pair("2021-Q1", M{1}), Pair("2024-Q4", M{1}), Pair("2025-Q1", M{2}),
                          Pair("2025-Q2", M{1})));
  // 2024-12-30 is in 2025-W01; 2021-01-03 (a Sunday) in 2020-W53.
  EXPECT_THAT(Groups("SELECT week, COUNT(*) FROM police_crime GROUP BY week"),
              ElementsAre(Pair("2020-W53", M{1}), Pair("2025-W01", M{1}), Pair("2025-W02", M{1}),
                          Pair("2025-W14", M{2})));
  EXPECT_THAT(Groups("SELECT weekday, COUNT(*) FROM police_crime GROUP BY weekday"),
              ElementsAre(Pair("1 Mon", M{3}), Pair("2 Tue", M{1}), Pair("7 Sun", M{1})));
  EXPECT_THAT(Groups("SELECT month, day, hour, hour_of_week, COUNT(*) FROM police_crime WHERE "
                     "weekday = '7 Sun' GROUP BY month, day, hour, hour_of_week"),
              ElementsAre(Pair("2021-01|2021-01-03|05|7 Sun 05", M{1})));
}

TEST_F(SqliteOracleTest, AreaAndAgeDimensions) {
  EXPECT_THAT(Groups("SELECT borough, COUNT(*) FROM police_crime GROUP BY borough"),
              ElementsAre(Pair("(missing)", M{2}), Pair("Knowsley", M{1}), Pair("Liverpool", M{1}),
                          Pair("Wirral", M{1})));
  EXPECT_THAT(Groups("SELECT ward, COUNT(*) FROM police_crime WHERE district = 'L8' GROUP BY ward"),
              ElementsAre(Pair("Riverside", M{1})));
  EXPECT_THAT(Groups("SELECT age_band, COUNT(*) FROM police_crime GROUP BY age_band"),
              ElementsAre(Pair("(missing)", M{1}), Pair("0-9", M{1}), Pair("10-17", M{1}),
                          Pair("18-24", M{1}), Pair("65+", M{1})));
}

TEST_F(SqliteOracleTest, NumbersCompareAsNumbersAndEverythingElseAsBytes) {
  EXPECT_EQ(Count("offence_code = 5"), 1);      // "005"
  EXPECT_EQ(Count("offence_code = '005'"), 1);  // quoting makes no difference
  EXPECT_EQ(Count("offence_code = 4.1"), 1);    // "4.10"
  EXPECT_EQ(Count("offence_code = '4.1'"), 1);
  // "005" and "10" are above 4.1 as numbers, "8N" is above "4.1" as bytes, "4.10" is equal.
  EXPECT_EQ(Count("offence_code > 4.1"), 3);
  EXPECT_EQ(Count("offence_code < 'A'"), 4);    // bytes: digits sort before letters
  EXPECT_EQ(Count("age BETWEEN 9 AND 17"), 2);  // as bytes "9" would be above "17"
  EXPECT_EQ(Count("hour = 1"), 1);              // "01"
  EXPECT_EQ(Count("year >= 2025"), 3);
  EXPECT_EQ(Count("day BETWEEN '2025-01-01' AND '2025-03-31'"), 2);
  EXPECT_EQ(Count("sex > 'e'"), 3);
  EXPECT_EQ(Count("sex = 'F'"), 0);  // case-sensitive
}

TEST_F(SqliteOracleTest, MissingValuesAreUnknown) {
  EXPECT_EQ(Count("NOT knife = 'true'"), 1);  // only the "false"; missing stays unknown
  EXPECT_EQ(Count("NOT (knife = 'true' AND sex = 'f')"), 2);
  EXPECT_EQ(Count("knife = 'true' OR sex = 'f'"), 3);
  EXPECT_EQ(Count("offence_code NOT IN (5, '8N')"), 2);
  EXPECT_EQ(Count("borough = '(missing)'"), 0);
  EXPECT_EQ(Count("NOT borough = '(missing)'"), 3);
  // Without GROUP BY there is always one row, even when nothing matches.
  EXPECT_THAT(Groups("SELECT COUNT(*), COUNT(DISTINCT person), SUM(harm), REPEAT_RATE(2, 7) "
                     "FROM police_crime WHERE sex = 'x'"),
              ElementsAre(Pair("", M{0, 0, 0, 0})));
}

TEST_F(SqliteOracleTest, HarmRatesAndRepeats) {
  // 365 + 5475 + 0 (no weight) + 1460 + 60.
  EXPECT_THAT(Groups("SELECT COUNT(DISTINCT person), SUM(harm) FROM police_crime"),
              ElementsAre(Pair("", M{3, 7360})));
  EXPECT_THAT(Groups("SELECT borough, SUM(harm) FROM police_crime WHERE borough IN "
                     "('Wirral') OR district = 'ZZ9' OR sex = 'f' GROUP BY borough"),
              ElementsAre(Pair("(missing)", M{6935}), Pair("Wirral", M{0})));
  std::map<std::string, std::vector<double>> rates = Groups(
      "SELECT borough, RATE_PER_1000(COUNT(*)), RATE_PER_1000(COUNT(DISTINCT person)) "
      "FROM police_crime GROUP BY borough");
  ASSERT_EQ(rates.size(), 4u);
  EXPECT_THAT(rates["Liverpool"],
              ElementsAre(DoubleNear(1000.0 / 486000, 1e-15), DoubleNear(1000.0 / 486000, 1e-15)));
  EXPECT_THAT(rates["(missing)"], ElementsAre(IsNan(), IsNan()));  // no population
  // Merseyside has populations per borough only: a ward has none.
  EXPECT_THAT(Groups("SELECT ward, RATE_PER_1000(COUNT(*)) FROM police_crime WHERE district = "
                     "'L8' GROUP BY ward"),
              ElementsAre(Pair("Riverside", ElementsAre(IsNan()))));
  EXPECT_THAT(Groups("SELECT RATE_PER_1000(COUNT(*)) FROM police_crime"),
              ElementsAre(Pair("", ElementsAre(DoubleNear(5000.0 / 1423000, 1e-15)))));
  // Person 1 has two crimes two hours apart, person 2 two exactly seven days apart.
  EXPECT_THAT(Groups("SELECT REPEAT_RATE(2, 7), REPEAT_RATE(2, 6), REPEAT_RATE(1, 1), "
                     "REPEAT_RATE(3, 365) FROM police_crime"),
              ElementsAre(Pair("", ElementsAre(DoubleNear(200.0 / 3, 1e-12),
                                               DoubleNear(100.0 / 3, 1e-12), 100, 0))));
  // Within a group only the group's events count.
  EXPECT_THAT(Groups("SELECT year, REPEAT_RATE(2, 7) FROM police_crime GROUP BY year"),
              ElementsAre(Pair("2021", M{0}), Pair("2024", M{0}), Pair("2025", M{50})));
}

TEST_F(SqliteOracleTest, LinkedCohorts) {
  const std::string ed = "person IN (SELECT person FROM ed_attendance)";
  EXPECT_EQ(Count(ed), 4);
  EXPECT_EQ(Count(absl::StrCat("NOT ", ed)), 1);
  EXPECT_EQ(Count("person IN (SELECT person FROM ed_attendance WHERE means_of_assault = "
                  "'knife')"),
            2);
  EXPECT_EQ(Count(absl::StrCat(ed, " WITHIN 2 DAYS BEFORE")), 1);  // exactly two days: in
  EXPECT_EQ(Count(absl::StrCat(ed, " WITHIN 1 DAYS BEFORE")), 0);
  EXPECT_EQ(Count(absl::StrCat(ed, " WITHIN 23 DAYS")), 3);
  EXPECT_EQ(Count(absl::StrCat(ed, " WITHIN 23 DAYS AFTER")), 1);
  // A self-link: police crimes of persons with another police crime up to 7 days later.
  EXPECT_EQ(Count("person IN (SELECT person FROM police_crime WHERE year = 2025) WITHIN 7 DAYS "
                  "AFTER AND offence_group != 'robbery'"),
            3);
}

TEST_F(SqliteOracleTest, CutoffsDropRowsEverywhere) {
  EXPECT_EQ(Count("year > 0", {{"police_crime", At(2025, 3, 31, 23)}}), 2);  // inclusive
  EXPECT_EQ(Count("person IN (SELECT person FROM ed_attendance)",
                  {{"ed_attendance", At(2025, 1, 29, 12) + 1}}),  // person 2's ED visit is gone
            2);
  EXPECT_THAT(
      Groups("SELECT REPEAT_RATE(2, 7) FROM police_crime", {{"police_crime", At(2025, 1, 1, 0)}}),
      ElementsAre(Pair("", M{50})));  // person 2's first crime is gone
}

TEST_F(SqliteOracleTest, RefusesWhatTheDatasetCannotAnswer) {
  auto run = [&](const std::string& sql) {
    absl::StatusOr<query::ParsedQuery> parsed = query::ParseQuery(sql);
    EXPECT_THAT(parsed, IsOk()) << sql;
    return parsed.ok() ? oracle_->Run(*parsed).status() : parsed.status();
  };
  EXPECT_THAT(run("SELECT COUNT(*) FROM police_crime WHERE colour = 'red'"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(run("SELECT SUM(harm) FROM ed_attendance"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(run("SELECT ward, borough, RATE_PER_1000(COUNT(*)) FROM police_crime GROUP BY "
                  "ward, borough"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace confide::hub::difftest
