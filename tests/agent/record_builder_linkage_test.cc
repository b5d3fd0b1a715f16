// Match-key tokens built from whole rows: the example policy's ed_attendance dataset and five-key
// linkage recipe, with a column mapping defined here. Expected tokens are computed directly from
// the token formula, so these tests pin the normalisation rules end to end.

#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "agent/pseudonymiser.h"
#include "agent/record_builder.h"
#include "common/crypto/hash.h"
#include "common/files.h"
#include "confide/v1/policy.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace confide::agent {
namespace {

using ::confide::testing::IsOk;
using ::testing::Contains;
using ::testing::Key;
using ::testing::Not;

constexpr char kPolicyFile[] = CONFIDE_SOURCE_DIR "/deploy/policy/merseyside.textpb";
const std::string kLinkageKey(32, '\x5a');
const std::string kNextLinkageKey(32, '\xa5');

enum Column {
  kId,
  kArrival,
  kIncidentPostcode,
  kMeans,
  kNhs,
  kForename,
  kSurname,
  kDob,
  kSex,
  kPatientPostcode,
  kColumns
};
const std::vector<std::string> kHeader = {
    "Attendance ID", "Arrival", "Incident Postcode", "Means", "NHS Number", "Forename", "Surname",
    "DOB",           "Sex",     "Patient Postcode"};

std::vector<std::string> FullRow() {
  std::vector<std::string> fields(kColumns);
  fields[kId] = "ED/2026/0001";
  fields[kArrival] = "14/02/2026 23:47";
  fields[kIncidentPostcode] = "L1 4AB";
  fields[kMeans] = "knife";
  fields[kNhs] = "943 476 5919";
  fields[kForename] = "Siobh\xc3\xa1n";
  fields[kSurname] = "O'Neill";
  fields[kDob] = "12/03/1990";
  fields[kSex] = "F";
  fields[kPatientPostcode] = "L8 1AB";
  return fields;
}

// The normalised values of FullRow, joined as each key's token input (names in sorted order).
const std::map<std::string, std::string> kFullRowValues = {
    {"nhs", "9434765919"},
    {"name_dob_sex", "oneill|siobhan|19900312|f"},
    {"phonetic_initial_dob", "o540|s|19900312"},
    {"name_yob_district", "oneill|siobhan|1990|l8"},
    {"name_dob_transposed", "oneill|siobhan|19900312"},
};

std::string ExpectedToken(const std::string& key, const std::string& key_id,
                          const std::string& value) {
  return crypto::HmacSha256(key, absl::StrCat(key_id, std::string(1, '\0'), value));
}

class RecordBuilderLinkageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> text = ReadFile(kPolicyFile);
    ASSERT_THAT(text, IsOk());
    v1::Policy policy;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(*text, &policy));
    for (const v1::Dataset& dataset : policy.datasets()) {
      if (dataset.id() == "ed_attendance") {
        dataset_ = dataset;
      }
    }
    ASSERT_EQ(dataset_.id(), "ed_attendance");
    recipe_ = policy.linkage();
    ASSERT_EQ(recipe_.match_keys_size(), 5);
    const char* fields[] = {"attendance_id",    "arrival_time",  "incident_postcode",
                            "means_of_assault", "nhs_number",    "forename",
                            "surname",          "date_of_birth", "sex",
                            "patient_postcode"};
    mapping_.set_dataset("ed_attendance");
    for (int i = 0; i < kColumns; ++i) {
      v1::ColumnMapping* column = mapping_.add_columns();
      column->set_field(fields[i]);
      column->set_column(kHeader[i]);
    }
    mapping_.mutable_columns(kArrival)->set_format("dd/mm/yyyy hh:mm");
    mapping_.mutable_columns(kDob)->set_format("dd/mm/yyyy");
    pseudonymiser_ = std::make_unique<Pseudonymiser>(kLinkageKey, "2026-1", recipe_);
  }

  // Builds the row, which must be accepted; returns the record.
  v1::WireRecord Build(const std::vector<std::string>& fields, Pseudonymiser& pseudonymiser) {
    absl::StatusOr<std::unique_ptr<RecordBuilder>> builder =
        RecordBuilder::Create(dataset_, mapping_, kHeader);
    EXPECT_THAT(builder, IsOk());
    v1::WireRecord record;
    if (!builder.ok()) {
      return record;
    }
    CsvRow row;
    row.record_number = 2;
    row.line_number = 2;
    row.fields = fields;
    std::vector<RowProblem> problems;
    EXPECT_TRUE((*builder)->Build(row, pseudonymiser, &record, &problems))
        << (problems.empty() ? "" : problems[0].column + ": " + problems[0].reason);
    return record;
  }

  // key id -> token, for a single-version record.
  std::map<std::string, std::string> Tokens(const std::vector<std::string>& fields) {
    std::map<std::string, std::string> tokens;
    const v1::WireRecord record = Build(fields, *pseudonymiser_);
    for (const v1::MatchToken& token : record.tokens()) {
      EXPECT_TRUE(tokens.emplace(token.key_id(), token.token()).second) << token.key_id();
    }
    return tokens;
  }

  v1::Dataset dataset_;
  v1::LinkageRecipe recipe_;
  v1::DatasetMapping mapping_;
  std::unique_ptr<Pseudonymiser> pseudonymiser_;
};

