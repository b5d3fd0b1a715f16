// `confide audit list|report` filter flags: dates in Europe/London, RFC 3339 times, every
// filter mapped onto the request, nonsense refused with a message fit for the user; and the
// pager, against a fake hub, walking every page without gaps, repeats or endless loops.

#include "cli/audit_filter.h"

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace confide::cli {
namespace {

using ::confide::testing::IsOk;
using ::confide::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

class AuditFilterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<absl::TimeZone> zone = LondonTimeZone();
    ASSERT_THAT(zone, IsOk());
    london_ = *zone;
  }

  static absl::Time Utc(int year, int month, int day, int hour, int minute = 0) {
    return absl::FromCivil(absl::CivilSecond(year, month, day, hour, minute, 0),
                           absl::UTCTimeZone());
  }

  absl::StatusOr<v1::ListAuditRequest> Build(const std::vector<std::string>& args) {
    std::vector<std::string> known(std::begin(kAuditFilterFlags), std::end(kAuditFilterFlags));
    ParsedArgs parsed = ParseArgs(args, known);
    EXPECT_EQ(parsed.error, "");
    return BuildListRequest(parsed, london_);
  }

  absl::TimeZone london_;
};

TEST_F(AuditFilterTest, DatesAreWholeDaysInLondon) {
  // 1 June is in British Summer Time: the day starts at 23:00 UTC the evening before.
  EXPECT_EQ(*ParseTimeBound("2026-06-01", TimeBound::kSince, london_), Utc(2026, 5, 31, 23));
  EXPECT_EQ(*ParseTimeBound("2026-06-01", TimeBound::kUntil, london_), Utc(2026, 6, 1, 23));
  // 15 January is in GMT.
  EXPECT_EQ(*ParseTimeBound("2026-01-15", TimeBound::kSince, london_), Utc(2026, 1, 15, 0));
  EXPECT_EQ(*ParseTimeBound("2026-01-15", TimeBound::kUntil, london_), Utc(2026, 1, 16, 0));
  // The day the clocks go forward has 23 hours.
  EXPECT_EQ(*ParseTimeBound("2026-03-29", TimeBound::kUntil, london_) -
                *ParseTimeBound("2026-03-29", TimeBound::kSince, london_),
            absl::Hours(23));
}

TEST_F(AuditFilterTest, Rfc3339TimesAreExact) {
  EXPECT_EQ(*ParseTimeBound("2026-06-01T14:30:00Z", TimeBound::kSince, london_),
            Utc(2026, 6, 1, 14, 30));
  EXPECT_EQ(*ParseTimeBound("2026-06-01T15:30:00+01:00", TimeBound::kUntil, london_),
            Utc(2026, 6, 1, 14, 30));
  EXPECT_EQ(*ParseTimeBound("2026-06-01T14:30:00.25Z", TimeBound::kSince, london_),
            Utc(2026, 6, 1, 14, 30) + absl::Milliseconds(250));
}

TEST_F(AuditFilterTest, OtherTimeFormsAreRefusedNamingTheAcceptedOnes) {
  for (const char* bad :
       {"01/06/2026", "2026-06-01 14:30", "2026-06-01T14:30:00", "yesterday", "2026-13-01", ""}) {
    EXPECT_THAT(ParseTimeBound(bad, TimeBound::kSince, london_),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("--since expects YYYY-MM-DD (a day in Europe/London)")))
        << bad;
  }
}

TEST_F(AuditFilterTest, EveryFlagReachesTheRequest) {
  absl::StatusOr<v1::ListAuditRequest> request = Build({"--since",     "2026-06-01",
                                                        "--until",     "2026-06-30",
                                                        "--user",      "a.khan",
                                                        "--agency",    "merseyside-police",
                                                        "--agreement", "svd-merseyside-2026",
                                                        "--purpose",   "hotspot analysis",
                                                        "--action",    "Query.Run",
                                                        "--decision",  "deny",
                                                        "--after",     "10",
                                                        "--up-to",     "99"});
  ASSERT_THAT(request, IsOk());
  EXPECT_EQ(request->since_micros(), absl::ToUnixMicros(Utc(2026, 5, 31, 23)));
  EXPECT_EQ(request->until_micros(), absl::ToUnixMicros(Utc(2026, 6, 30, 23)));
  EXPECT_EQ(request->user(), "a.khan");
  EXPECT_EQ(request->actor(), "");
  EXPECT_EQ(request->agency(), "merseyside-police");
  EXPECT_EQ(request->agreement(), "svd-merseyside-2026");
  EXPECT_EQ(request->purpose(), "hotspot analysis");
  EXPECT_EQ(request->action(), "Query.Run");
  EXPECT_EQ(request->decision(), v1::AuditEvent::DENY);
  EXPECT_EQ(request->after_sequence(), 10u);
  EXPECT_EQ(request->up_to_sequence(), 99u);
  EXPECT_EQ(request->limit(), 0);
}

