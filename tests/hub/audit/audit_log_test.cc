// The audit log's server-side filters: each field narrows the listing, filters combine with AND,
// nonsense is refused with InvalidArgument (and the refusal is itself audited), and paging with
// after_sequence / limit / up_to_sequence walks the filtered events without gaps or repeats.

#include "hub/audit/audit_log.h"

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/exchange.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/in_memory_record_store.h"
#include "tests/testing/status_matchers.h"

namespace confide::hub {
namespace {

using ::confide::testing::FakeClock;
using ::confide::testing::InMemoryRecordStore;
using ::confide::testing::IsOk;
using ::confide::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kPolicyPath[] = CONFIDE_SOURCE_DIR "/deploy/policy/merseyside.textpb";
constexpr char kKhan[] = "confide://user/analyst/a.khan";
constexpr char kSmith[] = "confide://user/analyst/j.smith";
constexpr char kIg[] = "confide://user/ig/r.patel";
constexpr char kPolice[] = "confide://agency/merseyside-police/agent";

absl::Time At(int hour, int minute) {
  return absl::FromCivil(absl::CivilSecond(2026, 6, 1, hour, minute, 0), absl::UTCTimeZone());
}

v1::AuditEvent Event(uint64_t sequence, absl::Time time, const std::string& actor,
                     const std::string& action, v1::AuditEvent::Decision decision) {
  v1::AuditEvent event;
  event.set_sequence(sequence);
  event.set_time_micros(absl::ToUnixMicros(time));
  event.set_actor(actor);
  event.set_action(action);
  event.set_decision(decision);
  return event;
}

// A small log: a push, two analysts' queries under two agreements, a denial, an audit read.
std::vector<v1::AuditEvent> SampleLog() {
  std::vector<v1::AuditEvent> log;
  log.push_back(Event(1, At(9, 0), kPolice, "Ingest.Push", v1::AuditEvent::ALLOW));
  log.back().set_agency("merseyside-police");
  log.back().set_dataset("police_crime");
  log.push_back(Event(2, At(10, 0), kKhan, "Query.Run", v1::AuditEvent::ALLOW));
  log.back().set_agreement("svd-merseyside-2026");
  log.back().set_purpose("hotspot analysis");
  log.push_back(Event(3, At(11, 0), kSmith, "Query.Run", v1::AuditEvent::ALLOW));
  log.back().set_agreement("youth-violence-2026");
  log.back().set_purpose("youth violence needs assessment");
  log.push_back(Event(4, At(12, 0), kKhan, "Query.Run", v1::AuditEvent::DENY));
  log.back().set_agreement("youth-violence-2026");
  log.back().set_purpose("hotspot analysis");
  log.push_back(Event(5, At(13, 0), kIg, "Audit.List", v1::AuditEvent::ALLOW));
  log.push_back(Event(6, At(14, 0), "confide://hub", "hub.stop", v1::AuditEvent::ALLOW));
  return log;
}

std::vector<uint64_t> Matching(const v1::ListAuditRequest& request) {
  std::vector<uint64_t> sequences;
  for (const v1::AuditEvent& event : SampleLog()) {
    if (MatchesAuditFilter(event, request)) {
      sequences.push_back(event.sequence());
    }
  }
  return sequences;
}

TEST(AuditLogTest, EmptyRequestMatchesEverything) {
  EXPECT_THAT(Matching(v1::ListAuditRequest()), ElementsAre(1, 2, 3, 4, 5, 6));
}

TEST(AuditLogTest, SinceIsInclusiveAndUntilExclusive) {
  v1::ListAuditRequest request;
  request.set_since_micros(absl::ToUnixMicros(At(10, 0)));
  request.set_until_micros(absl::ToUnixMicros(At(12, 0)));
  EXPECT_THAT(Matching(request), ElementsAre(2, 3));
  request.clear_until_micros();
  EXPECT_THAT(Matching(request), ElementsAre(2, 3, 4, 5, 6));
  request.clear_since_micros();
  request.set_until_micros(absl::ToUnixMicros(At(10, 0)) + 1);
  EXPECT_THAT(Matching(request), ElementsAre(1, 2));
}

TEST(AuditLogTest, UserMatchesTheNameUnderAnyRoleButNeverAnAgent) {
  v1::ListAuditRequest request;
  request.set_user("a.khan");
  EXPECT_THAT(Matching(request), ElementsAre(2, 4));
  request.set_user("r.patel");
  EXPECT_THAT(Matching(request), ElementsAre(5));
  request.set_user("agent");  // the last segment of an agent's identity is not a user name
  EXPECT_THAT(Matching(request), ElementsAre());
  request.set_user("khan");  // no partial names
  EXPECT_THAT(Matching(request), ElementsAre());
}

TEST(AuditLogTest, ActorIsAnExactIdentity) {
  v1::ListAuditRequest request;
  request.set_actor(kSmith);
  EXPECT_THAT(Matching(request), ElementsAre(3));
  request.set_actor("confide://user/analyst/j.smit");
  EXPECT_THAT(Matching(request), ElementsAre());
}

TEST(AuditLogTest, AgencyAgreementPurposeActionAndDecisionAreExact) {
  v1::ListAuditRequest request;
  request.set_agency("merseyside-police");
  EXPECT_THAT(Matching(request), ElementsAre(1));
  request = v1::ListAuditRequest();
  request.set_agreement("youth-violence-2026");
  EXPECT_THAT(Matching(request), ElementsAre(3, 4));
  request = v1::ListAuditRequest();
  request.set_purpose("hotspot analysis");
  EXPECT_THAT(Matching(request), ElementsAre(2, 4));
  request = v1::ListAuditRequest();
  request.set_action("Query.Run");
  EXPECT_THAT(Matching(request), ElementsAre(2, 3, 4));
  request.set_action("Query");  // no prefixes
  EXPECT_THAT(Matching(request), ElementsAre());
  request = v1::ListAuditRequest();
  request.set_decision(v1::AuditEvent::DENY);
  EXPECT_THAT(Matching(request), ElementsAre(4));
}

TEST(AuditLogTest, FiltersCombineWithAnd) {
  v1::ListAuditRequest request;
  request.set_user("a.khan");
  request.set_agreement("youth-violence-2026");
  EXPECT_THAT(Matching(request), ElementsAre(4));
  request.set_decision(v1::AuditEvent::ALLOW);
  EXPECT_THAT(Matching(request), ElementsAre());
}

TEST(AuditLogTest, SequenceRangeIsAfterExclusiveUpToInclusive) {
  v1::ListAuditRequest request;
  request.set_after_sequence(2);
  request.set_up_to_sequence(4);
  EXPECT_THAT(Matching(request), ElementsAre(3, 4));
}

TEST(AuditLogTest, ValidateAcceptsSensibleRequests) {
  v1::ListAuditRequest request;
  EXPECT_THAT(ValidateAuditFilter(request), IsOk());
  request.set_since_micros(absl::ToUnixMicros(At(10, 0)));
  request.set_until_micros(absl::ToUnixMicros(At(10, 0)) + 1);
  request.set_user("a.khan");
  request.set_decision(v1::AuditEvent::ERROR);
  request.set_after_sequence(3);
  request.set_up_to_sequence(4);
  EXPECT_THAT(ValidateAuditFilter(request), IsOk());
}

TEST(AuditLogTest, ValidateRefusesNonsenseSayingWhatWasExpected) {
  v1::ListAuditRequest request;
  request.set_since_micros(absl::ToUnixMicros(At(12, 0)));
  request.set_until_micros(absl::ToUnixMicros(At(10, 0)));
  EXPECT_THAT(ValidateAuditFilter(request),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("expected until later than since, got since "
                                 "2026-06-01T12:00:00+00:00 and until 2026-06-01T10:00:00+00:00")));
  request.set_until_micros(request.since_micros());  // an empty range is refused too
  EXPECT_THAT(ValidateAuditFilter(request), StatusIs(absl::StatusCode::kInvalidArgument));

