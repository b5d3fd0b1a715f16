// Validation of policy text: every broken policy is a small textual edit of a minimal valid
// policy, and every error must point at the exact line and column of the offending text.

#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/policy.h"
#include "tests/testing/status_matchers.h"

namespace confide::policy {
namespace {

using ::confide::testing::IsOk;
using ::confide::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::StartsWith;

constexpr char kSource[] = "test.textpb";
const absl::CivilDay kToday(2026, 6, 1);

constexpr char kMinimalPolicy[] = R"policy(partnership: "Test partnership"
agencies { id: "police" name: "Police" identities: "confide://agency/police/agent" }
agencies { id: "hospital" name: "Hospital" identities: "confide://agency/hospital/agent" }
users { identity: "confide://user/analyst/ann" role: "analyst" }
users { identity: "confide://user/ig/iggy" role: "ig" }
datasets {
  id: "crime"
  event_time_field: "when"
  record_reference_field: "ref"
  location_field: "postcode"
  fields { name: "ref" type: STRING class: DIRECT_IDENTIFIER required: true }
  fields { name: "when" type: DATETIME class: ATTRIBUTE required: true }
  fields { name: "postcode" type: STRING class: QUASI_IDENTIFIER generalisation: POSTCODE_DISTRICT output_name: "district" }
  fields { name: "dob" type: DATE class: QUASI_IDENTIFIER generalisation: AGE_AT_EVENT output_name: "age" person_element: DATE_OF_BIRTH }
  fields { name: "surname" type: STRING class: DIRECT_IDENTIFIER person_element: SURNAME }
  fields { name: "knife" type: BOOLEAN class: ATTRIBUTE }
  fields { name: "group" type: ENUM class: ATTRIBUTE codes: ["robbery", "wounding"] }
}
linkage {
  match_keys { id: "surname_dob" elements: [SURNAME, DATE_OF_BIRTH] }
}
agreements {
  id: "isa"
  title: "Test agreement"
  lawful_basis: "public task"
  purposes: ["research"]
  contributions { agency: "police" datasets: ["crime"] }
  query_roles: ["analyst"]
  query_users: ["confide://user/analyst/ann"]
  dimensions: ["knife", "district", "month"]
  finest_geography: "district"
  finest_time: "month"
  disclosure { threshold: 8 rounding_base: 5 }
  retention { dataset: "crime" days: 365 }
  review_date: "2030-01-01"
}
reference {
  areas { code: "L8" ward: "Riverside" borough: "Liverpool" }
  populations { area: "Liverpool" population: 1000 }
}
)policy";

// Replaces the one occurrence of `from` in the minimal policy with `to`.
std::string Edit(const std::string& from, const std::string& to) {
  std::string text = kMinimalPolicy;
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "edit source not found: " << from;
  EXPECT_EQ(text.find(from, at + 1), std::string::npos) << "edit source not unique: " << from;
  if (at == std::string::npos) {
    return text;
  }
  return text.replace(at, from.size(), to);
}

// "test.textpb:LINE:COL:" for the first occurrence of `anchor` in `text` (1-based).
std::string LocationOf(const std::string& text, const std::string& anchor) {
  size_t at = text.find(anchor);
  EXPECT_NE(at, std::string::npos) << "anchor not found: " << anchor;
  if (at == std::string::npos) {
    return "(anchor not found)";
  }
  size_t line_start = text.rfind('\n', at);
  line_start = line_start == std::string::npos ? 0 : line_start + 1;
  int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
  int column = 1 + static_cast<int>(at - line_start);
  return absl::StrCat(kSource, ":", line, ":", column, ":");
}

// The line of `message` containing `fragment`, or "" if none does.
std::string LineContaining(absl::string_view message, const std::string& fragment) {
  for (absl::string_view line : absl::StrSplit(message, '\n')) {
    if (absl::StrContains(line, fragment)) {
      return std::string(line);
    }
  }
  return "";
}

TEST(PolicyValidationTest, MinimalPolicyIsValid) {
  absl::StatusOr<std::shared_ptr<const Policy>> policy =
      Policy::FromText(kMinimalPolicy, kSource, kToday);
  ASSERT_THAT(policy, IsOk());
  EXPECT_THAT((*policy)->warnings(), IsEmpty());
}

TEST(PolicyValidationTest, LocationHelperCountsFromOne) {
  EXPECT_EQ(LocationOf(kMinimalPolicy, "partnership"), "test.textpb:1:1:");
  EXPECT_EQ(LocationOf(kMinimalPolicy, "id: \"crime\""), "test.textpb:7:3:");
}

struct BrokenPolicy {
  std::string name;
  std::string from;      // text of the minimal policy to replace
  std::string to;        // replacement
  std::string anchor;    // first occurrence in the edited text is where the error must point
  std::string fragment;  // part of the error message
};

std::vector<BrokenPolicy> BrokenPolicies() {
  return {
      {"UnknownAgencyInContribution", "contributions { agency: \"police\"",
       "contributions { agency: \"nobody\"", "contributions {",
       "agreement 'isa' names unknown agency 'nobody'"},
      {"UnknownDatasetInContribution", "datasets: [\"crime\"] }", "datasets: [\"prisons\"] }",
       "datasets: [\"prisons\"]", "agreement 'isa' names unknown dataset 'prisons'"},
      {"UnknownDatasetSecondInList", "datasets: [\"crime\"] }",
       "datasets: [\"crime\", \"prisons\"] }", "datasets: [\"crime\", \"prisons\"]",
       "agreement 'isa' names unknown dataset 'prisons'"},
      {"UnknownQueryUser", "query_users: [\"confide://user/analyst/ann\"]",
       "query_users: [\"confide://user/analyst/bob\"]", "query_users",
       "agreement 'isa' names unknown user 'confide://user/analyst/bob'"},
      {"IgUserInQueryUsers", "query_users: [\"confide://user/analyst/ann\"]",
       "query_users: [\"confide://user/ig/iggy\"]", "query_users",
       "lets 'confide://user/ig/iggy' query but their role is 'ig'"},
      {"IgQueryRole", "query_roles: [\"analyst\"]", "query_roles: [\"ig\"]", "query_roles",
       "expected query role 'analyst', got 'ig'"},
      {"IgQueryRoleSecondInList", "query_roles: [\"analyst\"]",
       "query_roles: [\"analyst\", \"ig\"]", "query_roles",
       "expected query role 'analyst', got 'ig'"},
      {"DirectIdentifierAsDimension", "\"knife\", \"district\", \"month\"]",
       "\"knife\", \"district\", \"month\", \"surname\"]", "dimensions",
       "lists 'surname' as a dimension but it is an identifier"},
      {"RecordReferenceAsDimension", "\"knife\", \"district\", \"month\"]", "\"ref\"]",
       "dimensions", "lists 'ref' as a dimension but it is an identifier"},
      {"RawQuasiIdentifierAsDimension", "\"knife\", \"district\", \"month\"]", "\"dob\"]",
       "dimensions", "lists 'dob' as a dimension but it is an identifier"},
      {"UnknownDimension", "\"knife\", \"district\", \"month\"]", "\"colour\"]", "dimensions",
       "agreement 'isa' lists unknown dimension 'colour'"},
      {"ThresholdZero", "threshold: 8", "threshold: 0", "disclosure {",
       "expected disclosure threshold >= 1, got 0"},
      {"ThresholdNegative", "threshold: 8", "threshold: -3", "disclosure {",
       "expected disclosure threshold >= 1, got -3"},
      {"RoundingBaseZero", "rounding_base: 5", "rounding_base: 0", "disclosure {",
       "expected disclosure rounding_base >= 1, got 0"},
      {"MissingRetentionForContributedDataset", "  retention { dataset: \"crime\" days: 365 }\n",
       "", "agreements {", "agreement 'isa' sets no retention for dataset 'crime'"},
      {"RetentionForOtherDatasetOnly", "retention { dataset: \"crime\"",
       "retention { dataset: \"other\"", "agreements {",
       "agreement 'isa' sets no retention for dataset 'crime'"},
      {"RetentionDaysZero", "days: 365", "days: 0", "retention {",
       "expected retention days > 0 for 'crime', got 0"},
      {"ReviewDateWrongFormat", "review_date: \"2030-01-01\"", "review_date: \"01/01/2030\"",
       "review_date", "expected review_date as YYYY-MM-DD, got '01/01/2030'"},
      {"ReviewDateImpossibleMonth", "review_date: \"2030-01-01\"", "review_date: \"2030-13-01\"",
       "review_date", "expected review_date as YYYY-MM-DD, got '2030-13-01'"},
      {"ReviewDateImpossibleDay", "review_date: \"2030-01-01\"", "review_date: \"2030-02-30\"",
       "review_date", "expected review_date as YYYY-MM-DD, got '2030-02-30'"},
      {"ReviewDateMissing", "  review_date: \"2030-01-01\"\n", "", "agreements {",
       "expected review_date as YYYY-MM-DD, got ''"},
      {"AgencyIdentityForOtherAgency", "identities: \"confide://agency/police/agent\"",
       "identities: \"confide://agency/hospital/agent\"", "identities",
       "expected confide://agency/police/agent, got 'confide://agency/hospital/agent'"},
      {"AgencyIdentityIsAUser", "identities: \"confide://agency/police/agent\"",
       "identities: \"confide://user/analyst/ann\"", "identities",
       "expected confide://agency/police/agent, got 'confide://user/analyst/ann'"},
      {"AgencyIdentityMalformed", "identities: \"confide://agency/police/agent\"",
       "identities: \"confide://agency/Police/agent\"", "identities",
       "got 'confide://agency/Police/agent'"},
      {"DuplicateAgencyId",
       "agencies { id: \"hospital\" name: \"Hospital\" identities: "
       "\"confide://agency/hospital/agent\" }",
       "agencies { id: \"police\" name: \"Police 2\" identities: \"confide://agency/police/agent\" "
       "}",
       "id: \"police\" name: \"Police 2\"", "duplicate agency id 'police'"},
      {"DuplicateUser", "users { identity: \"confide://user/ig/iggy\" role: \"ig\" }",
       "users { identity: \"confide://user/analyst/ann\" role: \"analyst\" display_name: \"2\" }",
       "users { identity: \"confide://user/analyst/ann\" role: \"analyst\" display_name",
       "duplicate user 'confide://user/analyst/ann'"},
      {"DuplicateDataset", "linkage {",
       "datasets { id: \"crime\" event_time_field: \"when\" }\nlinkage {",
       "id: \"crime\" event_time_field", "duplicate dataset 'crime'"},
      {"DuplicateField", "fields { name: \"knife\"", "fields { name: \"surname\"",
       "fields { name: \"surname\" type: BOOLEAN", "duplicate field 'surname'"},
      {"DuplicateAgreement", "reference {",
       "agreements { id: \"isa\" lawful_basis: \"x\" purposes: \"y\" review_date: \"2030-01-01\" "
       "}\n"
       "reference {",
       "id: \"isa\" lawful_basis", "duplicate agreement 'isa'"},
      {"DuplicateMatchKey",
       "  match_keys { id: \"surname_dob\" elements: [SURNAME, DATE_OF_BIRTH] }\n",
       "  match_keys { id: \"surname_dob\" elements: [SURNAME, DATE_OF_BIRTH] }\n"
       "  match_keys { id: \"surname_dob\" elements: [SURNAME] }\n",
       "id: \"surname_dob\" elements: [SURNAME] }", "duplicate match key id 'surname_dob'"},
      {"MatchKeyWithoutElements", "elements: [SURNAME, DATE_OF_BIRTH]", "elements: []",
       "match_keys", "match key 'surname_dob' has no elements"},
      {"MatchKeyWithoutId", "match_keys { id: \"surname_dob\"", "match_keys { id: \"\"",
       "match_keys", "match key has no id"},
      {"MatchKeyRepeatsAnElement", "elements: [SURNAME, DATE_OF_BIRTH]",
       "elements: [SURNAME, DATE_OF_BIRTH, SURNAME]", "elements",
       "match key 'surname_dob' lists SURNAME twice"},
      {"MatchKeyRepeatsADerivedElement", "elements: [SURNAME, DATE_OF_BIRTH]",
       "elements: BIRTH_YEAR elements: SURNAME elements: BIRTH_YEAR", "elements: BIRTH_YEAR }",
       "match key 'surname_dob' lists BIRTH_YEAR twice"},
      {"MatchKeyWithUnspecifiedElement", "elements: [SURNAME, DATE_OF_BIRTH]",
       "elements: [SURNAME, PERSON_ELEMENT_UNSPECIFIED]", "elements",
       "match key 'surname_dob' has an unspecified element"},
      {"ExclusiveWeakMatchKey", "elements: [SURNAME, DATE_OF_BIRTH] }",
       "elements: [SURNAME, DATE_OF_BIRTH] weak: true exclusive: true }", "match_keys",
       "match key 'surname_dob' is both exclusive and weak"},
      {"DerivedElementOnAField", "person_element: SURNAME }", "person_element: SURNAME_PHONETIC }",
       "person_element: SURNAME_PHONETIC",
       "field 'surname' has person_element SURNAME_PHONETIC, which agents derive from SURNAME"},
      {"DerivedPostcodeDistrictOnAField", "person_element: SURNAME }",
       "person_element: POSTCODE_DISTRICT_OF_PERSON }", "person_element: POSTCODE_DISTRICT",
       "has person_element POSTCODE_DISTRICT_OF_PERSON, which agents derive from POSTCODE"},
      {"NegativeMaxRecordsPerToken", "linkage {\n", "linkage {\n  max_records_per_token: -1\n",
       "max_records_per_token", "expected max_records_per_token >= 0"},
      {"NicknameNameNotNormalised", "linkage {\n",
       "linkage {\n  nicknames { name: \"William\" variants: \"bill\" }\n", "name: \"William\"",
       "expected a nickname entry's name in lower-case letters a-z only"},
      {"NicknameVariantNotNormalised", "linkage {\n",
       "linkage {\n  nicknames { name: \"william\" variants: \"bill\" variants: \"Will\" }\n",
       "variants: \"Will\"", "expected nickname variants of 'william' in lower-case letters"},
      {"NicknameVariantWithASpace", "linkage {\n",
       "linkage {\n  nicknames { name: \"william\" variants: \"bill y\" }\n", "variants",
       "got 'bill y'"},
      {"NicknameVariantUnderTwoNames", "linkage {\n",
       "linkage {\n  nicknames { name: \"william\" variants: \"bill\" variants: \"will\" }\n"
       "  nicknames { name: \"wilbur\" variants: \"bill\" }\n",
       "variants: \"bill\" }", "nickname 'bill' is listed under both 'william' and 'wilbur'"},
      {"NicknameVariantIsAnotherName", "linkage {\n",
       "linkage {\n  nicknames { name: \"william\" variants: \"bill\" }\n"
       "  nicknames { name: \"bill\" variants: \"billy\" }\n",
       "variants: \"bill\"", "'bill' is listed as a variant of 'william' but is itself a name"},
      {"NicknameVariantIsItsOwnName", "linkage {\n",
       "linkage {\n  nicknames { name: \"william\" variants: \"william\" }\n",
       "variants: \"william\"", "'william' lists itself as a variant"},
      {"NicknameNameGivenTwice", "linkage {\n",
       "linkage {\n  nicknames { name: \"william\" variants: \"bill\" }\n"
       "  nicknames { name: \"william\" variants: \"will\" }\n",
       "name: \"william\" variants: \"will\"", "nicknames for 'william' are given in two entries"},
      {"DuplicateKeyVersion", "linkage {\n",
       "linkage {\n  key_versions: [\"2026-1\", \"2026-1\"]\n", "key_versions",
       "key version '2026-1' is listed twice"},
      {"EmptyKeyVersion", "linkage {\n", "linkage {\n  key_versions: \"\"\n", "key_versions",
       "key version is empty"},
      {"QuasiIdentifierWithoutGeneralisation", " generalisation: AGE_AT_EVENT", "",
       "fields { name: \"dob\"",
       "quasi-identifier 'dob' needs a generalisation and an output_name"},
      {"QuasiIdentifierWithoutOutputName", " output_name: \"age\"", "", "fields { name: \"dob\"",
       "quasi-identifier 'dob' needs a generalisation and an output_name"},
      {"GeneralisationOnAttribute", "class: ATTRIBUTE }",
       "class: ATTRIBUTE generalisation: AGE_BAND }", "fields { name: \"knife\"",
       "field 'knife' has a generalisation but is not a QUASI_IDENTIFIER"},
      {"LinkageFieldSentAsAttribute", "class: DIRECT_IDENTIFIER person_element: SURNAME",
       "class: ATTRIBUTE person_element: SURNAME", "fields { name: \"surname\"",
       "field 'surname' feeds linkage so it must be a DIRECT_IDENTIFIER or QUASI_IDENTIFIER"},
      {"EnumWithoutCodes", " codes: [\"robbery\", \"wounding\"]", "", "fields { name: \"group\"",
       "ENUM field 'group' lists no codes"},
      {"FieldWithoutClass", " class: ATTRIBUTE }", " }", "fields { name: \"knife\"",
       "field 'knife' has no class"},
      {"EventTimeFieldNotADate", "event_time_field: \"when\"", "event_time_field: \"knife\"",
       "event_time_field",
       "event_time_field must name a DATE or DATETIME field of 'crime', got 'knife'"},
      {"EventTimeFieldUnknown", "event_time_field: \"when\"", "event_time_field: \"at\"",
       "event_time_field",
       "event_time_field must name a DATE or DATETIME field of 'crime', got 'at'"},
      {"RecordReferenceNotADirectIdentifier", "record_reference_field: \"ref\"",
       "record_reference_field: \"knife\"", "record_reference_field",
       "record_reference_field must name a DIRECT_IDENTIFIER field"},
      {"LocationFieldNotAPostcodeDistrict", "location_field: \"postcode\"",
       "location_field: \"dob\"", "location_field",
       "location_field must name a QUASI_IDENTIFIER generalised to POSTCODE_DISTRICT"},
      {"DerivedNameUsedAsOutput", "output_name: \"district\"", "output_name: \"ward\"",
       "datasets {", "'ward' is derived by the hub and cannot be a field name"},
      {"UserRoleDoesNotMatchIdentity",
       "users { identity: \"confide://user/ig/iggy\" role: \"ig\" }",
       "users { identity: \"confide://user/ig/iggy\" role: \"analyst\" }", "role: \"analyst\" }\nd",
       "role 'analyst' does not match the identity's role 'ig'"},
      {"UserRoleUnknown", "users { identity: \"confide://user/ig/iggy\" role: \"ig\" }",
       "users { identity: \"confide://user/admin/iggy\" role: \"admin\" }", "role: \"admin\"",
       "expected role analyst or ig, got 'admin'"},
      {"UserIdentityIsAnAgent", "users { identity: \"confide://user/ig/iggy\"",
       "users { identity: \"confide://agency/police/agent\"", "identity: \"confide://agency/police",
       "expected confide://user/<role>/<name>, got 'confide://agency/police/agent'"},
      {"FinestTimeUnknown", "finest_time: \"month\"", "finest_time: \"fortnight\"", "finest_time",
       "expected finest_time hour, day, week, month, quarter or year, got 'fortnight'"},
      {"FinestGeographyUnknown", "finest_geography: \"district\"", "finest_geography: \"street\"",
       "finest_geography", "expected finest_geography district, ward or borough, got 'street'"},
      {"NoPurposes", "  purposes: [\"research\"]\n", "", "agreements {",
       "agreement 'isa' lists no purposes"},
      {"NoLawfulBasis", "  lawful_basis: \"public task\"\n", "", "agreements {",
       "agreement 'isa' states no lawful_basis"},
      {"DuplicateArea", "  populations {",
       "  areas { code: \"L8\" ward: \"Toxteth\" borough: \"Liverpool\" }\n  populations {",
       "areas { code: \"L8\" ward: \"Toxteth\"", "duplicate area 'L8'"},
      {"PopulationZero", "population: 1000", "population: 0", "populations {",
       "population must be positive"},
      // Syntax errors come from the protobuf parser and carry line:column too; it reports an
      // unknown name or enum value at the token that follows it.
      {"FieldNameTypo", "lawful_basis:", "lawfull_basis:", ": \"public task\"",
       "has no field named \"lawfull_basis\""},
      {"UnknownEnumValue", "class: ATTRIBUTE }", "class: ATTRIBUTES }",
       "}\n  fields { name: \"group\"", "Unknown enumeration value of \"ATTRIBUTES\""},
      {"StringWhereNumberExpected", "days: 365", "days: \"365\"", "\"365\"", "Expected integer"},
  };
}

// Names the row in test output instead of dumping its bytes.
void PrintTo(const BrokenPolicy& broken, std::ostream* os) { *os << broken.name; }

class BrokenPolicyTest : public ::testing::TestWithParam<BrokenPolicy> {};

TEST_P(BrokenPolicyTest, IsRejectedWithLineAndColumn) {
  const BrokenPolicy& broken = GetParam();
  std::string text = Edit(broken.from, broken.to);
  absl::StatusOr<std::shared_ptr<const Policy>> policy = Policy::FromText(text, kSource, kToday);
  ASSERT_THAT(policy, StatusIs(absl::StatusCode::kInvalidArgument)) << text;
  std::string line = LineContaining(policy.status().message(), broken.fragment);
  ASSERT_NE(line, "") << "no error contains \"" << broken.fragment << "\"; errors:\n"
                      << policy.status().message();
  EXPECT_THAT(line, StartsWith(LocationOf(text, broken.anchor) + " ")) << "all errors:\n"
                                                                       << policy.status().message();
}

INSTANTIATE_TEST_SUITE_P(Table, BrokenPolicyTest, ::testing::ValuesIn(BrokenPolicies()),
                         [](const ::testing::TestParamInfo<BrokenPolicy>& param_info) {
                           return param_info.param.name;
                         });

TEST(PolicyValidationTest, EveryErrorIsReportedOnItsOwnLine) {
  std::string text = Edit("threshold: 8 rounding_base: 5", "threshold: 0 rounding_base: 0");
  absl::StatusOr<std::shared_ptr<const Policy>> policy = Policy::FromText(text, kSource, kToday);
  ASSERT_THAT(policy, StatusIs(absl::StatusCode::kInvalidArgument));
  std::vector<std::string> lines = absl::StrSplit(policy.status().message(), '\n');
  ASSERT_THAT(lines, SizeIs(2));
  EXPECT_THAT(lines[0], HasSubstr("threshold"));
  EXPECT_THAT(lines[1], HasSubstr("rounding_base"));
  for (const std::string& error : lines) {
    EXPECT_THAT(error, StartsWith(LocationOf(text, "disclosure {")));
  }
}

TEST(PolicyValidationTest, ReviewDateInThePastIsAWarningNotAnError) {
  std::string text = Edit("review_date: \"2030-01-01\"", "review_date: \"2026-05-01\"");
  absl::StatusOr<std::shared_ptr<const Policy>> policy = Policy::FromText(text, kSource, kToday);
  ASSERT_THAT(policy, IsOk());
  ASSERT_THAT((*policy)->warnings(), SizeIs(1));
  const std::string& warning = (*policy)->warnings()[0];
  EXPECT_THAT(warning, StartsWith(LocationOf(text, "review_date") + " warning: "));
  EXPECT_THAT(warning, HasSubstr("agreement 'isa' was due for review on 2026-05-01"));
  EXPECT_THAT(warning, HasSubstr("30 days"));
}

TEST(PolicyValidationTest, ReviewDateTodayIsNotYetAWarning) {
  std::string text = Edit("review_date: \"2030-01-01\"", "review_date: \"2026-06-01\"");
  absl::StatusOr<std::shared_ptr<const Policy>> policy = Policy::FromText(text, kSource, kToday);
  ASSERT_THAT(policy, IsOk());
  EXPECT_THAT((*policy)->warnings(), IsEmpty());
}

TEST(PolicyValidationTest, MatchKeyNoDatasetCanProduceIsAWarning) {
  std::string text =
      Edit("  match_keys { id: \"surname_dob\" elements: [SURNAME, DATE_OF_BIRTH] }\n",
           "  match_keys { id: \"surname_dob\" elements: [SURNAME, DATE_OF_BIRTH] }\n"
           "  match_keys { id: \"initial_yob\" elements: FORENAME_INITIAL "
           "elements: BIRTH_YEAR }\n"
           "  match_keys { id: \"nhs\" elements: NHS_NUMBER }\n");
  absl::StatusOr<std::shared_ptr<const Policy>> policy = Policy::FromText(text, kSource, kToday);
  ASSERT_THAT(policy, IsOk());
  ASSERT_THAT((*policy)->warnings(), SizeIs(2));
  EXPECT_THAT((*policy)->warnings()[0],
              StartsWith(LocationOf(text, "elements: FORENAME_INITIAL") + " warning: "));
  EXPECT_THAT(
      (*policy)->warnings()[0],
      HasSubstr("match key 'initial_yob' can never be computed: no dataset has a field with "
                "person_element FORENAME (FORENAME_INITIAL is derived from it)"));
  EXPECT_THAT((*policy)->warnings()[1],
              AllOf(StartsWith(LocationOf(text, "elements: NHS_NUMBER") + " warning: "),
                    HasSubstr("person_element NHS_NUMBER")));
}

TEST(PolicyValidationTest, DerivedElementsWhoseSourceIsProvidedAreValid) {
  std::string text = Edit("elements: [SURNAME, DATE_OF_BIRTH]",
                          "elements: [SURNAME_PHONETIC, BIRTH_YEAR, DATE_OF_BIRTH_UNORDERED]");
  absl::StatusOr<std::shared_ptr<const Policy>> policy = Policy::FromText(text, kSource, kToday);
  ASSERT_THAT(policy, IsOk());
  EXPECT_THAT((*policy)->warnings(), IsEmpty());
}

TEST(PolicyValidationTest, FullLinkageSectionIsValid) {
  std::string text = Edit("linkage {\n", R"(linkage {
  key_versions: ["2026-1", "2026-2"]
  max_records_per_token: 0
  placeholder_values: ["Not Given", "1900-01-01"]
  nicknames { name: "william" variants: ["bill", "billy", "will"] }
  nicknames { name: "robert" variants: ["bob", "rob"] }
  match_keys { id: "strong" elements: [SURNAME, DATE_OF_BIRTH] exclusive: true }
  match_keys { id: "weak" elements: [SURNAME_PHONETIC, BIRTH_YEAR] weak: true }
)");
  absl::StatusOr<std::shared_ptr<const Policy>> policy = Policy::FromText(text, kSource, kToday);
  ASSERT_THAT(policy, IsOk());
  EXPECT_THAT((*policy)->warnings(), IsEmpty());
}

TEST(PolicyValidationTest, PolicyWithoutAgenciesIsRejected) {
  EXPECT_THAT(Policy::FromText("partnership: \"empty\"\n", kSource, kToday),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("declares no agencies")));
}

TEST(PolicyValidationTest, SourceNameLabelsErrors) {
  std::string text = Edit("threshold: 8", "threshold: 0");
  EXPECT_THAT(Policy::FromText(text, "/etc/confide/policy.textpb", kToday),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("/etc/confide/policy.textpb:33:3: ")));
}

}  // namespace
}  // namespace confide::policy