TEST_F(RecordBuilderLinkageTest, FullRecordCarriesEachOfTheFiveKeys) {
  std::map<std::string, std::string> tokens = Tokens(FullRow());
  ASSERT_EQ(tokens.size(), 5u);
  for (const auto& [key_id, value] : kFullRowValues) {
    ASSERT_TRUE(tokens.count(key_id)) << key_id;
    EXPECT_EQ(tokens[key_id], ExpectedToken(kLinkageKey, key_id, value)) << key_id;
  }
}

struct MissingElement {
  std::string name;
  Column column;
  std::string value;
  std::set<std::string> absent_keys;
};

void PrintTo(const MissingElement& missing, std::ostream* os) { *os << missing.name; }

class MissingElementTest : public RecordBuilderLinkageTest,
                           public ::testing::WithParamInterface<MissingElement> {};

TEST_P(MissingElementTest, DropsExactlyTheKeysThatNeedIt) {
  const MissingElement& missing = GetParam();
  std::vector<std::string> fields = FullRow();
  fields[missing.column] = missing.value;
  std::map<std::string, std::string> tokens = Tokens(fields);
  for (const auto& [key_id, value] : kFullRowValues) {
    if (missing.absent_keys.count(key_id)) {
      EXPECT_THAT(tokens, Not(Contains(Key(key_id))));
    } else {
      ASSERT_TRUE(tokens.count(key_id)) << key_id;
      EXPECT_EQ(tokens[key_id], ExpectedToken(kLinkageKey, key_id, value)) << key_id;
    }
  }
  EXPECT_EQ(tokens.size(), kFullRowValues.size() - missing.absent_keys.size());
}

const std::set<std::string> kNameKeys = {"name_dob_sex", "phonetic_initial_dob",
                                         "name_yob_district", "name_dob_transposed"};

INSTANTIATE_TEST_SUITE_P(
    Table, MissingElementTest,
    ::testing::Values(
        MissingElement{"NhsEmpty", kNhs, "", {"nhs"}},
        MissingElement{"NhsAllZeros", kNhs, "000 000 0000", {"nhs"}},
        MissingElement{"NhsAllNines", kNhs, "9999999999", {"nhs"}},
        MissingElement{"NhsBadCheckDigit", kNhs, "943 476 5918", {"nhs"}},
        MissingElement{"ForenameEmpty", kForename, "", kNameKeys},
        MissingElement{"ForenameUnknown", kForename, "Unknown", kNameKeys},
        MissingElement{"ForenameBaby", kForename, "Baby", kNameKeys},
        MissingElement{"SurnameEmpty", kSurname, "", kNameKeys},
        MissingElement{"SurnameNotApplicable", kSurname, "N/A", kNameKeys},
        MissingElement{"SurnameRepeatedLetter", kSurname, "XXXX", kNameKeys},
        MissingElement{"DobEmpty", kDob, "", kNameKeys},
        MissingElement{"Dob1900", kDob, "01/01/1900", kNameKeys},
        MissingElement{"DobAfterTheEvent", kDob, "15/02/2026", kNameKeys},
        MissingElement{"SexEmpty", kSex, "", {"name_dob_sex"}},
        MissingElement{"PostcodeEmpty", kPatientPostcode, "", {"name_yob_district"}},
        MissingElement{"PostcodeNoFixedAbode", kPatientPostcode, "ZZ99 3VZ", {"name_yob_district"}},
        MissingElement{"PostcodeNotAPostcode", kPatientPostcode, "NFA", {"name_yob_district"}}),
    [](const ::testing::TestParamInfo<MissingElement>& param_info) {
      return param_info.param.name;
    });

