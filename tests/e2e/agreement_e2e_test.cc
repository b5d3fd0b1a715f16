// End to end: agreement semantics. Each refusal is PERMISSION_DENIED with a reason naming the
// agreement or rule, and is audited with that rule.

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/harness.h"

namespace confide::e2e {
namespace {

using ::testing::HasSubstr;

class AgreementE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    hub_ = new HubProcess;
    MakeRunDir(dir_->path());
    // Permit `day` and `district` as dimensions so that the grain rules, not the list, decide.
    std::string policy = ReadFileOrDie(Path("policy.textpb"));
    WriteFileOrDie(Path("policy.textpb"),
                   absl::StrReplaceAll(policy, {{"dimensions: [\"borough\", \"ward\", ",
                                                 "dimensions: [\"borough\", \"ward\", \"day\", "
                                                 "\"district\", "}}));
    absl::Status started = hub_->Start(dir_->path());
    ASSERT_TRUE(started.ok()) << started;
    SetHubPort(dir_->path(), hub_->port());
    std::string police = ReadFileOrDie(Path("police-agent.textpb"));
    // The fire service's certificate with a mapping for the police dataset.
    WriteFileOrDie(Path("fire-as-police.textpb"),
                   absl::StrReplaceAll(
                       police, {{"agents/merseyside-police", "agents/merseyside-fire-rescue"}}));
  }
  static void TearDownTestSuite() {
    hub_->Stop();
    delete hub_;
    delete dir_;
  }
  static std::string Path(const std::string& name) { return dir_->path() + "/" + name; }

  static CommandResult Query(const std::string& config, const std::string& agreement,
                             const std::string& purpose, const std::string& sql) {
    return RunCommand({BinDir() + "/confide", "query", "--config", config, "--agreement", agreement,
                       "--purpose", purpose, sql},
                      dir_->path());
  }

  static void ExpectDeniedAndAudited(const CommandResult& result, const std::string& rule,
                                     const std::string& reason) {
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_THAT(result.err, HasSubstr(reason));
    EXPECT_THAT(result.err, HasSubstr(absl::StrCat("[rule ", rule, "]")));
    CommandResult audit = RunCommand({BinDir() + "/confide", "audit", "list", "--config",
                                      "ig.textpb", "--decision", "deny", "--format", "json"},
                                     dir_->path());
    ASSERT_EQ(audit.exit_code, 0) << audit.err;
    EXPECT_THAT(audit.out, HasSubstr(absl::StrCat("\"rule\":\"", rule, "\"")));
  }

  static TempDir* dir_;
  static HubProcess* hub_;
};

TempDir* AgreementE2eTest::dir_ = nullptr;
HubProcess* AgreementE2eTest::hub_ = nullptr;

TEST_F(AgreementE2eTest, AnalystOutsideTheAgreementIsDenied) {
  ExpectDeniedAndAudited(
      Query("analyst.textpb", "youth-violence-2026", "youth violence needs assessment",
            "SELECT borough, COUNT(*) FROM police_crime GROUP BY borough"),
      "query.not-a-member", "is not permitted to query under agreement 'youth-violence-2026'");
}

TEST_F(AgreementE2eTest, PurposeNotListedIsDenied) {
  ExpectDeniedAndAudited(Query("analyst.textpb", "svd-merseyside-2026", "marketing",
                               "SELECT borough, COUNT(*) FROM police_crime GROUP BY borough"),
                         "query.purpose-not-listed",
                         "purpose 'marketing' is not listed in agreement 'svd-merseyside-2026'");
}

TEST_F(AgreementE2eTest, TimeGrainFinerThanAllowedIsDenied) {
  ExpectDeniedAndAudited(Query("analyst.textpb", "svd-merseyside-2026", "hotspot analysis",
                               "SELECT day, COUNT(*) FROM police_crime GROUP BY day"),
                         "query.time-too-fine",
                         "dimension 'day' is finer than the month grain permitted by agreement "
                         "'svd-merseyside-2026'");
}

