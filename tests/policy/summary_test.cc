#include "policy/summary.h"

#include <string>

#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "common/files.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/policy.h"
#include "tests/testing/status_matchers.h"

namespace confide::policy {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kExamplePolicy[] = CONFIDE_SOURCE_DIR "/deploy/policy/merseyside.textpb";

class SummaryTest : public ::testing::Test {
 protected:
  std::string Summarise(absl::CivilDay today) {
    absl::StatusOr<std::shared_ptr<const Policy>> policy = Policy::FromFile(kExamplePolicy, today);
    EXPECT_THAT(policy, ::confide::testing::IsOk());
    return policy.ok() ? SummarisePolicy(**policy) : "";
  }
};

TEST_F(SummaryTest, MentionsEveryAgency) {
  std::string summary = Summarise(absl::CivilDay(2026, 6, 1));
  for (const char* agency :
       {"merseyside-police", "liverpool-university-hospitals", "north-west-ambulance",
        "merseyside-fire-rescue", "liverpool-city-council", "knowsley-council", "sefton-council",
        "st-helens-council", "wirral-council", "Merseyside Police",
        "North West Ambulance Service NHS Trust"}) {
    EXPECT_THAT(summary, HasSubstr(agency));
  }
}

TEST_F(SummaryTest, MentionsEveryPurposeRetentionAndReviewDate) {
  std::string summary = Summarise(absl::CivilDay(2026, 6, 1));
  for (const char* purpose : {"strategic needs assessment", "hotspot analysis",
                              "evaluating interventions", "youth violence needs assessment"}) {
    EXPECT_THAT(summary, HasSubstr(purpose));
  }
  EXPECT_THAT(summary, HasSubstr("police_crime: 2190 days"));
  EXPECT_THAT(summary, HasSubstr("ed_attendance: 2190 days"));
  EXPECT_THAT(summary, HasSubstr("fire_incident: 2190 days"));
  EXPECT_THAT(summary, HasSubstr("police_crime: 1095 days"));
  EXPECT_THAT(summary, HasSubstr("2027-09-30"));
  EXPECT_THAT(summary, HasSubstr("2027-03-31"));
}

TEST_F(SummaryTest, StatesDisclosureControlInPlainWords) {
  std::string summary = Summarise(absl::CivilDay(2026, 6, 1));
  EXPECT_THAT(summary, HasSubstr("counts of 1 to 7 are suppressed"));
  EXPECT_THAT(summary, HasSubstr("rounded to the nearest 5"));
  EXPECT_THAT(summary, HasSubstr("counts of 1 to 10 are suppressed"));
  EXPECT_THAT(summary, HasSubstr("rounded to the nearest 10"));
}

TEST_F(SummaryTest, SaysWhoMaySeeWhat) {
  std::string summary = Summarise(absl::CivilDay(2026, 6, 1));
  EXPECT_THAT(summary, HasSubstr("only confide://user/analyst/j.smith"));
  EXPECT_THAT(summary, HasSubstr("every user with role analyst"));
  EXPECT_THAT(summary, HasSubstr("reads the audit log, never data"));
  EXPECT_THAT(summary, HasSubstr("finest geography: ward; finest time: month"));
}

TEST_F(SummaryTest, ListsIdentifiersAsNeverSent) {
  std::string summary = Summarise(absl::CivilDay(2026, 6, 1));
  EXPECT_THAT(summary, HasSubstr("never sent: crime_reference, victim_forename, victim_surname"));
  EXPECT_THAT(summary, HasSubstr("victim_dob -> age"));
  EXPECT_THAT(summary, HasSubstr("committed_at (to the hour)"));
  EXPECT_THAT(summary, HasSubstr("name_dob_sex: FORENAME + SURNAME + DATE_OF_BIRTH + SEX"));
}

TEST_F(SummaryTest, IncludesReviewWarningsWhenPastReview) {
  EXPECT_THAT(Summarise(absl::CivilDay(2026, 6, 1)), Not(HasSubstr("was due for review")));
  std::string late = Summarise(absl::CivilDay(2027, 4, 15));
  EXPECT_THAT(late, HasSubstr("agreement 'youth-violence-2026' was due for review on 2027-03-31"));
}

TEST_F(SummaryTest, ThresholdOfOneIsFlagged) {
  absl::StatusOr<std::string> text = ReadFile(kExamplePolicy);
  ASSERT_THAT(text, ::confide::testing::IsOk());
  std::string lax = absl::StrReplaceAll(*text, {{"threshold: 11", "threshold: 1"}});
  ASSERT_NE(lax, *text);
  absl::StatusOr<std::shared_ptr<const Policy>> policy =
      Policy::FromText(lax, "lax.textpb", absl::CivilDay(2026, 6, 1));
  ASSERT_THAT(policy, ::confide::testing::IsOk());
  EXPECT_THAT(SummarisePolicy(**policy), HasSubstr("WARNING: threshold 1 suppresses nothing"));
}

}  // namespace
}  // namespace confide::policy