std::vector<std::string> WilliamSmith() {
  std::vector<std::string> fields = FullRow();
  fields[kForename] = "William";
  fields[kSurname] = "Smith";
  fields[kSex] = "M";
  return fields;
}

TEST_F(RecordBuilderLinkageTest, NicknamesTitlesAndSuffixesGiveEqualTokens) {
  const std::map<std::string, std::string> reference = Tokens(WilliamSmith());
  ASSERT_EQ(reference.size(), 5u);
  for (const auto& [forename, surname] : {std::pair<const char*, const char*>{"Bill", "Smith"},
                                          {"BILLY", "SMITH"},
                                          {"Mr Will", "Smith"},
                                          {"Dr William James", "Smith Jr"},
                                          {"Liam", "Mr. Smith"},
                                          {"William", "Smith III"}}) {
    std::vector<std::string> fields = WilliamSmith();
    fields[kForename] = forename;
    fields[kSurname] = surname;
    EXPECT_EQ(Tokens(fields), reference) << forename << " / " << surname;
  }
}

TEST_F(RecordBuilderLinkageTest, SwappedNamesGiveEqualNameTokens) {
  const std::map<std::string, std::string> reference = Tokens(FullRow());
  std::vector<std::string> swapped = FullRow();
  swapped[kForename] = "O'Neill";
  swapped[kSurname] = "Siobh\xc3\xa1n";
  std::map<std::string, std::string> tokens = Tokens(swapped);
  ASSERT_EQ(tokens.size(), 5u);
  for (const char* key : {"nhs", "name_dob_sex", "name_yob_district", "name_dob_transposed"}) {
    EXPECT_EQ(tokens[key], reference.at(key)) << key;
  }
  // The phonetic key is built from the surname field and the forename's initial: no swap.
  EXPECT_NE(tokens["phonetic_initial_dob"], reference.at("phonetic_initial_dob"));
}

TEST_F(RecordBuilderLinkageTest, DayMonthSwapMatchesOnlyTheTransposedKey) {
  const std::map<std::string, std::string> reference = Tokens(FullRow());
  std::vector<std::string> swapped = FullRow();
  swapped[kDob] = "03/12/1990";
  std::map<std::string, std::string> tokens = Tokens(swapped);
  ASSERT_EQ(tokens.size(), 5u);
  EXPECT_EQ(tokens["name_dob_transposed"], reference.at("name_dob_transposed"));
  EXPECT_EQ(tokens["name_yob_district"], reference.at("name_yob_district"));
  EXPECT_NE(tokens["name_dob_sex"], reference.at("name_dob_sex"));
  EXPECT_NE(tokens["phonetic_initial_dob"], reference.at("phonetic_initial_dob"));
}

TEST_F(RecordBuilderLinkageTest, SexSynonymsFromTheMappingCountForLinkage) {
  v1::ColumnMapping& sex = *mapping_.mutable_columns(kSex);
  (*sex.mutable_synonyms())["2"] = "f";
  std::vector<std::string> fields = FullRow();
  fields[kSex] = "2";
  EXPECT_EQ(Tokens(fields), Tokens(FullRow()));
}