TEST_F(AuditFilterTest, UserTakesANameOrAFullIdentity) {
  absl::StatusOr<v1::ListAuditRequest> by_uri =
      Build({"--user", "confide://agency/merseyside-police/agent"});
  ASSERT_THAT(by_uri, IsOk());
  EXPECT_EQ(by_uri->actor(), "confide://agency/merseyside-police/agent");
  EXPECT_EQ(by_uri->user(), "");
  absl::StatusOr<v1::ListAuditRequest> by_actor =
      Build({"--actor", "confide://user/analyst/a.khan"});
  ASSERT_THAT(by_actor, IsOk());
  EXPECT_EQ(by_actor->actor(), "confide://user/analyst/a.khan");
  EXPECT_THAT(Build({"--user", "analyst/a.khan"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--user expects a name")));
  EXPECT_THAT(Build({"--user", "a.khan", "--actor", "confide://user/analyst/a.khan"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not both")));
}

TEST_F(AuditFilterTest, NonsenseIsRefusedWithAClearMessage) {
  EXPECT_THAT(Build({"--since", "2026-06-30", "--until", "2026-06-01"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--until must be later than --since, got --since 2026-06-30 "
                                 "(2026-06-30 00:00:00 BST) and --until 2026-06-01 (before "
                                 "2026-06-02 00:00:00 BST)")));
  EXPECT_THAT(Build({"--since", "2026-06-01T12:00:00Z", "--until", "2026-06-01T12:00:00Z"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("later than --since")));
  EXPECT_THAT(Build({"--decision", "refused"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--decision expects allow, deny or error, got 'refused'")));
  EXPECT_THAT(Build({"--after", "ten"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--after expects")));
  EXPECT_THAT(Build({"--after", "5", "--up-to", "5"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--up-to must be greater")));
  EXPECT_THAT(Build({"--until", "tomorrow"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--until expects")));
  // A single date is a sensible range: that whole day.
  EXPECT_THAT(Build({"--since", "2026-06-01", "--until", "2026-06-01"}), IsOk());
}

// A hub holding events 1..n that honours after_sequence and limit, and counts its calls.
struct FakeHub {
  explicit FakeHub(uint64_t events) : n(events) {}
  uint64_t n;
  int calls = 0;
  std::vector<int> limits;
  absl::StatusOr<v1::ListAuditResponse> operator()(const v1::ListAuditRequest& request) {
    ++calls;
    limits.push_back(request.limit());
    v1::ListAuditResponse response;
    for (uint64_t s = request.after_sequence() + 1;
         s <= n && response.events_size() < request.limit(); ++s) {
      response.add_events()->set_sequence(s);
    }
    return response;
  }
};

TEST_F(AuditFilterTest, PagerFetchesEveryEventPageByPage) {
  FakeHub hub(2500);
  absl::StatusOr<std::vector<v1::AuditEvent>> events =
      ListAllAuditEvents(std::ref(hub), v1::ListAuditRequest());
  ASSERT_THAT(events, IsOk());
  ASSERT_THAT(*events, SizeIs(2500));
  for (size_t i = 0; i < events->size(); ++i) {
    ASSERT_EQ((*events)[i].sequence(), i + 1);
  }
  EXPECT_EQ(hub.calls, 3);
}

TEST_F(AuditFilterTest, PagerStopsAtAFullLastPageWithOneMoreCall) {
  FakeHub hub(20);
  absl::StatusOr<std::vector<v1::AuditEvent>> events =
      ListAllAuditEvents(std::ref(hub), v1::ListAuditRequest(), 0, 10);
  ASSERT_THAT(events, IsOk());
  EXPECT_THAT(*events, SizeIs(20));
  EXPECT_EQ(hub.calls, 3);  // the third, empty page says there is no more
}

TEST_F(AuditFilterTest, PagerHonoursMaxEventsAndStartsAfterTheRequestedSequence) {
  FakeHub hub(50);
  v1::ListAuditRequest request;
  request.set_after_sequence(5);
  absl::StatusOr<std::vector<v1::AuditEvent>> events =
      ListAllAuditEvents(std::ref(hub), request, 25, 10);
  ASSERT_THAT(events, IsOk());
  ASSERT_THAT(*events, SizeIs(25));
  EXPECT_EQ(events->front().sequence(), 6u);
  EXPECT_EQ(events->back().sequence(), 30u);
  EXPECT_EQ(hub.limits, (std::vector<int>{10, 10, 5}));
}

TEST_F(AuditFilterTest, PagerReturnsTheHubsErrorAndRefusesAnOutOfOrderListing) {
  auto refusing = [](const v1::ListAuditRequest&) -> absl::StatusOr<v1::ListAuditResponse> {
    return absl::PermissionDeniedError("only IG officers may read the audit log");
  };
  EXPECT_THAT(ListAllAuditEvents(refusing, v1::ListAuditRequest()),
              StatusIs(absl::StatusCode::kPermissionDenied));
  // A hub that ignores after_sequence would otherwise loop for ever.
  auto stuck = [](const v1::ListAuditRequest&) -> absl::StatusOr<v1::ListAuditResponse> {
    v1::ListAuditResponse response;
    for (int i = 1; i <= 3; ++i) {
      response.add_events()->set_sequence(i);
    }
    return response;
  };
  EXPECT_THAT(ListAllAuditEvents(stuck, v1::ListAuditRequest(), 0, 3),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("out of order")));
}

}  // namespace
}  // namespace confide::cli
