#include "common/identity.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace confide {
namespace {

using ::confide::testing::IsOk;
using ::confide::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(ParseIdentityTest, AgentForm) {
  CONFIDE_ASSERT_OK_AND_ASSIGN(Identity identity,
                               ParseIdentity("confide://agency/merseyside-police/agent"));
  EXPECT_EQ(identity.kind, Identity::Kind::kAgent);
  EXPECT_EQ(identity.uri, "confide://agency/merseyside-police/agent");
  EXPECT_EQ(identity.agency, "merseyside-police");
  EXPECT_EQ(identity.role, "agent");
  EXPECT_EQ(identity.name, "");
}

TEST(ParseIdentityTest, AnalystForm) {
  CONFIDE_ASSERT_OK_AND_ASSIGN(Identity identity, ParseIdentity("confide://user/analyst/a.khan"));
  EXPECT_EQ(identity.kind, Identity::Kind::kUser);
  EXPECT_EQ(identity.uri, "confide://user/analyst/a.khan");
  EXPECT_EQ(identity.role, "analyst");
  EXPECT_EQ(identity.name, "a.khan");
  EXPECT_EQ(identity.agency, "");
}

TEST(ParseIdentityTest, IgOfficerForm) {
  CONFIDE_ASSERT_OK_AND_ASSIGN(Identity identity, ParseIdentity("confide://user/ig/r.patel"));
  EXPECT_EQ(identity.kind, Identity::Kind::kUser);
  EXPECT_EQ(identity.role, "ig");
  EXPECT_EQ(identity.name, "r.patel");
}

TEST(ParseIdentityTest, SegmentsMayUseDigitsDotsDashesAndUnderscores) {
  CONFIDE_ASSERT_OK_AND_ASSIGN(Identity agent,
                               ParseIdentity("confide://agency/nw_ambulance-2/agent"));
  EXPECT_EQ(agent.agency, "nw_ambulance-2");
  CONFIDE_ASSERT_OK_AND_ASSIGN(Identity user, ParseIdentity("confide://user/analyst/j.smith_2"));
  EXPECT_EQ(user.name, "j.smith_2");
}

TEST(ParseIdentityTest, SegmentOfSixtyFourCharactersIsTheLongestAccepted) {
  std::string longest(64, 'a');
  EXPECT_THAT(ParseIdentity("confide://agency/" + longest + "/agent"), IsOk());
  EXPECT_THAT(ParseIdentity("confide://agency/" + longest + "a/agent"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseIdentity("confide://user/analyst/" + longest + "a"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

class MalformedIdentityTest : public ::testing::TestWithParam<const char*> {};

TEST_P(MalformedIdentityTest, IsInvalidArgumentNamingTheExpectedForms) {
  EXPECT_THAT(ParseIdentity(GetParam()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("confide://agency/<id>/agent or confide://user/<role>/<name>")));
}

INSTANTIATE_TEST_SUITE_P(
    AllShapes, MalformedIdentityTest,
    ::testing::Values(
        // Empty and scheme-only.
        "", "confide://", "confide:///", "confide:////",
        // Wrong scheme.
        "https://agency/merseyside-police/agent", "confide:/agency/merseyside-police/agent",
        "confide:agency/merseyside-police/agent", "CONFIDE://agency/merseyside-police/agent",
        "Confide://user/analyst/a.khan", "spiffe://agency/merseyside-police/agent",
        "agency/merseyside-police/agent", "//agency/merseyside-police/agent",
        // Upper case anywhere.
        "confide://Agency/merseyside-police/agent", "confide://agency/Merseyside-Police/agent",
        "confide://agency/merseyside-police/Agent", "confide://USER/analyst/a.khan",
        "confide://user/Analyst/a.khan", "confide://user/analyst/A.Khan",
        // Too few and too many segments.
        "confide://agency", "confide://agency/merseyside-police", "confide://user/analyst",
        "confide://agency/merseyside-police/agent/extra", "confide://user/analyst/a.khan/extra",
        "confide://user/analyst/a.khan/", "confide://agency/merseyside-police/agent/",
        // Empty segments.
        "confide:///merseyside-police/agent", "confide://agency//agent",
        "confide://agency/merseyside-police/", "confide://user//a.khan", "confide://user/analyst/",
        "confide://user///",
        // Unknown kinds and agent suffixes.
        "confide://org/merseyside-police/agent", "confide://agency/merseyside-police/user",
        "confide://agency/merseyside-police/agents", "confide://users/analyst/a.khan",
        // Characters outside [a-z0-9._-].
        "confide://agency/merseyside police/agent", "confide://user/analyst/a%2Ekhan",
        "confide://user/analyst/a.khan?x=1", "confide://user/analyst/a.khan#frag",
        "confide://user/analyst/a+khan", "confide://user/analyst/a@khan",
        "confide://user/analyst/sioбhan", "confide://user/analyst/siobh\xc3\xa1n",
        "confide://agency/merseyside\\police/agent",
        // Surrounding whitespace and control characters.
        " confide://user/analyst/a.khan", "confide://user/analyst/a.khan ",
        "confide://user/analyst/a.khan\n", "confide://user/analyst/a.khan\t",
        "confide://user/analyst/a\tkhan"));

TEST(ParseIdentityTest, EmbeddedNulIsRejected) {
  std::string uri("confide://user/analyst/a.khan\0x", 31);
  EXPECT_THAT(ParseIdentity(uri), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ParseIdentityTest, ShortInvalidInputIsEchoedSoTheOperatorCanSeeIt) {
  EXPECT_THAT(ParseIdentity("confide://agency/x"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("got 'confide://agency/x'")));
}

TEST(ParseIdentityTest, LongInputIsRejectedWithoutEchoingIt) {
  std::string uri = "confide://user/analyst/" + std::string(100000, 'a');
  absl::StatusOr<Identity> identity = ParseIdentity(uri);
  EXPECT_THAT(identity, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("(too long)")));
  EXPECT_LT(identity.status().message().size(), 300u);
  EXPECT_THAT(std::string(identity.status().message()), Not(HasSubstr(std::string(64, 'a'))));
}

TEST(ParseIdentityTest, WellShapedIdentityWithOverlongSegmentIsRejected) {
  // The right three segments, but the agency id is over the 64-character limit.
  std::string uri = "confide://agency/" + std::string(200, 'p') + "/agent";
  EXPECT_THAT(ParseIdentity(uri), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace confide
