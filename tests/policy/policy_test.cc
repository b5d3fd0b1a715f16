#include "policy/policy.h"

#include <string>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace confide::policy {
namespace {

using ::confide::testing::IsOk;
using ::confide::testing::StatusIs;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

constexpr char kExamplePolicy[] = CONFIDE_SOURCE_DIR "/deploy/policy/merseyside.textpb";

class ExamplePolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::shared_ptr<const Policy>> loaded =
        Policy::FromFile(kExamplePolicy, absl::CivilDay(2026, 6, 1));
    ASSERT_THAT(loaded, IsOk());
    policy_ = *std::move(loaded);
  }
  std::shared_ptr<const Policy> policy_;
};

TEST_F(ExamplePolicyTest, LoadsWithoutWarnings) {
  EXPECT_THAT(policy_->warnings(), IsEmpty());
  EXPECT_EQ(policy_->proto().partnership(), "Merseyside Violence Reduction Partnership");
  EXPECT_EQ(policy_->proto().agencies_size(), 9);
  EXPECT_EQ(policy_->proto().agreements_size(), 3);
}

TEST_F(ExamplePolicyTest, VersionIsSixteenHexDigitsAndDependsOnText) {
  EXPECT_THAT(policy_->version(), ::testing::MatchesRegex("[0-9a-f]{16}"));
  absl::StatusOr<std::shared_ptr<const Policy>> again =
      Policy::FromFile(kExamplePolicy, absl::CivilDay(2026, 6, 1));
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ((*again)->version(), policy_->version());
}

TEST_F(ExamplePolicyTest, IndexesAgenciesUsersDatasetsAgreementsAndAreas) {
  const v1::Agency* police =
      policy_->FindAgencyByIdentity("confide://agency/merseyside-police/agent");
  ASSERT_NE(police, nullptr);
  EXPECT_EQ(police->id(), "merseyside-police");
  EXPECT_EQ(policy_->FindAgencyByIdentity("confide://agency/unknown/agent"), nullptr);
  EXPECT_EQ(policy_->FindAgencyByIdentity("merseyside-police"), nullptr);

  const v1::User* analyst = policy_->FindUser("confide://user/analyst/a.khan");
  ASSERT_NE(analyst, nullptr);
  EXPECT_EQ(analyst->role(), "analyst");
  EXPECT_EQ(policy_->FindUser("confide://user/ig/a.khan"), nullptr);

  ASSERT_NE(policy_->FindDataset("ed_attendance"), nullptr);
  EXPECT_EQ(policy_->FindDataset("prison_records"), nullptr);
  ASSERT_NE(policy_->FindAgreement("youth-violence-2026"), nullptr);
  EXPECT_EQ(policy_->FindAgreement("youth-violence"), nullptr);

  const v1::Area* l8 = policy_->FindArea("L8");
  ASSERT_NE(l8, nullptr);
  EXPECT_EQ(l8->ward(), "Riverside");
  EXPECT_EQ(l8->borough(), "Liverpool");
  EXPECT_EQ(policy_->FindArea("M1"), nullptr);
}

TEST_F(ExamplePolicyTest, SendableValuesExcludeIdentifiersAndEventTime) {
  const v1::Dataset* crime = policy_->FindDataset("police_crime");
  ASSERT_NE(crime, nullptr);
  EXPECT_THAT(policy_->SendableValues(*crime),
              UnorderedElementsAre("offence_code", "offence_group", "knife", "firearm", "domestic",
                                   "district", "age", "sex"));
}

TEST_F(ExamplePolicyTest, QueryableDimensionsAddDerivedTimeAreaAndAgeBand) {
  const v1::Dataset* crime = policy_->FindDataset("police_crime");
  ASSERT_NE(crime, nullptr);
  std::vector<std::string> dimensions = policy_->QueryableDimensions(*crime);
  for (const char* expected :
       {"ward", "borough", "age_band", "hour_of_week", "month", "district"}) {
    EXPECT_THAT(dimensions, Contains(expected));
  }
  for (const char* identifier : {"crime_reference", "victim_forename", "victim_surname",
                                 "victim_dob", "location_postcode"}) {
    EXPECT_THAT(dimensions, Not(Contains(identifier)));
  }
  EXPECT_EQ(policy_->AgeOutput(*crime), "age");
  const v1::Dataset* fire = policy_->FindDataset("fire_incident");
  ASSERT_NE(fire, nullptr);
  EXPECT_EQ(policy_->AgeOutput(*fire), "");
  EXPECT_THAT(policy_->QueryableDimensions(*fire), Not(Contains("age_band")));
}

TEST_F(ExamplePolicyTest, GeoLevels) {
  const v1::Dataset* crime = policy_->FindDataset("police_crime");
  ASSERT_NE(crime, nullptr);
  EXPECT_EQ(policy_->GeoLevelOfDimension(*crime, "district"), GeoLevel::kDistrict);
  EXPECT_EQ(policy_->GeoLevelOfDimension(*crime, "ward"), GeoLevel::kWard);
  EXPECT_EQ(policy_->GeoLevelOfDimension(*crime, "borough"), GeoLevel::kBorough);
  EXPECT_EQ(policy_->GeoLevelOfDimension(*crime, "knife"), GeoLevel::kNone);
  EXPECT_EQ(policy_->GeoLevelOfDimension(*crime, "location_postcode"), GeoLevel::kNone);
}

TEST(TimeGrainTest, GrainsOfDerivedDimensions) {
  EXPECT_EQ(GrainOfTimeDimension("year"), TimeGrain::kYear);
  EXPECT_EQ(GrainOfTimeDimension("financial_year"), TimeGrain::kYear);
  EXPECT_EQ(GrainOfTimeDimension("quarter"), TimeGrain::kQuarter);
  EXPECT_EQ(GrainOfTimeDimension("month"), TimeGrain::kMonth);
  EXPECT_EQ(GrainOfTimeDimension("week"), TimeGrain::kWeek);
  EXPECT_EQ(GrainOfTimeDimension("day"), TimeGrain::kDay);
  // Cyclic dimensions do not locate an event in calendar time.
  EXPECT_EQ(GrainOfTimeDimension("hour"), TimeGrain::kNone);
  EXPECT_EQ(GrainOfTimeDimension("weekday"), TimeGrain::kNone);
  EXPECT_EQ(GrainOfTimeDimension("hour_of_week"), TimeGrain::kNone);
  EXPECT_EQ(GrainOfTimeDimension("knife"), TimeGrain::kNone);
}

TEST(TimeGrainTest, ParseTimeGrainAndGeoLevel) {
  EXPECT_EQ(*ParseTimeGrain("hour"), TimeGrain::kHour);
  EXPECT_EQ(*ParseTimeGrain("quarter"), TimeGrain::kQuarter);
  EXPECT_THAT(ParseTimeGrain("fortnight"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("'fortnight'")));
  EXPECT_THAT(ParseTimeGrain(""), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(*ParseGeoLevel("ward"), GeoLevel::kWard);
  EXPECT_THAT(ParseGeoLevel("Ward"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_LT(TimeGrain::kDay, TimeGrain::kMonth);
  EXPECT_LT(GeoLevel::kDistrict, GeoLevel::kWard);
}

TEST(PolicyFromFileTest, MissingFileIsNotFound) {
  EXPECT_THAT(Policy::FromFile("/nonexistent/confide/policy.textpb", absl::CivilDay(2026, 6, 1)),
              StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace confide::policy