  request = v1::ListAuditRequest();
  request.set_decision(static_cast<v1::AuditEvent::Decision>(7));
  EXPECT_THAT(ValidateAuditFilter(request),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("expected decision allow, deny or error (or none), got 7")));

  request = v1::ListAuditRequest();
  request.set_since_micros(-1);
  EXPECT_THAT(ValidateAuditFilter(request), StatusIs(absl::StatusCode::kInvalidArgument));
  request = v1::ListAuditRequest();
  request.set_limit(-5);
  EXPECT_THAT(ValidateAuditFilter(request), StatusIs(absl::StatusCode::kInvalidArgument));
  request = v1::ListAuditRequest();
  request.set_after_sequence(9);
  request.set_up_to_sequence(9);
  EXPECT_THAT(ValidateAuditFilter(request), StatusIs(absl::StatusCode::kInvalidArgument));
  request = v1::ListAuditRequest();
  request.set_user(kKhan);
  EXPECT_THAT(ValidateAuditFilter(request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("goes in actor")));
}

TEST(AuditLogTest, DescribeNamesEveryFilterUsed) {
  v1::ListAuditRequest request;
  EXPECT_EQ(DescribeAuditFilter(request), "listed events after sequence 0");
  request.set_after_sequence(4);
  request.set_since_micros(absl::ToUnixMicros(At(10, 0)));
  request.set_user("a.khan");
  request.set_agreement("svd-merseyside-2026");
  request.set_decision(v1::AuditEvent::DENY);
  EXPECT_EQ(DescribeAuditFilter(request),
            "listed events after sequence 4 (since 2026-06-01T10:00:00+00:00, user 'a.khan', "
            "agreement 'svd-merseyside-2026', decision DENY)");
}

