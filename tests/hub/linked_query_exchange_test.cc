// Linked measures through Exchange: COUNT(DISTINCT person) and person IN sub-queries under
// disclosure control, one agreement covering every dataset read, and the person index following
// pushes, re-pushes, withdrawals, retention purges and policy changes.

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "common/crypto/hash.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/exchange.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/in_memory_record_store.h"
#include "tests/testing/example_identities.h"
#include "tests/testing/status_matchers.h"

namespace confide::hub {
namespace {

using ::confide::testing::FakeClock;
using ::confide::testing::Id;
using ::confide::testing::InMemoryRecordStore;
using ::confide::testing::IsOk;
using ::confide::testing::kAnalyst;
using ::confide::testing::kHospitalAgent;
using ::confide::testing::kPoliceAgent;
using ::confide::testing::kTestHubSecret;
using ::confide::testing::kYouthAnalyst;
using ::confide::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr char kPolicyPath[] = CONFIDE_SOURCE_DIR "/deploy/policy/merseyside.textpb";
const int64_t kDayZero = absl::CivilSecond(2025, 1, 1, 0, 0, 0) - absl::CivilSecond(1970, 1, 1);
constexpr int64_t kDay = 86400;

// The example policy, its main agreement reviewed far enough ahead for retention to run.
std::string PolicyText() {
  std::ifstream in(kPolicyPath);
  std::stringstream text;
  text << in.rdbuf();
  const std::string review = "review_date: \"2027-09-30\"";
  EXPECT_NE(text.str().find(review), std::string::npos);
  return absl::StrReplaceAll(text.str(), {{review, "review_date: \"2039-09-30\""}});
}

std::shared_ptr<const policy::Policy> LoadPolicy(const std::string& text) {
  absl::StatusOr<std::shared_ptr<const policy::Policy>> loaded =
      policy::Policy::FromText(text, "test.textpb", absl::CivilDay(2026, 6, 1));
  EXPECT_THAT(loaded, IsOk());
  return loaded.value_or(nullptr);
}

// A wire token: what an agency's HMAC of `value` under match key `key` would be.
v1::MatchToken Token(const std::string& key, const std::string& value) {
  v1::MatchToken token;
  token.set_key_id(key);
  token.set_key_version("2026-1");
  token.set_token(crypto::Sha256(absl::StrCat(key, "/", value)));
  return token;
}

v1::WireRecord Wire(const std::string& id, int day, const std::vector<v1::MatchToken>& tokens,
                    bool ed, int sex) {
  v1::WireRecord record;
  record.set_record_id(absl::StrFormat("%-16s", id));
  record.set_event_time(kDayZero + day * kDay);
  auto& values = *record.mutable_values();
  values["district"] = "L8";
  values["sex"] = sex % 2 == 0 ? "f" : "m";
  if (ed) {
    values["means_of_assault"] = "knife";
  } else {
    values["offence_group"] = "wounding_gbh";
  }
  for (const v1::MatchToken& token : tokens) {
    *record.add_tokens() = token;
  }
  return record;
}

v1::Batch Batch(const std::string& id, const std::string& dataset,
                std::vector<v1::WireRecord> records) {
  v1::Batch batch;
  batch.set_batch_id(id);
  batch.set_dataset(dataset);
  for (v1::WireRecord& record : records) {
    *batch.add_records() = std::move(record);
  }
  return batch;
}

class LinkedQueryExchangeTest : public ::testing::Test {
 protected:
  absl::StatusOr<v1::QueryResult> Query(const std::string& sql, const char* who = kAnalyst,
                                        const char* agreement = "svd-merseyside-2026",
                                        const char* purpose = "hotspot analysis") {
    v1::QueryRequest request;
    request.set_agreement(agreement);
    request.set_purpose(purpose);
    request.set_sql(sql);
    return exchange_.Query(Id(who), request);
  }
  // Displayed cells of a one-row result, comma-separated.
  std::string Published(const std::string& sql) {
    absl::StatusOr<v1::QueryResult> result = Query(sql);
    EXPECT_THAT(result, IsOk()) << sql;
    if (!result.ok() || result->rows_size() != 1) {
      return "?";
    }
    std::vector<std::string> cells;
    for (const v1::ResultCell& cell : result->rows(0).measures()) {
      cells.push_back(cell.display());
    }
    return absl::StrJoin(cells, ",");
  }
  void Push(const char* agent, const v1::Batch& batch) {
    ASSERT_THAT(exchange_.Push(Id(agent), batch), IsOk()) << batch.batch_id();
  }

