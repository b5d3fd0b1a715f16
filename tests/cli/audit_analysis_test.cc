// The audit report's pattern rules (each fires, and does not fire just below its threshold or
// outside its window) and its access counts, on hand-made events in Europe/London time.

#include "cli/audit_analysis.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace confide::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr char kKhan[] = "confide://user/analyst/a.khan";
constexpr char kSmith[] = "confide://user/analyst/j.smith";
constexpr char kIg[] = "confide://user/ig/r.patel";
constexpr char kPolice[] = "confide://agency/merseyside-police/agent";
constexpr char kSvd[] = "svd-merseyside-2026";
constexpr char kYouth[] = "youth-violence-2026";
constexpr char kShape[] = "SELECT borough, COUNT(*) FROM police_crime";

class AuditAnalysisTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(absl::LoadTimeZone("Europe/London", &london_)); }

  // UTC wall-clock times keep the tests independent of the zone under test.
  static absl::Time Utc(int month, int day, int hour, int minute) {
    return absl::FromCivil(absl::CivilSecond(2026, month, day, hour, minute, 0),
                           absl::UTCTimeZone());
  }

  v1::AuditEvent& Add(absl::Time time, const std::string& actor, const std::string& action,
                      v1::AuditEvent::Decision decision = v1::AuditEvent::ALLOW) {
    v1::AuditEvent& event = events_.emplace_back();
    event.set_sequence(events_.size());
    event.set_time_micros(absl::ToUnixMicros(time));
    event.set_actor(actor);
    event.set_action(action);
    event.set_decision(decision);
    return event;
  }

  v1::AuditEvent& Query(absl::Time time, const std::string& actor, const std::string& agreement,
                        const std::string& where, const std::string& tail = " GROUP BY borough") {
    v1::AuditEvent& event = Add(time, actor, "Query.Run");
    event.set_agreement(agreement);
    event.set_purpose("hotspot analysis");
    event.set_detail(absl::StrCat(kShape, where.empty() ? "" : " WHERE ", where, tail));
    return event;
  }

  // `n` queries by `actor`, `step` apart from 10:00 UTC on 1 June, each with its own WHERE.
  void Series(int n, absl::Duration step, const std::string& actor = kKhan,
              const std::string& agreement = kSvd) {
    for (int i = 0; i < n; ++i) {
      Query(Utc(6, 1, 10, 0) + i * step, actor, agreement, absl::StrCat("age_band = '", i, "'"));
    }
  }

  static std::vector<uint64_t> Sequences(const Finding& finding) {
    std::vector<uint64_t> sequences;
    for (const v1::AuditEvent& event : finding.events) {
      sequences.push_back(event.sequence());
    }
    return sequences;
  }

  absl::TimeZone london_;
  std::vector<v1::AuditEvent> events_;
};

TEST_F(AuditAnalysisTest, SplitWhereClauseKeepsSubqueriesAndQuotedKeywordsInTheCondition) {
  QueryParts plain = SplitWhereClause(
      "SELECT borough, COUNT(*) FROM police_crime WHERE knife = 'true' GROUP BY borough LIMIT 5");
  EXPECT_EQ(plain.without_where,
            "SELECT borough, COUNT(*) FROM police_crime GROUP BY borough LIMIT 5");
  EXPECT_EQ(plain.where, "knife = 'true'");

  QueryParts none = SplitWhereClause("SELECT COUNT(*) FROM fire_incident");
  EXPECT_EQ(none.without_where, "SELECT COUNT(*) FROM fire_incident");
  EXPECT_EQ(none.where, "");

  QueryParts nested = SplitWhereClause(
      "SELECT COUNT(*) FROM ed_attendance WHERE person IN (SELECT person FROM police_crime WHERE "
      "knife = 'true') AND sex = 'F' ORDER BY COUNT(*) DESC");
  EXPECT_EQ(nested.without_where, "SELECT COUNT(*) FROM ed_attendance ORDER BY COUNT(*) DESC");
  EXPECT_EQ(nested.where,
            "person IN (SELECT person FROM police_crime WHERE knife = 'true') AND sex = 'F'");

  QueryParts quoted =
      SplitWhereClause("SELECT COUNT(*) FROM police_crime WHERE motive = ' GROUP BY ''x'''");
  EXPECT_EQ(quoted.where, "motive = ' GROUP BY ''x'''");
}