TEST_F(AgreementE2eTest, GeographyFinerThanAllowedIsDenied) {
  ExpectDeniedAndAudited(Query("analyst.textpb", "svd-merseyside-2026", "hotspot analysis",
                               "SELECT COUNT(*) FROM police_crime WHERE district = 'L8'"),
                         "query.geography-too-fine",
                         "dimension 'district' is finer than the ward level permitted by agreement "
                         "'svd-merseyside-2026'");
}

TEST_F(AgreementE2eTest, AgencyPushingADatasetItIsNotPartyToIsDenied) {
  WriteFileOrDie(Path("one.csv"),
                 "Crime Reference,Offence Code,Offence Group,Knife Flag,Firearm Flag,"
                 "Domestic Flag,Committed Date,Committed Time,Location Postcode,Victim Forename,"
                 "Victim Surname,Victim DOB,Victim Sex\n"
                 "MP/1,8/1,robbery,N,N,N,01/02/2025,10:00,L8 1AB,Ann,Lee,01/01/1990,F\n");
  ExpectDeniedAndAudited(
      RunCommand({BinDir() + "/confide-agent", "push", "--config", "fire-as-police.textpb",
                  "--dataset", "police_crime", "one.csv"},
                 dir_->path()),
      "push.not-a-party", "no agreement lets merseyside-fire-rescue contribute 'police_crime'");
}

TEST_F(AgreementE2eTest, QueryAcrossDatasetsNeedsOneAgreementCoveringAll) {
  // youth-violence-2026 covers police_crime and youth_justice but not ed_attendance.
  CommandResult result =
      RunCommand({BinDir() + "/confide", "query", "--config", "analyst.textpb", "--agreement",
                  "youth-violence-2026", "--purpose", "youth violence needs assessment",
                  "SELECT COUNT(*) FROM ed_attendance"},
                 dir_->path());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("youth-violence-2026"));
}

}  // namespace
}  // namespace confide::e2e

namespace confide::e2e {
namespace {

TEST(PolicyCheckCliTest, ExamplePolicyPrintsASummaryAnIgOfficerCanSignOff) {
  CommandResult result = RunCommand(
      {BinDir() + "/confide", "policy", "check", SourceDir() + "/deploy/policy/merseyside.textpb"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  for (const char* expected :
       {"Merseyside Police (merseyside-police) sends police_crime",
        "North West Ambulance Service NHS Trust (north-west-ambulance) sends ambulance_incident",
        "Wirral Metropolitan Borough Council (wirral-council) sends youth_justice",
        "Purposes: strategic needs assessment; hotspot analysis; evaluating interventions",
        "Who may see what: only confide://user/analyst/j.smith",
        "finest geography: ward; finest time: month", "counts of 1 to 10 are suppressed",
        "Reviewed by: 2027-09-30", "police_crime: purged 2190 days after the event",
        "used only for keyed match tokens, never sent: attendance_id, nhs_number"}) {
    EXPECT_THAT(result.out, ::testing::HasSubstr(expected));
  }
}

TEST(PolicyCheckCliTest, BrokenPolicyPrintsFileLineErrorsAndExitsOne) {
  TempDir dir;
  std::string policy = ReadFileOrDie(SourceDir() + "/deploy/policy/merseyside.textpb");
  WriteFileOrDie(
      dir.path() + "/broken.textpb",
      absl::StrReplaceAll(policy, {{"rounding_base: 10", "rounding_base: 0"},
                                   {"agency: \"sefton-council\"", "agency: \"sefton-counsel\""}}));
  CommandResult result =
      RunCommand({BinDir() + "/confide", "policy", "check", "broken.textpb"}, dir.path());
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err,
              ::testing::MatchesRegex("(.|\n)*broken.textpb:[0-9]+:[0-9]+: .*unknown agency "
                                      "'sefton-counsel'(.|\n)*"));
  EXPECT_THAT(result.err,
              ::testing::MatchesRegex("(.|\n)*broken.textpb:[0-9]+:[0-9]+: expected disclosure "
                                      "rounding_base >= 1, got 0(.|\n)*"));
  EXPECT_EQ(result.out, "");
}

}  // namespace
}  // namespace confide::e2e