  std::shared_ptr<const policy::Policy> policy_ = LoadPolicy(PolicyText());
  InMemoryRecordStore store_;
  FakeClock clock_{absl::FromCivil(absl::CivilSecond(2026, 6, 1, 12, 0, 0), absl::UTCTimeZone())};
  Exchange exchange_{policy_, store_, store_, clock_, kTestHubSecret};
};

TEST_F(LinkedQueryExchangeTest, DistinctPersonsAndOverlapArePublishedUnderDisclosureControl) {
  // 30 ED patients (the first 10 attend twice); 20 of them, and 5 others, are police victims.
  std::vector<v1::WireRecord> ed, police;
  for (int p = 0; p < 30; ++p) {
    const std::vector<v1::MatchToken> tokens = {Token("nhs", absl::StrCat(p)),
                                                Token("name_dob_sex", absl::StrCat(p))};
    ed.push_back(Wire(absl::StrCat("ed-", p), 100, tokens, true, p));
    if (p < 10) {
      ed.push_back(
          Wire(absl::StrCat("ed-again-", p), 200, {Token("nhs", absl::StrCat(p))}, true, p));
    }
    if (p < 20) {
      police.push_back(Wire(absl::StrCat("crime-", p), 50, {tokens[1]}, false, p));
    }
  }
  for (int p = 100; p < 105; ++p) {
    police.push_back(
        Wire(absl::StrCat("crime-", p), 50, {Token("name_dob_sex", absl::StrCat(p))}, false, p));
  }
  Push(kHospitalAgent, Batch("ed-1", "ed_attendance", ed));
  Push(kPoliceAgent, Batch("police-1", "police_crime", police));

  EXPECT_EQ(Published("SELECT COUNT(*), COUNT(DISTINCT person) FROM ed_attendance"), "40,30");
  EXPECT_EQ(Published("SELECT COUNT(*), COUNT(DISTINCT person) FROM ed_attendance WHERE person IN "
                      "(SELECT person FROM police_crime)"),
            "30,20");
  EXPECT_EQ(Published("SELECT COUNT(DISTINCT person) FROM ed_attendance WHERE NOT person IN "
                      "(SELECT person FROM police_crime WHERE offence_group = 'wounding_gbh')"),
            "10");
  // Nobody is known to police within 10 days after the attendance: police came first.
  EXPECT_EQ(Published("SELECT COUNT(DISTINCT person) FROM ed_attendance WHERE person IN "
                      "(SELECT person FROM police_crime) WITHIN 10 DAYS AFTER"),
            "0");
  // Split by sex the unknown-to-police persons are 5 and 5: both suppressed, and said so.
  CONFIDE_ASSERT_OK_AND_ASSIGN(
      v1::QueryResult by_sex,
      Query("SELECT sex, COUNT(DISTINCT person) FROM ed_attendance WHERE NOT person IN "
            "(SELECT person FROM police_crime) GROUP BY sex"));
  ASSERT_EQ(by_sex.rows_size(), 2);
  for (const v1::ResultRow& row : by_sex.rows()) {
    EXPECT_TRUE(row.measures(0).suppressed()) << row.dimensions(0);
    EXPECT_EQ(row.measures(0).display(), "*");
  }
  EXPECT_FALSE(by_sex.notes().empty());
  // Person ids never leave the hub: nothing in the result but dimensions and counts.
  EXPECT_EQ(by_sex.measure_names(0), "COUNT(DISTINCT PERSON)");
}

TEST_F(LinkedQueryExchangeTest, IndexFollowsWithdrawalRepushAndPurge) {
  // 40 pairs of ED records that only a police record links (one shares the NHS token, the
  // other the name token). Persons among the 80 ED records: 40 while every bridge stands.
  std::vector<v1::WireRecord> ed, bridges;
  for (int p = 0; p < 40; ++p) {
    ed.push_back(Wire(absl::StrCat("ed-a-", p), 1000, {Token("nhs", absl::StrCat(p))}, true, p));
    ed.push_back(
        Wire(absl::StrCat("ed-b-", p), 1000, {Token("name_dob_sex", absl::StrCat(p))}, true, p));
    bridges.push_back(Wire(absl::StrCat("bridge-", p), 50,
                           {Token("nhs", absl::StrCat(p)), Token("name_dob_sex", absl::StrCat(p))},
                           false, p));
  }
  Push(kHospitalAgent, Batch("ed-1", "ed_attendance", ed));
  Push(kPoliceAgent, Batch("bridges-1", "police_crime", {bridges.begin(), bridges.begin() + 20}));
  Push(kPoliceAgent, Batch("bridges-2", "police_crime", {bridges.begin() + 20, bridges.end()}));
  const std::string persons = "SELECT COUNT(DISTINCT person) FROM ed_attendance";
  EXPECT_EQ(Published(persons), "40");

  // Withdrawing 10 bridges by record id splits 10 pairs.
  v1::WithdrawRequest withdraw;
  withdraw.set_dataset("police_crime");
  for (int p = 0; p < 10; ++p) {
    withdraw.add_record_ids(bridges[p].record_id());
  }
  ASSERT_THAT(exchange_.Withdraw(Id(kPoliceAgent), withdraw), IsOk());
  EXPECT_EQ(Published(persons), "50");

  // Re-pushing 10 more under the same record ids with only the NHS token splits 10 more.
  std::vector<v1::WireRecord> corrected(bridges.begin() + 10, bridges.begin() + 20);
  for (v1::WireRecord& record : corrected) {
    record.mutable_tokens()->DeleteSubrange(1, 1);
  }
  Push(kPoliceAgent, Batch("corrections-1", "police_crime", corrected));
  EXPECT_EQ(Published(persons), "60");

  // Withdrawing a whole batch by batch id splits the 20 it bridged... (bridges-2: 20..39).
  v1::WithdrawRequest by_batch;
  by_batch.set_dataset("police_crime");
  by_batch.add_batch_ids("bridges-2");
  ASSERT_THAT(exchange_.Withdraw(Id(kPoliceAgent), by_batch), IsOk());
  EXPECT_EQ(Published(persons), "80");

  // ...and re-linking them, then letting retention purge the bridges (police records from day
  // 50 expire first), splits them again.
  Push(kPoliceAgent, Batch("bridges-3", "police_crime", {bridges.begin() + 20, bridges.end()}));
  EXPECT_EQ(Published(persons), "60");
  clock_.SetTime(absl::FromUnixSeconds(kDayZero + (50 + 2190 + 10) * kDay));
  CONFIDE_ASSERT_OK_AND_ASSIGN(int64_t purged, exchange_.RunRetention());
  EXPECT_EQ(purged, 30);
  EXPECT_EQ(Published(persons), "80");
}

TEST_F(LinkedQueryExchangeTest, PersonIndexIsBuiltFromWhatTheStoreAlreadyHolds) {
  // Records stored by an earlier run of the hub.
  BatchWrite write;
  write.agency = "liverpool-university-hospitals";
  write.dataset = "ed_attendance";
  write.batch_id = "earlier";
  write.content_hash = "earlier";
  for (int i = 0; i < 24; ++i) {
    v1::StoredRecord& record = write.records.emplace_back();
    record.set_dataset(write.dataset);
    record.set_agency(write.agency);
    record.set_record_id(absl::StrFormat("earlier-record-%04d", i));
    record.set_event_time(kDayZero);
    (*record.mutable_values())["means_of_assault"] = "knife";
    *record.add_tokens() = Token("nhs", absl::StrCat(i % 12));  // 12 persons, twice each
  }
  ASSERT_THAT(store_.PutBatch(write, [](BatchOutcome) { return v1::AuditEvent(); }), IsOk());
  CONFIDE_ASSERT_OK_AND_ASSIGN(linkage::IndexStats stats, exchange_.RebuildLinkage());
  EXPECT_EQ(stats.records, 24);
  EXPECT_EQ(stats.persons, 12);
  EXPECT_EQ(Published("SELECT COUNT(*), COUNT(DISTINCT person) FROM ed_attendance"), "25,10");

  store_.FailReads(true);
  EXPECT_THAT(exchange_.RebuildLinkage(), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(Query("SELECT COUNT(DISTINCT person) FROM ed_attendance"),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("analytics index")));
  store_.FailReads(false);
  EXPECT_EQ(Published("SELECT COUNT(DISTINCT person) FROM ed_attendance"), "10");
}

TEST_F(LinkedQueryExchangeTest, FailedWritesLeaveLinkedQueriesCorrect) {
  std::vector<v1::WireRecord> ed, police;
  for (int p = 0; p < 20; ++p) {
    ed.push_back(Wire(absl::StrCat("ed-", p), 100, {Token("nhs", absl::StrCat(p))}, true, p));
    police.push_back(Wire(absl::StrCat("crime-", p), 90,
                          {Token("nhs", absl::StrCat(p < 10 ? p : 100 + p))}, false, p));
  }
  Push(kHospitalAgent, Batch("ed-1", "ed_attendance", ed));
  const std::string overlap =
      "SELECT COUNT(DISTINCT person) FROM ed_attendance WHERE person IN "
      "(SELECT person FROM police_crime)";
  EXPECT_EQ(Published(overlap), "0");
  store_.FailWrites(true);
  EXPECT_THAT(exchange_.Push(Id(kPoliceAgent), Batch("police-1", "police_crime", police)),
              StatusIs(absl::StatusCode::kUnavailable));
  v1::WithdrawRequest withdraw;
  withdraw.set_dataset("ed_attendance");
  withdraw.add_record_ids(ed[0].record_id());
  EXPECT_THAT(exchange_.Withdraw(Id(kHospitalAgent), withdraw),
              StatusIs(absl::StatusCode::kUnavailable));
  store_.FailWrites(false);
  Push(kPoliceAgent, Batch("police-1", "police_crime", police));
  EXPECT_EQ(Published(overlap), "10");
  ASSERT_THAT(exchange_.Withdraw(Id(kHospitalAgent), withdraw), IsOk());
  EXPECT_EQ(Published(overlap), "10");                                             // 9, rounded
  EXPECT_EQ(Published("SELECT COUNT(DISTINCT person) FROM ed_attendance"), "20");  // 19
}

TEST_F(LinkedQueryExchangeTest, ANewRecipeRebuildsTheIndex) {
  std::vector<v1::WireRecord> ed, police;
  for (int p = 0; p < 20; ++p) {
    ed.push_back(
        Wire(absl::StrCat("ed-", p), 100, {Token("name_dob_sex", absl::StrCat(p))}, true, p));
    police.push_back(
        Wire(absl::StrCat("crime-", p), 90, {Token("name_dob_sex", absl::StrCat(p))}, false, p));
  }
  Push(kHospitalAgent, Batch("ed-1", "ed_attendance", ed));
  Push(kPoliceAgent, Batch("police-1", "police_crime", police));
  const std::string overlap =
      "SELECT COUNT(DISTINCT person) FROM ed_attendance WHERE person IN "
      "(SELECT person FROM police_crime)";
  EXPECT_EQ(Published(overlap), "20");
  // Name, date of birth and sex alone become weak evidence: nobody links any more.
  std::string text = PolicyText();
  const std::string strong =
      "match_keys { id: \"name_dob_sex\" elements: [FORENAME, SURNAME, DATE_OF_BIRTH, SEX] }";
  ASSERT_NE(text.find(strong), std::string::npos);
  text = absl::StrReplaceAll(
      text, {{strong, absl::StrReplaceAll(strong, {{"SEX] }", "SEX] weak: true }"}})}});
  exchange_.ReplacePolicy(LoadPolicy(text));
  EXPECT_EQ(Published(overlap), "0");
}

TEST_F(LinkedQueryExchangeTest, EveryDatasetReadMustBeCoveredByTheOneAgreement) {
  const char* youth = "youth-violence-2026";
  const char* purpose = "youth violence needs assessment";
  struct Case {
    std::string sql;
    std::string rule;  // empty: allowed
  };
  const Case cases[] = {
      {"SELECT COUNT(*) FROM police_crime WHERE person IN (SELECT person FROM ed_attendance)",
       "query.dataset-not-covered"},
      {"SELECT COUNT(*) FROM police_crime WHERE NOT person IN "
       "(SELECT person FROM ed_attendance WHERE means_of_assault = 'knife') WITHIN 30 DAYS",
       "query.dataset-not-covered"},
      {"SELECT COUNT(*) FROM police_crime WHERE person IN "
       "(SELECT person FROM youth_justice WHERE ward = 'Riverside')",
       "query.dimension-not-permitted"},
      {"SELECT COUNT(DISTINCT person) FROM police_crime WHERE person IN "
       "(SELECT person FROM youth_justice WHERE outcome = 'referral_order')",
       ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.sql);
    absl::StatusOr<v1::QueryResult> result = Query(c.sql, kYouthAnalyst, youth, purpose);
    v1::AuditEvent event = store_.AllEvents().back();
    if (c.rule.empty()) {
      EXPECT_THAT(result, IsOk());
      EXPECT_EQ(event.decision(), v1::AuditEvent::ALLOW);
    } else {
      EXPECT_THAT(result, StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr(c.rule)));
      EXPECT_EQ(event.decision(), v1::AuditEvent::DENY);
      EXPECT_EQ(event.rule(), c.rule);
    }
  }
  EXPECT_THAT(Query("SELECT COUNT(*) FROM police_crime WHERE person IN "
                    "(SELECT person FROM ed_attendance)",
                    kYouthAnalyst, youth, purpose),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("does not cover dataset 'ed_attendance'")));
}

TEST_F(LinkedQueryExchangeTest, MeasuresADatasetCannotAnswerAreRefusedWithThePosition) {
  EXPECT_THAT(Query("SELECT borough, SUM(harm) FROM ed_attendance GROUP BY borough"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("1:17: SUM(harm) needs harm weights"),
                             HasSubstr("'ed_attendance'"))));
  EXPECT_THAT(Query("SELECT borough, ward, RATE_PER_1000(COUNT(*)) FROM ed_attendance "
                    "GROUP BY borough, ward"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("one area dimension")));
}

}  // namespace
}  // namespace confide::hub