TEST_F(AuditAnalysisTest, NarrowingBurstFiresOnFiveVariantsWithinTenMinutes) {
  Series(5, absl::Minutes(2));  // 10:00 to 10:08
  std::vector<Finding> findings = FindNarrowingBursts(events_, london_);
  ASSERT_THAT(findings, SizeIs(1));
  EXPECT_EQ(findings[0].kind, PatternKind::kNarrowingBurst);
  EXPECT_EQ(findings[0].actor, kKhan);
  EXPECT_EQ(findings[0].agreement, kSvd);
  EXPECT_THAT(Sequences(findings[0]), ElementsAre(1, 2, 3, 4, 5));
  // Shown in London time: 10:00 UTC is 11:00 BST.
  EXPECT_THAT(findings[0].summary, HasSubstr("between 11:00:00 and 11:08:00 on 2026-06-01"));
  EXPECT_THAT(findings[0].summary, HasSubstr("5 different conditions"));
}

TEST_F(AuditAnalysisTest, NarrowingBurstDoesNotFireOnFourVariants) {
  Series(4, absl::Minutes(1));
  EXPECT_THAT(FindNarrowingBursts(events_, london_), IsEmpty());
}

TEST_F(AuditAnalysisTest, NarrowingBurstDoesNotFireWhenSpreadBeyondTheWindow) {
  Series(5, absl::Minutes(3));  // 12 minutes end to end: any 10 minutes hold four
  EXPECT_THAT(FindNarrowingBursts(events_, london_), IsEmpty());
}

TEST_F(AuditAnalysisTest, NarrowingBurstIgnoresRepeatsOfTheSameQuery) {
  for (int i = 0; i < 8; ++i) {
    Query(Utc(6, 1, 10, i), kKhan, kSvd, "knife = 'true'");
  }
  EXPECT_THAT(FindNarrowingBursts(events_, london_), IsEmpty());
}

TEST_F(AuditAnalysisTest, NarrowingBurstNeedsOneUserOneAgreementAndOneQueryShape) {
  for (int i = 0; i < 5; ++i) {
    const std::string where = absl::StrCat("age_band = '", i, "'");
    Query(Utc(6, 1, 10, i), i % 2 == 0 ? kKhan : kSmith, kSvd, where);  // two users
    Query(Utc(6, 1, 10, i), kIg, i % 2 == 0 ? kSvd : kYouth, where);    // two agreements
    Query(Utc(6, 1, 10, i), kPolice, kSvd, where, i % 2 == 0 ? " GROUP BY borough" : "");
  }
  EXPECT_THAT(FindNarrowingBursts(events_, london_), IsEmpty());
}

TEST_F(AuditAnalysisTest, LongNarrowingBurstIsOneFindingWithEveryQuery) {
  Series(9, absl::Minutes(2));                        // 10:00 to 10:16, windows overlap throughout
  Query(Utc(6, 1, 14, 0), kKhan, kSvd, "sex = 'M'");  // hours later: not part of it
  std::vector<Finding> findings = FindNarrowingBursts(events_, london_);
  ASSERT_THAT(findings, SizeIs(1));
  EXPECT_THAT(Sequences(findings[0]), ElementsAre(1, 2, 3, 4, 5, 6, 7, 8, 9));
}