// Through the Exchange and a store: a bad filter is refused and the refusal audited; a good one
// pages through exactly the matching events.
class AuditLogExchangeTest : public ::testing::Test {
 protected:
  Identity Id(absl::string_view uri) { return ParseIdentity(uri).value_or(Identity()); }

  std::shared_ptr<const policy::Policy> policy_ =
      *policy::Policy::FromFile(kPolicyPath, absl::CivilDay(2026, 6, 1));
  InMemoryRecordStore store_;
  FakeClock clock_{At(9, 0)};
  Exchange exchange_{policy_, store_, store_, clock_, "hub-secret-0123456789abcdef0123456789"};
};

TEST_F(AuditLogExchangeTest, NonsenseFilterIsRefusedAndTheRefusalAudited) {
  v1::ListAuditRequest request;
  request.set_since_micros(absl::ToUnixMicros(At(12, 0)));
  request.set_until_micros(absl::ToUnixMicros(At(10, 0)));
  EXPECT_THAT(exchange_.ListAudit(Id(kIg), request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("until later than since")));
  const std::vector<v1::AuditEvent> events = store_.AllEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].action(), "Audit.List");
  EXPECT_EQ(events[0].decision(), v1::AuditEvent::ERROR);
  EXPECT_THAT(events[0].reason(), HasSubstr("until later than since"));
  EXPECT_THAT(events[0].detail(), HasSubstr("since 2026-06-01T12:00:00+00:00"));
}

TEST_F(AuditLogExchangeTest, PagingWalksTheFilteredEventsWithoutGapsOrRepeats) {
  // Twelve health checks, alternating between two analysts, a minute apart.
  for (int i = 0; i < 12; ++i) {
    ASSERT_THAT(exchange_.Health(Id(i % 2 == 0 ? kKhan : kSmith)), IsOk());
    clock_.Advance(absl::Minutes(1));
  }
  v1::ListAuditRequest request;
  request.set_user("j.smith");
  request.set_limit(4);
  request.set_up_to_sequence(11);  // j.smith's sixth check (sequence 12) is beyond the bound
  std::vector<uint64_t> seen;
  for (int page = 0; page < 10; ++page) {
    absl::StatusOr<v1::ListAuditResponse> response = exchange_.ListAudit(Id(kIg), request);
    ASSERT_THAT(response, IsOk());
    for (const v1::AuditEvent& event : response->events()) {
      seen.push_back(event.sequence());
      request.set_after_sequence(event.sequence());
    }
    if (response->events_size() < request.limit()) {
      break;
    }
  }
  EXPECT_THAT(seen, ElementsAre(2, 4, 6, 8, 10));
}

}  // namespace
}  // namespace confide::hub
