// Table-driven tests of Authorize() over the example Merseyside policy: every row states the
// decision, the exact rule id and a fragment of the reason that names the agreement or rule.

#include "policy/authorizer.h"

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "common/files.h"
#include "common/identity.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/policy.h"
#include "tests/testing/status_matchers.h"

namespace confide::policy {
namespace {

using ::testing::HasSubstr;

constexpr char kExamplePolicy[] = CONFIDE_SOURCE_DIR "/deploy/policy/merseyside.textpb";
const absl::CivilDay kToday(2026, 6, 1);
// Review dates in the example policy.
const absl::CivilDay kSvdReview(2027, 9, 30);
const absl::CivilDay kYouthReview(2027, 3, 31);

constexpr char kPolice[] = "confide://agency/merseyside-police/agent";
constexpr char kHospital[] = "confide://agency/liverpool-university-hospitals/agent";
constexpr char kFire[] = "confide://agency/merseyside-fire-rescue/agent";
constexpr char kAmbulance[] = "confide://agency/north-west-ambulance/agent";
constexpr char kCouncil[] = "confide://agency/liverpool-city-council/agent";
constexpr char kStrangerAgent[] = "confide://agency/greater-manchester-police/agent";
constexpr char kKhan[] = "confide://user/analyst/a.khan";
constexpr char kSmith[] = "confide://user/analyst/j.smith";
constexpr char kPatel[] = "confide://user/ig/r.patel";
constexpr char kMallory[] = "confide://user/analyst/mallory";

constexpr char kSvd[] = "svd-merseyside-2026";
constexpr char kYouth[] = "youth-violence-2026";
constexpr char kHotspot[] = "hotspot analysis";
constexpr char kYouthPurpose[] = "youth violence needs assessment";

using Strings = std::vector<std::string>;

// Which policy a row runs against.
enum class Variant {
  kExample,
  // The example with "district", "day" and "week" added to the svd agreement's dimensions, so
  // that the grain rules (not the dimension list) are what must refuse them.
  kWidened,
};

std::shared_ptr<const Policy> LoadPolicy(Variant variant) {
  absl::StatusOr<std::string> text = ReadFile(kExamplePolicy);
  if (!text.ok()) {
    ADD_FAILURE() << text.status();
    return nullptr;
  }
  if (variant == Variant::kWidened) {
    std::string widened = absl::StrReplaceAll(
        *text, {{"dimensions: [\"borough\", \"ward\", \"year\"",
                 "dimensions: [\"district\", \"day\", \"week\", \"borough\", \"ward\", \"year\""}});
    EXPECT_NE(widened, *text) << "the example policy's svd dimensions changed; update this test";
    text = widened;
  }
  absl::StatusOr<std::shared_ptr<const Policy>> policy =
      Policy::FromText(*text, kExamplePolicy, kToday);
  if (!policy.ok()) {
    ADD_FAILURE() << policy.status();
    return nullptr;
  }
  return *policy;
}

const Policy& PolicyFor(Variant variant) {
  static const std::shared_ptr<const Policy> example = LoadPolicy(Variant::kExample);
  static const std::shared_ptr<const Policy> widened = LoadPolicy(Variant::kWidened);
  const std::shared_ptr<const Policy>& policy = variant == Variant::kExample ? example : widened;
  if (policy == nullptr) {
    abort();  // already reported by LoadPolicy
  }
  return *policy;
}

Identity Who(const std::string& uri) {
  absl::StatusOr<Identity> identity = ParseIdentity(uri);
  if (!identity.ok()) {
    ADD_FAILURE() << identity.status();
    return Identity();
  }
  return *identity;
}

AccessRequest Request(const std::string& uri, Action action, Strings datasets = {}) {
  AccessRequest request;
  request.caller = Who(uri);
  request.action = action;
  request.datasets = std::move(datasets);
  return request;
}

AccessRequest Push(const std::string& uri, Strings datasets) {
  return Request(uri, Action::kPush, std::move(datasets));
}

AccessRequest Query(const std::string& uri, const std::string& agreement,
                    const std::string& purpose, Strings datasets, Strings dimensions) {
  AccessRequest request = Request(uri, Action::kQuery, std::move(datasets));
  request.agreement = agreement;
  request.purpose = purpose;
  request.dimensions = std::move(dimensions);
  return request;
}

struct Row {
  std::string name;
  Variant variant;
  AccessRequest request;
  absl::CivilDay today;
  bool allowed;
  std::string rule;
  std::string reason;  // fragment of Decision::reason
};

constexpr bool kAllow = true;
constexpr bool kDeny = false;
constexpr Variant kEx = Variant::kExample;
constexpr Variant kWide = Variant::kWidened;

std::vector<Row> Rows() {
  const Strings crime = {"police_crime"};
  return {
      // Agents contribute their own datasets, and only those.
      {"PolicePushesPoliceCrime", kEx, Push(kPolice, crime), kToday, kAllow,
       "push.party-contributes",
       "agreement 'svd-merseyside-2026' lets merseyside-police contribute police_crime"},
      {"PoliceReadsPoliceCrimeSchema", kEx, Request(kPolice, Action::kGetDataset, crime), kToday,
       kAllow, "push.party-contributes", "agreement 'svd-merseyside-2026'"},
      {"HospitalPushesEdAttendance", kEx, Push(kHospital, {"ed_attendance"}), kToday, kAllow,
       "push.party-contributes",
       "agreement 'svd-merseyside-2026' lets liverpool-university-hospitals contribute "
       "ed_attendance"},
      {"FirePushesFireIncident", kEx, Push(kFire, {"fire_incident"}), kToday, kAllow,
       "push.party-contributes", "lets merseyside-fire-rescue contribute fire_incident"},
      {"PolicePushesEdAttendance", kEx, Push(kPolice, {"ed_attendance"}), kToday, kDeny,
       "push.not-a-party", "no agreement lets merseyside-police contribute 'ed_attendance'"},
      {"HospitalPushesPoliceCrime", kEx, Push(kHospital, crime), kToday, kDeny, "push.not-a-party",
       "no agreement lets liverpool-university-hospitals contribute 'police_crime'"},
      {"HospitalReadsPoliceCrimeSchema", kEx, Request(kHospital, Action::kGetDataset, crime),
       kToday, kDeny, "push.not-a-party",
       "liverpool-university-hospitals contribute 'police_crime'"},
      {"AmbulanceInNoAgreementPushes", kEx, Push(kAmbulance, {"ed_attendance"}), kToday, kDeny,
       "push.not-a-party", "no agreement lets north-west-ambulance contribute 'ed_attendance'"},
      {"CouncilPushesFireIncident", kEx, Push(kCouncil, {"fire_incident"}), kToday, kDeny,
       "push.not-a-party", "no agreement lets liverpool-city-council contribute 'fire_incident'"},
      {"PolicePushesUndefinedDataset", kEx, Push(kPolice, {"prison_records"}), kToday, kDeny,
       "push.unknown-dataset", "dataset 'prison_records' is not defined in the policy"},
      {"PolicePushesTwoDatasets", kEx, Push(kPolice, {"police_crime", "ed_attendance"}), kToday,
       kDeny, "push.one-dataset", "exactly one dataset"},
      {"PolicePushesNoDataset", kEx, Push(kPolice, {}), kToday, kDeny, "push.one-dataset",
       "exactly one dataset"},
      {"UnknownAgentPushes", kEx, Push(kStrangerAgent, crime), kToday, kDeny,
       "identity.unknown-agent",
       "confide://agency/greater-manchester-police/agent is not listed for any agency"},
      {"UnknownAgentChecksHealth", kEx, Request(kStrangerAgent, Action::kHealth), kToday, kDeny,
       "identity.unknown-agent", "greater-manchester-police"},
      {"PoliceChecksHealth", kEx, Request(kPolice, Action::kHealth), kToday, kAllow,
       "health.known-identity", "any known identity may check health"},
      // Agents never query or read the audit log.
      {"PoliceQueries", kEx, Query(kPolice, kSvd, kHotspot, crime, {"borough"}), kToday, kDeny,
       "agent.no-query-or-audit",
       "they never query data or read the audit log (agency "
       "merseyside-police)"},
      {"PoliceReadsAudit", kEx, Request(kPolice, Action::kAuditRead), kToday, kDeny,
       "agent.no-query-or-audit", "(agency merseyside-police)"},
      // ...but agents witness the audit log: tree heads and consistency proofs, never events.
      {"PoliceWitnessesTreeHead", kEx, Request(kPolice, Action::kAuditTreeHead), kToday, kAllow,
       "audit.agent-witness", "may witness the audit log's signed tree heads"},
      {"HospitalChecksConsistency", kEx, Request(kHospital, Action::kAuditConsistency), kToday,
       kAllow, "audit.agent-witness", "may witness"},
      {"PoliceAsksForInclusionProof", kEx, Request(kPolice, Action::kAuditInclusion), kToday, kDeny,
       "agent.no-query-or-audit", "(agency merseyside-police)"},
      {"UnknownAgentWitnesses", kEx, Request(kStrangerAgent, Action::kAuditTreeHead), kToday, kDeny,
       "identity.unknown-agent", "greater-manchester-police"},
      {"HospitalQueries", kEx, Query(kHospital, kSvd, kHotspot, {"ed_attendance"}, {"borough"}),
       kToday, kDeny, "agent.no-query-or-audit", "liverpool-university-hospitals"},
      // Analysts under an agreement they belong to.
      {"KhanQueriesCrimeByBoroughAndMonth", kEx,
       Query(kKhan, kSvd, kHotspot, crime, {"borough", "month"}), kToday, kAllow,
       "query.agreement-permits",
       "agreement 'svd-merseyside-2026' permits this query for purpose 'hotspot analysis'"},
      {"KhanLinkedQueryAcrossCrimeAndEd", kEx,
       Query(kKhan, kSvd, "evaluating interventions", {"ed_attendance", "police_crime"},
             {"ward", "knife", "means_of_assault"}),
       kToday, kAllow, "query.agreement-permits", "purpose 'evaluating interventions'"},
      {"KhanCyclicHourOfWeekUnderMonthGrain", kEx,
       Query(kKhan, kSvd, kHotspot, crime, {"hour_of_week"}), kToday, kAllow,
       "query.agreement-permits", "agreement 'svd-merseyside-2026'"},
      {"KhanCyclicHourAndWeekday", kEx, Query(kKhan, kSvd, kHotspot, crime, {"hour", "weekday"}),
       kToday, kAllow, "query.agreement-permits", "agreement 'svd-merseyside-2026'"},
      {"KhanCoarserTimeGrains", kEx,
       Query(kKhan, kSvd, kHotspot, crime, {"year", "financial_year", "quarter"}), kToday, kAllow,
       "query.agreement-permits", "agreement 'svd-merseyside-2026'"},
      {"KhanDayNotListed", kEx, Query(kKhan, kSvd, kHotspot, crime, {"day"}), kToday, kDeny,
       "query.dimension-not-permitted",
       "agreement 'svd-merseyside-2026' does not permit dimension 'day'"},
      {"KhanWeekNotListed", kEx, Query(kKhan, kSvd, kHotspot, crime, {"month", "week"}), kToday,
       kDeny, "query.dimension-not-permitted", "does not permit dimension 'week'"},
      {"KhanDistrictNotListed", kEx, Query(kKhan, kSvd, kHotspot, crime, {"district"}), kToday,
       kDeny, "query.dimension-not-permitted", "does not permit dimension 'district'"},
      {"KhanIdentifierAsDimension", kEx, Query(kKhan, kSvd, kHotspot, crime, {"victim_surname"}),
       kToday, kDeny, "query.dimension-not-permitted",
       "does not permit dimension 'victim_surname'"},
      {"KhanOneUnlistedAmongListed", kEx,
       Query(kKhan, kSvd, kHotspot, crime, {"borough", "age", "month"}), kToday, kDeny,
       "query.dimension-not-permitted", "does not permit dimension 'age'"},
      {"KhanPurposeNotListed", kEx, Query(kKhan, kSvd, "marketing", crime, {"borough"}), kToday,
       kDeny, "query.purpose-not-listed",
       "purpose 'marketing' is not listed in agreement 'svd-merseyside-2026'"},
      {"KhanPurposeDiffersInCase", kEx, Query(kKhan, kSvd, "Hotspot Analysis", crime, {"borough"}),
       kToday, kDeny, "query.purpose-not-listed", "purpose 'Hotspot Analysis' is not listed"},
      {"KhanPurposeEmpty", kEx, Query(kKhan, kSvd, "", crime, {"borough"}), kToday, kDeny,
       "query.purpose-not-listed", "purpose '' is not listed in agreement 'svd-merseyside-2026'"},
      {"KhanPurposeOfAnotherAgreement", kEx, Query(kKhan, kSvd, kYouthPurpose, crime, {"borough"}),
       kToday, kDeny, "query.purpose-not-listed", "listed: strategic needs assessment"},
      {"KhanNotInYouthAgreement", kEx, Query(kKhan, kYouth, kYouthPurpose, crime, {"borough"}),
       kToday, kDeny, "query.not-a-member",
       "confide://user/analyst/a.khan is not permitted to query under agreement "
       "'youth-violence-2026'"},
      {"SmithInYouthAgreement", kEx,
       Query(kSmith, kYouth, kYouthPurpose, crime, {"borough", "quarter", "age_band", "knife"}),
       kToday, kAllow, "query.agreement-permits",
       "agreement 'youth-violence-2026' permits this query for purpose 'youth violence needs "
       "assessment'"},
      {"SmithQueriesSvdByRole", kEx, Query(kSmith, kSvd, kHotspot, crime, {"borough"}), kToday,
       kAllow, "query.agreement-permits", "agreement 'svd-merseyside-2026'"},
      {"SmithYouthDatasetNotCovered", kEx,
       Query(kSmith, kYouth, kYouthPurpose, {"ed_attendance"}, {"borough"}), kToday, kDeny,
       "query.dataset-not-covered",
       "agreement 'youth-violence-2026' does not cover dataset 'ed_attendance'"},
      {"SmithYouthLinkedToUncoveredDataset", kEx,
       Query(kSmith, kYouth, kYouthPurpose, {"police_crime", "fire_incident"}, {"borough"}), kToday,
       kDeny, "query.dataset-not-covered", "does not cover dataset 'fire_incident'"},
      {"SmithYouthMonthNotListed", kEx, Query(kSmith, kYouth, kYouthPurpose, crime, {"month"}),
       kToday, kDeny, "query.dimension-not-permitted",
       "agreement 'youth-violence-2026' does not permit dimension 'month'"},
      {"SmithYouthWardNotListed", kEx, Query(kSmith, kYouth, kYouthPurpose, crime, {"ward"}),
       kToday, kDeny, "query.dimension-not-permitted", "does not permit dimension 'ward'"},
      {"KhanUndefinedDataset", kEx, Query(kKhan, kSvd, kHotspot, {"prison_records"}, {"borough"}),
       kToday, kDeny, "query.dataset-not-covered",
       "agreement 'svd-merseyside-2026' does not cover dataset 'prison_records'"},
      {"KhanUnknownAgreement", kEx, Query(kKhan, "no-such-isa", kHotspot, crime, {"borough"}),
       kToday, kDeny, "query.unknown-agreement", "there is no agreement 'no-such-isa'"},
      {"KhanNoAgreement", kEx, Query(kKhan, "", kHotspot, crime, {"borough"}), kToday, kDeny,
       "query.unknown-agreement", "there is no agreement ''"},
      // Roles: IG reads audit, never data; analysts never read audit; users never push.
      {"IgReadsAudit", kEx, Request(kPatel, Action::kAuditRead), kToday, kAllow, "audit.ig-role",
       "IG officers read the audit log"},
      {"IgGetsTreeHead", kEx, Request(kPatel, Action::kAuditTreeHead), kToday, kAllow,
       "audit.ig-role", "IG officers"},
      {"IgGetsConsistencyProof", kEx, Request(kPatel, Action::kAuditConsistency), kToday, kAllow,
       "audit.ig-role", "IG officers"},
      {"IgGetsInclusionProof", kEx, Request(kPatel, Action::kAuditInclusion), kToday, kAllow,
       "audit.ig-role", "IG officers"},
      {"AnalystGetsTreeHead", kEx, Request(kKhan, Action::kAuditTreeHead), kToday, kDeny,
       "audit.ig-only", "has role analyst"},
      {"AnalystGetsInclusionProof", kEx, Request(kKhan, Action::kAuditInclusion), kToday, kDeny,
       "audit.ig-only", "has role analyst"},
      {"IgQueries", kEx, Query(kPatel, kSvd, kHotspot, crime, {"borough"}), kToday, kDeny,
       "query.analyst-only", "only analysts query data; confide://user/ig/r.patel has role ig"},
      {"AnalystReadsAudit", kEx, Request(kKhan, Action::kAuditRead), kToday, kDeny, "audit.ig-only",
       "only the ig role reads the audit log; confide://user/analyst/a.khan has role analyst"},
      {"AnalystPushes", kEx, Push(kKhan, crime), kToday, kDeny, "ingest.agents-only",
       "only agency agents contribute data; confide://user/analyst/a.khan is a user"},
      {"IgPushes", kEx, Push(kPatel, crime), kToday, kDeny, "ingest.agents-only",
       "confide://user/ig/r.patel is a user"},
      {"AnalystReadsDatasetSchema", kEx, Request(kKhan, Action::kGetDataset, crime), kToday, kDeny,
       "ingest.agents-only", "only agency agents contribute data"},
      {"AnalystChecksHealth", kEx, Request(kKhan, Action::kHealth), kToday, kAllow,
       "health.known-identity", "any known identity"},
      {"IgChecksHealth", kEx, Request(kPatel, Action::kHealth), kToday, kAllow,
       "health.known-identity", "any known identity"},
      {"UnknownUserChecksHealth", kEx, Request(kMallory, Action::kHealth), kToday, kDeny,
       "identity.unknown-user", "confide://user/analyst/mallory is not a user in the policy"},
      {"UnknownUserQueries", kEx, Query(kMallory, kSvd, kHotspot, crime, {"borough"}), kToday,
       kDeny, "identity.unknown-user", "confide://user/analyst/mallory is not a user"},
      {"AnalystNameWithIgRole", kEx, Request("confide://user/ig/a.khan", Action::kAuditRead),
       kToday, kDeny, "identity.unknown-user", "confide://user/ig/a.khan is not a user"},
      {"IgNameWithAnalystRole", kEx,
       Query("confide://user/analyst/r.patel", kSvd, kHotspot, crime, {"borough"}), kToday, kDeny,
       "identity.unknown-user", "confide://user/analyst/r.patel is not a user"},
      // Agreements stop being served 30 days after their review date.
      {"SmithYouthTenDaysAfterReview", kEx,
       Query(kSmith, kYouth, kYouthPurpose, crime, {"borough"}), kYouthReview + 10, kAllow,
       "query.agreement-permits", "agreement 'youth-violence-2026'"},
      {"SmithYouthLastDayOfGrace", kEx, Query(kSmith, kYouth, kYouthPurpose, crime, {"borough"}),
       kYouthReview + 30, kAllow, "query.agreement-permits", "agreement 'youth-violence-2026'"},
      {"SmithYouthPastGrace", kEx, Query(kSmith, kYouth, kYouthPurpose, crime, {"borough"}),
       kYouthReview + 31, kDeny, "agreement.past-review",
       "agreement 'youth-violence-2026' is past its review date (2027-03-31) and grace period"},
      {"SmithYouthLongPastGraceWithBadPurpose", kEx,
       Query(kSmith, kYouth, "marketing", crime, {"borough"}), kYouthReview + 400, kDeny,
       "agreement.past-review", "agreement 'youth-violence-2026'"},
      {"SmithSvdServedWhileYouthLapsed", kEx, Query(kSmith, kSvd, kHotspot, crime, {"borough"}),
       kYouthReview + 31, kAllow, "query.agreement-permits", "agreement 'svd-merseyside-2026'"},
      {"KhanSvdTenDaysAfterReview", kEx, Query(kKhan, kSvd, kHotspot, crime, {"borough"}),
       kSvdReview + 10, kAllow, "query.agreement-permits", "agreement 'svd-merseyside-2026'"},
      {"KhanSvdPastGrace", kEx, Query(kKhan, kSvd, kHotspot, crime, {"borough"}),
       kSvdReview + 30 + 1, kDeny, "agreement.past-review",
       "agreement 'svd-merseyside-2026' is past its review date (2027-09-30)"},
      {"PolicePushFallsBackToSvdWhileYouthLapsed", kEx, Push(kPolice, crime), kYouthReview + 31,
       kAllow, "push.party-contributes", "agreement 'svd-merseyside-2026' lets merseyside-police"},
      {"PolicePushWhenEveryAgreementLapsed", kEx, Push(kPolice, crime), kSvdReview + 31, kDeny,
       "agreement.past-review",
       "agreement 'svd-merseyside-2026', 'youth-violence-2026', 'svd-merseyside-open-2026' is past "
       "its review date and grace period"},
      {"HospitalPushTenDaysAfterReview", kEx, Push(kHospital, {"ed_attendance"}), kSvdReview + 10,
       kAllow, "push.party-contributes", "agreement 'svd-merseyside-2026'"},
      {"HospitalPushPastGrace", kEx, Push(kHospital, {"ed_attendance"}), kSvdReview + 31, kDeny,
       "agreement.past-review",
       "agreement 'svd-merseyside-2026', 'svd-merseyside-open-2026' is past its review date"},
      {"LapsedAgreementStillRefusesNonMembers", kEx,
       Query(kKhan, kYouth, kYouthPurpose, crime, {"borough"}), kYouthReview + 31, kDeny,
       "query.not-a-member", "not permitted to query under agreement 'youth-violence-2026'"},
      // With the dimensions listed, the grain rules must still refuse what is too fine.
      {"WidenedDayTooFineUnderMonthGrain", kWide, Query(kKhan, kSvd, kHotspot, crime, {"day"}),
       kToday, kDeny, "query.time-too-fine",
       "dimension 'day' is finer than the month grain permitted by agreement "
       "'svd-merseyside-2026'"},
      {"WidenedWeekTooFineUnderMonthGrain", kWide,
       Query(kKhan, kSvd, kHotspot, crime, {"borough", "week"}), kToday, kDeny,
       "query.time-too-fine", "dimension 'week' is finer than the month grain"},
      {"WidenedMonthAllowed", kWide, Query(kKhan, kSvd, kHotspot, crime, {"month"}), kToday, kAllow,
       "query.agreement-permits", "agreement 'svd-merseyside-2026'"},
      {"WidenedCyclicHourOfWeekAllowed", kWide,
       Query(kKhan, kSvd, kHotspot, crime, {"hour_of_week", "hour"}), kToday, kAllow,
       "query.agreement-permits", "agreement 'svd-merseyside-2026'"},
      {"WidenedDistrictTooFineUnderWard", kWide, Query(kKhan, kSvd, kHotspot, crime, {"district"}),
       kToday, kDeny, "query.geography-too-fine",
       "dimension 'district' is finer than the ward level permitted by agreement "
       "'svd-merseyside-2026'"},
      {"WidenedDistrictTooFineOnLinkedQuery", kWide,
       Query(kKhan, kSvd, kHotspot, {"ed_attendance", "fire_incident"}, {"ward", "district"}),
       kToday, kDeny, "query.geography-too-fine", "dimension 'district' is finer than the ward"},
      {"WidenedWardAllowed", kWide, Query(kKhan, kSvd, kHotspot, crime, {"ward", "borough"}),
       kToday, kAllow, "query.agreement-permits", "agreement 'svd-merseyside-2026'"},
  };
}

// Names the row in test output instead of dumping its bytes.
void PrintTo(const Row& row, std::ostream* os) { *os << row.name; }

class AuthorizeTableTest : public ::testing::TestWithParam<Row> {};

TEST_P(AuthorizeTableTest, DecidesWithRuleAndReason) {
  const Row& row = GetParam();
  Decision decision = Authorize(PolicyFor(row.variant), row.request, row.today);
  EXPECT_EQ(decision.allowed, row.allowed) << decision.rule << ": " << decision.reason;
  EXPECT_EQ(decision.rule, row.rule) << decision.reason;
  EXPECT_THAT(decision.reason, HasSubstr(row.reason));
}

INSTANTIATE_TEST_SUITE_P(ExamplePolicy, AuthorizeTableTest, ::testing::ValuesIn(Rows()),
                         [](const ::testing::TestParamInfo<Row>& param_info) {
                           return param_info.param.name;
                         });

TEST(AuthorizeTest, TableIsLargeEnoughAndCoversBothOutcomes) {
  std::vector<Row> rows = Rows();
  int allowed = 0;
  for (const Row& row : rows) {
    allowed += row.allowed ? 1 : 0;
  }
  EXPECT_GE(rows.size(), 45u);
  EXPECT_GE(allowed, 10);
  EXPECT_GE(static_cast<int>(rows.size()) - allowed, 10);
}

TEST(AuthorizeTest, AgentDecisionsNameTheCallersAgency) {
  const Policy& policy = PolicyFor(Variant::kExample);
  EXPECT_EQ(Authorize(policy, Push(kPolice, {"police_crime"}), kToday).agency, "merseyside-police");
  EXPECT_EQ(Authorize(policy, Push(kPolice, {"ed_attendance"}), kToday).agency,
            "merseyside-police");
  EXPECT_EQ(Authorize(policy, Request(kFire, Action::kHealth), kToday).agency,
            "merseyside-fire-rescue");
  EXPECT_EQ(Authorize(policy, Request(kFire, Action::kAuditRead), kToday).agency,
            "merseyside-fire-rescue");
  EXPECT_EQ(Authorize(policy, Push(kStrangerAgent, {"police_crime"}), kToday).agency, "");
  EXPECT_EQ(Authorize(policy, Request(kKhan, Action::kHealth), kToday).agency, "");
}

TEST(AuthorizeTest, DefaultRequestIsDeniedForUnknownCaller) {
  Decision decision = Authorize(PolicyFor(Variant::kExample), AccessRequest(), kToday);
  EXPECT_FALSE(decision.allowed);
  EXPECT_FALSE(decision.rule.empty());
  EXPECT_FALSE(decision.reason.empty());
}

TEST(AuthorizeTest, ActionNamesAreStable) {
  EXPECT_EQ(ActionName(Action::kPush), "Ingest.Push");
  EXPECT_EQ(ActionName(Action::kGetDataset), "Ingest.GetDataset");
  EXPECT_EQ(ActionName(Action::kQuery), "Query.Run");
  EXPECT_EQ(ActionName(Action::kAuditRead), "Audit.List");
  EXPECT_EQ(ActionName(Action::kHealth), "Admin.Health");
  EXPECT_EQ(ActionName(Action::kAuditTreeHead), "Audit.GetTreeHead");
  EXPECT_EQ(ActionName(Action::kAuditConsistency), "Audit.GetConsistencyProof");
  EXPECT_EQ(ActionName(Action::kAuditInclusion), "Audit.GetInclusionProof");
}

}  // namespace
}  // namespace confide::policy