TEST_F(AuditAnalysisTest, DenialSpikeFiresOnFiveWithinFifteenMinutes) {
  Add(Utc(6, 1, 10, 0), kSmith, "Query.Run");  // an allowed request does not count
  for (int i = 0; i < 5; ++i) {
    Add(Utc(6, 1, 10, 3 * i), kSmith, "Query.Run", v1::AuditEvent::DENY).set_rule("query.purpose");
  }
  std::vector<Finding> findings = FindDenialSpikes(events_, london_);
  ASSERT_THAT(findings, SizeIs(1));
  EXPECT_EQ(findings[0].actor, kSmith);
  EXPECT_THAT(Sequences(findings[0]), ElementsAre(2, 3, 4, 5, 6));
  EXPECT_THAT(findings[0].summary, HasSubstr("refused 5 times"));
  EXPECT_THAT(findings[0].summary, HasSubstr("query.purpose"));
}

TEST_F(AuditAnalysisTest, DenialSpikeDoesNotFireBelowTheCountOrOutsideTheWindow) {
  for (int i = 0; i < 4; ++i) {
    Add(Utc(6, 1, 10, i), kSmith, "Query.Run", v1::AuditEvent::DENY);
  }
  for (int i = 0; i < 5; ++i) {  // 20 minutes end to end
    Add(Utc(6, 1, 12, 5 * i), kKhan, "Query.Run", v1::AuditEvent::DENY);
  }
  for (int i = 0; i < 6; ++i) {  // six denials, but spread over three identities
    Add(Utc(6, 1, 14, i), i % 3 == 0 ? kIg : (i % 3 == 1 ? kPolice : "confide://hub"),
        "Admin.Health", v1::AuditEvent::DENY);
  }
  EXPECT_THAT(FindDenialSpikes(events_, london_), IsEmpty());
}

TEST_F(AuditAnalysisTest, NightAccessFiresInLondonHoursNotUtcHours) {
  Add(Utc(6, 1, 21, 30), kKhan, "Query.Run");      // 22:30 BST: night
  Add(Utc(6, 2, 0, 10), kKhan, "Audit.List");      // 01:10 BST: the same night
  Add(Utc(6, 2, 5, 30), kSmith, "Query.Run");      // 06:30 BST: morning, though 05:30 UTC
  Add(Utc(1, 15, 5, 30), kIg, "Audit.List");       // 05:30 GMT in winter: night
  Add(Utc(6, 1, 21, 30), kPolice, "Ingest.Push");  // agents' scheduled pushes are fine
  std::vector<Finding> findings = FindNightAccess(events_, london_);
  ASSERT_THAT(findings, SizeIs(2));
  EXPECT_EQ(findings[0].actor, kKhan);
  EXPECT_THAT(Sequences(findings[0]), ElementsAre(1, 2));
  EXPECT_THAT(findings[0].summary, HasSubstr("night beginning 2026-06-01"));
  EXPECT_THAT(findings[0].summary, HasSubstr("22:00 to 06:00 Europe/London"));
  EXPECT_EQ(findings[1].actor, kIg);
  EXPECT_THAT(findings[1].summary, HasSubstr("night beginning 2026-01-14"));
}

TEST_F(AuditAnalysisTest, NightAccessDoesNotFireInTheWorkingDay) {
  Add(Utc(6, 1, 5, 0), kKhan, "Query.Run");     // 06:00 BST exactly: morning
  Add(Utc(6, 1, 20, 59), kKhan, "Query.Run");   // 21:59 BST
  Add(Utc(1, 15, 21, 59), kKhan, "Query.Run");  // 21:59 GMT
  EXPECT_THAT(FindNightAccess(events_, london_), IsEmpty());
}