TEST_F(RecordBuilderLinkageTest, DuringARotationEveryRecordCarriesBothVersions) {
  absl::StatusOr<std::unique_ptr<Pseudonymiser>> rotating = Pseudonymiser::Create(
      LinkageKeys{{{"2026-1", kLinkageKey}, {"2026-2", kNextLinkageKey}}, ""}, recipe_);
  ASSERT_THAT(rotating, IsOk());
  v1::WireRecord record = Build(FullRow(), **rotating);
  std::map<std::string, std::map<std::string, std::string>> by_version;
  for (const v1::MatchToken& token : record.tokens()) {
    by_version[token.key_version()][token.key_id()] = token.token();
  }
  ASSERT_EQ(record.tokens_size(), 10);
  ASSERT_EQ(by_version.size(), 2u);
  EXPECT_EQ(by_version["2026-1"], Tokens(FullRow()));
  for (const auto& [key_id, value] : kFullRowValues) {
    EXPECT_EQ(by_version["2026-2"][key_id], ExpectedToken(kNextLinkageKey, key_id, value));
    EXPECT_NE(by_version["2026-2"][key_id], by_version["2026-1"][key_id]);
  }
  // The record id is unchanged, so a re-push during the window replaces the earlier record.
  EXPECT_EQ(record.record_id(), Build(FullRow(), *pseudonymiser_).record_id());
}

// Every date format the data-lead guide offers, for a date of birth.
struct DobFormat {
  std::string name;
  std::string format;
  std::string text;
  std::string age;                // at the event, 14/02/2026
  bool same_as_reference = true;  // 12 March 1990
};

void PrintTo(const DobFormat& format, std::ostream* os) { *os << format.name; }

class DobFormatTest : public RecordBuilderLinkageTest,
                      public ::testing::WithParamInterface<DobFormat> {};

TEST_P(DobFormatTest, GivesTheDateOfBirthElementAndTheAge) {
  const DobFormat& dob = GetParam();
  const std::map<std::string, std::string> reference = Tokens(FullRow());
  mapping_.mutable_columns(kDob)->set_format(dob.format);
  std::vector<std::string> fields = FullRow();
  fields[kDob] = dob.text;
  v1::WireRecord record = Build(fields, *pseudonymiser_);
  EXPECT_EQ(record.values().at("age"), dob.age);
  std::map<std::string, std::string> tokens;
  for (const v1::MatchToken& token : record.tokens()) {
    tokens[token.key_id()] = token.token();
  }
  if (dob.same_as_reference) {
    EXPECT_EQ(tokens, reference);
  } else {
    EXPECT_EQ(tokens.size(), 5u);
    EXPECT_NE(tokens["name_dob_sex"], reference.at("name_dob_sex"));
  }
}

INSTANTIATE_TEST_SUITE_P(
    GuideFormats, DobFormatTest,
    ::testing::Values(DobFormat{"DdMmYyyy", "dd/mm/yyyy", "12/03/1990", "35"},
                      DobFormat{"MmDdYyyy", "mm/dd/yyyy", "03/12/1990", "35"},
                      DobFormat{"IsoDate", "yyyy-mm-dd", "1990-03-12", "35"},
                      DobFormat{"DdMmYyyyDashes", "dd-mm-yyyy", "12-03-1990", "35"},
                      DobFormat{"DdMmYyyyDots", "dd.mm.yyyy", "12.03.1990", "35"},
                      DobFormat{"Compact", "yyyymmdd", "19900312", "35"},
                      DobFormat{"TwoDigitYear", "dd/mm/yy", "12/03/90", "35"},
                      DobFormat{"ExcelSerial", "excel_serial", "32944", "35"},
                      DobFormat{"SingleDigitDayAndMonth", "dd/mm/yyyy", "1/6/1990", "35", false},
                      // 2029 would be after the event, so a two-digit 29 is 1929.
                      DobFormat{"TwoDigitYearBeforeThePivot", "dd/mm/yy", "12/03/29", "96", false},
                      DobFormat{"TwoDigitYearRecent", "dd/mm/yy", "12/03/25", "0", false}),
    [](const ::testing::TestParamInfo<DobFormat>& param_info) { return param_info.param.name; });

TEST_F(RecordBuilderLinkageTest, NoIdentifierValueAppearsInTheWireRecord) {
  v1::WireRecord record = Build(FullRow(), *pseudonymiser_);
  const std::string wire = record.SerializeAsString();
  for (const char* identifier : {"9434765919", "943 476 5919", "siobhan", "oneill", "19900312",
                                 "o540", "L81AB", "L8 1AB", "ED/2026/0001"}) {
    EXPECT_EQ(wire.find(identifier), std::string::npos) << identifier;
  }
  EXPECT_THAT(record.values(), Not(Contains(Key("nhs_number"))));
}

}  // namespace
}  // namespace confide::agent