TEST_F(AuditAnalysisTest, FirstAccessFiresOncePerUserAndAgreement) {
  Query(Utc(6, 1, 10, 0), kKhan, kSvd, "");
  Query(Utc(6, 1, 10, 1), kKhan, kSvd, "");  // not the first
  Query(Utc(6, 1, 10, 2), kSmith, kSvd, "");
  Query(Utc(6, 1, 10, 3), kSmith, kYouth, "").set_decision(v1::AuditEvent::DENY);  // refused
  Query(Utc(6, 1, 10, 4), kSmith, kYouth, "");
  std::vector<Finding> findings = FindFirstAccess(events_, {});
  ASSERT_THAT(findings, SizeIs(3));
  EXPECT_THAT(Sequences(findings[0]), ElementsAre(1));
  EXPECT_THAT(Sequences(findings[1]), ElementsAre(3));
  EXPECT_THAT(Sequences(findings[2]), ElementsAre(5));
  EXPECT_EQ(findings[2].agreement, kYouth);
  EXPECT_THAT(findings[2].summary, HasSubstr("for the first time"));
}

TEST_F(AuditAnalysisTest, FirstAccessDoesNotFireForAccessBeforeThePeriod) {
  Query(Utc(6, 1, 10, 0), kKhan, kSvd, "");
  Add(Utc(6, 1, 10, 1), kKhan, "Audit.List");  // no agreement: not an access to one
  EXPECT_THAT(FindFirstAccess(events_, {{kKhan, kSvd}}), IsEmpty());
}

TEST_F(AuditAnalysisTest, DetectPatternsPutsNarrowingFirstAndFirstAccessLast) {
  Series(5, absl::Minutes(1));
  std::vector<Finding> findings = DetectPatterns(events_, {}, london_);
  ASSERT_THAT(findings, SizeIs(2));
  EXPECT_EQ(findings[0].kind, PatternKind::kNarrowingBurst);
  EXPECT_EQ(findings[1].kind, PatternKind::kFirstAccess);
}

TEST_F(AuditAnalysisTest, CountsPerAgreementAndPerIdentity) {
  Query(Utc(6, 1, 10, 0), kKhan, kSvd, "");
  Query(Utc(6, 1, 10, 1), kKhan, kSvd, "").set_decision(v1::AuditEvent::DENY);
  Query(Utc(6, 1, 10, 2), kSmith, kYouth, "");
  Add(Utc(6, 1, 10, 3), kPolice, "Ingest.Push");
  Add(Utc(6, 1, 10, 4), kPolice, "Ingest.Push", v1::AuditEvent::DENY);
  Add(Utc(6, 1, 10, 5), kIg, "Audit.List");
  Add(Utc(6, 1, 10, 6), kIg, "Audit.GetTreeHead");
  Add(Utc(6, 1, 10, 7), "confide://hub", "hub.start");

  std::map<std::string, AccessCounts> by_agreement = CountByAgreement(events_);
  ASSERT_THAT(by_agreement, SizeIs(3));
  EXPECT_EQ(by_agreement[kSvd].queries, 2);
  EXPECT_EQ(by_agreement[kSvd].denials, 1);
  EXPECT_EQ(by_agreement[kSvd].total(), 2);
  EXPECT_EQ(by_agreement[kYouth].queries, 1);
  EXPECT_EQ(by_agreement[""].pushes, 2);
  EXPECT_EQ(by_agreement[""].audit_reads, 2);
  EXPECT_EQ(by_agreement[""].other, 1);
  EXPECT_EQ(by_agreement[""].denials, 1);

  std::map<std::string, AccessCounts> by_identity = CountByIdentity(events_);
  ASSERT_THAT(by_identity, SizeIs(5));
  EXPECT_EQ(by_identity[kKhan].queries, 2);
  EXPECT_EQ(by_identity[kKhan].denials, 1);
  EXPECT_EQ(by_identity[kSmith].queries, 1);
  EXPECT_EQ(by_identity[kPolice].pushes, 2);
  EXPECT_EQ(by_identity[kPolice].denials, 1);
  EXPECT_EQ(by_identity[kIg].audit_reads, 2);
  EXPECT_EQ(by_identity[kIg].queries, 0);
  EXPECT_EQ(by_identity["confide://hub"].other, 1);
}

}  // namespace
}  // namespace confide::cli
