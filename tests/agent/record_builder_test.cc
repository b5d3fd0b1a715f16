// RecordBuilder over the example policy's police_crime dataset and the demo police agent's
// column mapping, both parsed from the files the project ships.

#include "agent/record_builder.h"

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "agent/pseudonymiser.h"
#include "common/files.h"
#include "confide/v1/config.pb.h"
#include "confide/v1/policy.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace confide::agent {
namespace {

using ::confide::testing::IsOk;
using ::confide::testing::StatusIs;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Key;
using ::testing::Not;
using ::testing::Pair;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

constexpr char kPolicyFile[] = CONFIDE_SOURCE_DIR "/deploy/policy/merseyside.textpb";
constexpr char kAgentFile[] = CONFIDE_SOURCE_DIR "/deploy/demo/police-agent.textpb";
const std::string kLinkageKey(32, '\x5a');

// Deliberately not in the mapping's order: positions come from the header.
const std::vector<std::string> kHeader = {
    "Victim Forename", "Victim Surname", "Victim DOB",     "Victim Sex",     "Crime Reference",
    "Offence Code",    "Offence Group",  "Committed Date", "Committed Time", "Location Postcode",
    "Knife Flag",      "Firearm Flag",   "Domestic Flag",  "Victim Postcode"};
// Positions in kHeader.
enum Column {
  kForename,
  kSurname,
  kDob,
  kSex,
  kReference,
  kOffenceCode,
  kOffenceGroup,
  kDate,
  kTime,
  kPostcode,
  kKnife,
  kFirearm,
  kDomestic,
  kVictimPostcode,
  kColumns
};

// A good row; every direct identifier in it is checked for absence from the output.
std::vector<std::string> GoodFields() {
  std::vector<std::string> fields(kColumns);
  fields[kForename] = "Siobh\xc3\xa1n";
  fields[kSurname] = "O'Neill";
  fields[kDob] = "12/03/1990";
  fields[kSex] = "F";
  fields[kReference] = "CR/2026/000123";
  fields[kOffenceCode] = "8N";
  fields[kOffenceGroup] = "wounding_gbh";
  fields[kDate] = "14/02/2026";
  fields[kTime] = "23:47";
  fields[kPostcode] = "L8 1AB";
  fields[kKnife] = "Y";
  fields[kFirearm] = "N";
  fields[kDomestic] = "no";
  fields[kVictimPostcode] = "L17 2AB";
  return fields;
}

CsvRow Row(std::vector<std::string> fields) {
  CsvRow row;
  row.record_number = 2;
  row.line_number = 2;
  row.fields = std::move(fields);
  return row;
}

int64_t SecondsSinceEpoch(absl::CivilSecond time) { return time - absl::CivilSecond(1970, 1, 1); }

class RecordBuilderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> policy_text = ReadFile(kPolicyFile);
    ASSERT_THAT(policy_text, IsOk());
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(*policy_text, &policy_));
    for (const v1::Dataset& dataset : policy_.datasets()) {
      if (dataset.id() == "police_crime") {
        dataset_ = dataset;
      }
    }
    ASSERT_EQ(dataset_.id(), "police_crime");
    absl::StatusOr<std::string> agent_text = ReadFile(kAgentFile);
    ASSERT_THAT(agent_text, IsOk());
    v1::AgentConfig agent;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(*agent_text, &agent));
    ASSERT_EQ(agent.datasets_size(), 1);
    mapping_ = agent.datasets(0);
    ASSERT_EQ(mapping_.dataset(), "police_crime");
    // The victim's home postcode feeds the name_yob_district key; map it whatever the demo does.
    bool postcode_mapped = false;
    for (const v1::ColumnMapping& column : mapping_.columns()) {
      postcode_mapped = postcode_mapped || column.field() == "victim_postcode";
    }
    if (!postcode_mapped) {
      v1::ColumnMapping* column = mapping_.add_columns();
      column->set_field("victim_postcode");
      column->set_column("Victim Postcode");
    }
    pseudonymiser_ = std::make_unique<Pseudonymiser>(kLinkageKey, "2026-1", policy_.linkage());
  }

  std::unique_ptr<RecordBuilder> MakeBuilder() {
    absl::StatusOr<std::unique_ptr<RecordBuilder>> builder =
        RecordBuilder::Create(dataset_, mapping_, kHeader);
    EXPECT_THAT(builder, IsOk());
    return builder.ok() ? *std::move(builder) : nullptr;
  }

  v1::ColumnMapping* MappingFor(const std::string& field) {
    for (v1::ColumnMapping& column : *mapping_.mutable_columns()) {
      if (column.field() == field) {
        return &column;
      }
    }
    ADD_FAILURE() << "no mapping for " << field;
    return nullptr;
  }

  void Unmap(const std::string& field) {
    auto* columns = mapping_.mutable_columns();
    for (int i = 0; i < columns->size(); ++i) {
      if (columns->Get(i).field() == field) {
        columns->DeleteSubrange(i, 1);
        return;
      }
    }
    ADD_FAILURE() << "no mapping for " << field;
  }

  // Builds one row that must fail; returns its problems.
  std::vector<RowProblem> Problems(const std::vector<std::string>& fields) {
    std::unique_ptr<RecordBuilder> builder = MakeBuilder();
    std::vector<RowProblem> problems;
    if (builder == nullptr) {
      return problems;
    }
    v1::WireRecord record;
    EXPECT_FALSE(builder->Build(Row(fields), *pseudonymiser_, &record, &problems));
    EXPECT_THAT(problems, Not(IsEmpty()));
    return problems;
  }

  v1::Policy policy_;
  v1::Dataset dataset_;
  v1::DatasetMapping mapping_;
  std::unique_ptr<Pseudonymiser> pseudonymiser_;
};

MATCHER_P2(ProblemIs, column, reason_fragment, "") {
  return arg.column == column && absl::StrContains(arg.reason, reason_fragment);
}

std::string Describe(const std::vector<RowProblem>& problems) {
  std::vector<std::string> lines;
  for (const RowProblem& problem : problems) {
    lines.push_back(problem.column + ": " + problem.reason);
  }
  return absl::StrJoin(lines, "\n");
}

// ---- Create ----

TEST_F(RecordBuilderTest, CreateAcceptsTheDemoMapping) { EXPECT_NE(MakeBuilder(), nullptr); }

TEST_F(RecordBuilderTest, CreateRejectsUnmappedRequiredField) {
  Unmap("offence_group");
  EXPECT_THAT(RecordBuilder::Create(dataset_, mapping_, kHeader),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("field 'offence_group' of 'police_crime' is required but not "
                                 "mapped to a column")));
}

TEST_F(RecordBuilderTest, CreateRejectsUnmappedRecordReferenceAndEventTime) {
  v1::DatasetMapping full = mapping_;
  Unmap("crime_reference");
  EXPECT_THAT(RecordBuilder::Create(dataset_, mapping_, kHeader),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("'crime_reference'")));
  mapping_ = full;
  Unmap("committed_at");
  EXPECT_THAT(RecordBuilder::Create(dataset_, mapping_, kHeader),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("'committed_at'")));
}

TEST_F(RecordBuilderTest, CreateAllowsUnmappedOptionalField) {
  Unmap("firearm");
  std::unique_ptr<RecordBuilder> builder = MakeBuilder();
  ASSERT_NE(builder, nullptr);
  v1::WireRecord record;
  std::vector<RowProblem> problems;
  ASSERT_TRUE(builder->Build(Row(GoodFields()), *pseudonymiser_, &record, &problems))
      << Describe(problems);
  EXPECT_THAT(record.values(), Not(Contains(Key("firearm"))));
}

TEST_F(RecordBuilderTest, CreateRejectsColumnMissingFromHeaderAndListsTheHeader) {
  std::vector<std::string> header = kHeader;
  header.erase(header.begin() + kKnife);
  EXPECT_THAT(RecordBuilder::Create(dataset_, mapping_, header),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("column 'Knife Flag' (for field 'knife') is not in the "
                                       "file's header"),
                             HasSubstr("the header has: " + absl::StrJoin(header, ", ")))));
}

TEST_F(RecordBuilderTest, AnOptionalColumnMayBeMissingFromTheExport) {
  // The demo mapping marks Victim Postcode optional: older police exports leave it out.
  std::vector<std::string> header = kHeader;
  header.erase(header.begin() + kVictimPostcode);
  absl::StatusOr<std::unique_ptr<RecordBuilder>> builder =
      RecordBuilder::Create(dataset_, mapping_, header);
  ASSERT_TRUE(builder.ok()) << builder.status();
  // The same column, no longer optional, is required to be there.
  for (v1::ColumnMapping& column : *mapping_.mutable_columns()) {
    if (column.column() == "Victim Postcode") {
      EXPECT_TRUE(column.optional());
      column.set_optional(false);
    }
  }
  EXPECT_THAT(RecordBuilder::Create(dataset_, mapping_, header),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("column 'Victim Postcode' (for field 'victim_postcode')")));
}

TEST_F(RecordBuilderTest, CreateRejectsTimeColumnMissingFromHeader) {
  std::vector<std::string> header = kHeader;
  header.erase(header.begin() + kTime);
  EXPECT_THAT(RecordBuilder::Create(dataset_, mapping_, header),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("time column 'Committed Time'"),
                             HasSubstr("the header has: Victim Forename"))));
}

TEST_F(RecordBuilderTest, CreateRejectsDateWithoutFormat) {
  MappingFor("victim_dob")->clear_format();
  EXPECT_THAT(
      RecordBuilder::Create(dataset_, mapping_, kHeader),
      StatusIs(absl::StatusCode::kInvalidArgument, AllOf(HasSubstr("field 'victim_dob' is a date"),
                                                         HasSubstr("formats are never guessed"))));
}

TEST_F(RecordBuilderTest, CreateRejectsEventTimeWithoutFormat) {
  MappingFor("committed_at")->clear_format();
  EXPECT_THAT(
      RecordBuilder::Create(dataset_, mapping_, kHeader),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("field 'committed_at' is a date")));
}

TEST_F(RecordBuilderTest, CreateRejectsMappingOfUnknownField) {
  v1::ColumnMapping* extra = mapping_.add_columns();
  extra->set_field("shoe_size");
  extra->set_column("Offence Code");
  EXPECT_THAT(RecordBuilder::Create(dataset_, mapping_, kHeader),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("names field 'shoe_size', which the dataset does not have")));
}

TEST_F(RecordBuilderTest, CreateFindsColumnsByAliasAndTolerantSpelling) {
  std::vector<std::string> header = kHeader;
  header[kReference] = "URN";
  header[kOffenceGroup] = "OFFENCE_GROUP";
  absl::StatusOr<std::unique_ptr<RecordBuilder>> builder =
      RecordBuilder::Create(dataset_, mapping_, header);
  ASSERT_THAT(builder, IsOk());
  v1::WireRecord record;
  std::vector<RowProblem> problems;
  ASSERT_TRUE((*builder)->Build(Row(GoodFields()), *pseudonymiser_, &record, &problems))
      << Describe(problems);
  EXPECT_EQ(record.record_id(), pseudonymiser_->RecordId("police_crime", "CR/2026/000123"));
  EXPECT_EQ(record.values().at("offence_group"), "wounding_gbh");
}

// ---- Build: good rows ----

TEST_F(RecordBuilderTest, BuildsTypedGeneralisedValues) {
  std::unique_ptr<RecordBuilder> builder = MakeBuilder();
  ASSERT_NE(builder, nullptr);
  v1::WireRecord record;
  std::vector<RowProblem> problems;
  ASSERT_TRUE(builder->Build(Row(GoodFields()), *pseudonymiser_, &record, &problems))
      << Describe(problems);
  EXPECT_THAT(problems, IsEmpty());
  EXPECT_THAT(record.values(),
              UnorderedElementsAre(Pair("offence_code", "8N"),
                                   Pair("offence_group", "wounding_gbh"), Pair("knife", "true"),
                                   Pair("firearm", "false"), Pair("domestic", "false"),
                                   Pair("district", "L8"), Pair("age", "35"), Pair("sex", "f")));
}

TEST_F(RecordBuilderTest, EventTimeIsTruncatedToTheHour) {
  std::unique_ptr<RecordBuilder> builder = MakeBuilder();
  ASSERT_NE(builder, nullptr);
  v1::WireRecord record;
  std::vector<RowProblem> problems;
  ASSERT_TRUE(builder->Build(Row(GoodFields()), *pseudonymiser_, &record, &problems))
      << Describe(problems);
  EXPECT_EQ(record.event_time(), SecondsSinceEpoch(absl::CivilSecond(2026, 2, 14, 23, 0, 0)));
  EXPECT_EQ(record.event_time() % 3600, 0);
}

TEST_F(RecordBuilderTest, AgeIsAtTheEventDate) {
  std::unique_ptr<RecordBuilder> builder = MakeBuilder();
  ASSERT_NE(builder, nullptr);
  std::vector<std::string> fields = GoodFields();
  fields[kDate] = "12/03/2026";  // the victim's 36th birthday
  v1::WireRecord record;
  std::vector<RowProblem> problems;
  ASSERT_TRUE(builder->Build(Row(fields), *pseudonymiser_, &record, &problems));
  EXPECT_EQ(record.values().at("age"), "36");
  fields[kDate] = "11/03/2026";
  ASSERT_TRUE(builder->Build(Row(fields), *pseudonymiser_, &record, &problems));
  EXPECT_EQ(record.values().at("age"), "35");
}

TEST_F(RecordBuilderTest, RecordIdAndTokensArePseudonymsOfNormalisedValues) {
  std::unique_ptr<RecordBuilder> builder = MakeBuilder();
  ASSERT_NE(builder, nullptr);
  v1::WireRecord record;
  std::vector<RowProblem> problems;
  ASSERT_TRUE(builder->Build(Row(GoodFields()), *pseudonymiser_, &record, &problems));
  EXPECT_EQ(record.record_id(), pseudonymiser_->RecordId("police_crime", "CR/2026/000123"));
  // police_crime carries no NHS number: every key but "nhs".
  std::vector<v1::MatchToken> expected = pseudonymiser_->Tokens({{v1::FORENAME, "siobhan"},
                                                                 {v1::SURNAME, "oneill"},
                                                                 {v1::DATE_OF_BIRTH, "19900312"},
                                                                 {v1::SEX, "f"},
                                                                 {v1::POSTCODE, "L172AB"}});
  ASSERT_THAT(expected, SizeIs(4));
  ASSERT_THAT(record.tokens(), SizeIs(4));
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(record.tokens(i).key_id(), expected[i].key_id());
    EXPECT_EQ(record.tokens(i).key_version(), "2026-1");
    EXPECT_EQ(record.tokens(i).token(), expected[i].token());
  }
  EXPECT_EQ(record.tokens(0).key_id(), "name_dob_sex");

  // A differently written but equivalent row yields the same token.
  std::vector<std::string> variant = GoodFields();
  variant[kForename] = " SIOBHAN ";
  variant[kSurname] = "O Neill";
  variant[kSex] = "f";
  v1::WireRecord other;
  ASSERT_TRUE(builder->Build(Row(variant), *pseudonymiser_, &other, &problems))
      << Describe(problems);
  ASSERT_THAT(other.tokens(), SizeIs(4));
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(other.tokens(i).token(), record.tokens(i).token());
  }
}

TEST_F(RecordBuilderTest, NoDirectIdentifierValueAppearsInTheWireRecord) {
  std::unique_ptr<RecordBuilder> builder = MakeBuilder();
  ASSERT_NE(builder, nullptr);
  v1::WireRecord record;
  std::vector<RowProblem> problems;
  ASSERT_TRUE(builder->Build(Row(GoodFields()), *pseudonymiser_, &record, &problems));
  std::string wire = record.SerializeAsString();
  std::string text = record.DebugString();
  for (const char* identifier : {"Siobh", "siobhan", "SIOBHAN", "O'Neill", "oneill", "Neill",
                                 "L8 1AB", "L81AB", "8 1AB", "1AB", "12/03/1990", "19900312",
                                 "1990-03-12", "CR/2026/000123", "000123", "L17 2AB", "L172AB"}) {
    EXPECT_EQ(wire.find(identifier), std::string::npos) << identifier;
    EXPECT_EQ(text.find(identifier), std::string::npos) << identifier;
  }
  for (const char* field : {"victim_forename", "victim_surname", "victim_dob", "crime_reference",
                            "location_postcode", "committed_at", "victim_postcode"}) {
    EXPECT_THAT(record.values(), Not(Contains(Key(field))));
  }
}

TEST_F(RecordBuilderTest, RowWithOnlyRequiredValuesHasNoTokensAndNoEmptyValues) {
  std::unique_ptr<RecordBuilder> builder = MakeBuilder();
  ASSERT_NE(builder, nullptr);
  std::vector<std::string> fields(kColumns);
  fields[kReference] = "CR/2026/000999";
  fields[kOffenceGroup] = "Robbery";
  fields[kDate] = "1/6/2026";
  fields[kTime] = "00:05";
  v1::WireRecord record;
  std::vector<RowProblem> problems;
  ASSERT_TRUE(builder->Build(Row(fields), *pseudonymiser_, &record, &problems))
      << Describe(problems);
  EXPECT_THAT(record.values(), UnorderedElementsAre(Pair("offence_group", "robbery")));
  EXPECT_THAT(record.tokens(), IsEmpty());
  EXPECT_EQ(record.event_time(), SecondsSinceEpoch(absl::CivilSecond(2026, 6, 1, 0, 0, 0)));
}

TEST_F(RecordBuilderTest, IncompleteMatchKeyGivesNoToken) {
  std::unique_ptr<RecordBuilder> builder = MakeBuilder();
  ASSERT_NE(builder, nullptr);
  std::vector<std::string> fields = GoodFields();
  fields[kForename] = "Unknown";  // a placeholder: the name_dob_sex key is incomplete
  v1::WireRecord record;
  std::vector<RowProblem> problems;
  ASSERT_TRUE(builder->Build(Row(fields), *pseudonymiser_, &record, &problems))
      << Describe(problems);
  EXPECT_THAT(record.tokens(), IsEmpty());
  fields = GoodFields();
  fields[kDob] = "01/01/1900";  // placeholder date of birth
  ASSERT_TRUE(builder->Build(Row(fields), *pseudonymiser_, &record, &problems))
      << Describe(problems);
  EXPECT_THAT(record.tokens(), IsEmpty());
}

TEST_F(RecordBuilderTest, ShortRowTreatsMissingTrailingColumnsAsEmpty) {
  std::unique_ptr<RecordBuilder> builder = MakeBuilder();
  ASSERT_NE(builder, nullptr);
  std::vector<std::string> fields = GoodFields();
  fields.resize(kPostcode);  // Location Postcode, the three flags and the victim postcode
  v1::WireRecord record;
  std::vector<RowProblem> problems;
  ASSERT_TRUE(builder->Build(Row(fields), *pseudonymiser_, &record, &problems))
      << Describe(problems);
  EXPECT_THAT(record.values(), Not(Contains(Key("knife"))));
  EXPECT_THAT(record.values(), Not(Contains(Key("district"))));
}

// ---- Build: bad rows ----

struct BadRow {
  std::string name;
  Column column;
  std::string value;
  std::string problem_column;
  std::string reason;  // fragment
};

// Names the row in test output instead of dumping its bytes.
void PrintTo(const BadRow& bad, std::ostream* os) { *os << bad.name; }

class RecordBuilderBadRowTest : public RecordBuilderTest,
                                public ::testing::WithParamInterface<BadRow> {};

TEST_P(RecordBuilderBadRowTest, IsRejectedNamingTheColumnWithoutTheValue) {
  const BadRow& bad = GetParam();
  std::vector<std::string> fields = GoodFields();
  fields[bad.column] = bad.value;
  std::vector<RowProblem> problems = Problems(fields);
  EXPECT_THAT(problems, Contains(ProblemIs(bad.problem_column, bad.reason))) << Describe(problems);
  if (!bad.value.empty()) {
    for (const RowProblem& problem : problems) {
      EXPECT_THAT(problem.reason, Not(HasSubstr(bad.value)));
      EXPECT_THAT(problem.column, Not(HasSubstr(bad.value)));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, RecordBuilderBadRowTest,
    ::testing::Values(
        BadRow{"ImpossibleEventDate", kDate, "31/02/2026", "Committed Date", "not valid"},
        BadRow{"EventDateInWrongFormat", kDate, "2026-02-14", "Committed Date",
               "expected a date in format dd/mm/yyyy"},
        BadRow{"EventDateMissing", kDate, "", "Committed Date", "event time is missing"},
        BadRow{"EventTimeNotATime", kTime, "25:61", "Committed Time", "expected a time as hh:mm"},
        BadRow{"UnknownOffenceGroup", kOffenceGroup, "shoplifting", "Offence Group", "expected"},
        BadRow{"UnknownSexCode", kSex, "X", "Victim Sex", "expected"},
        BadRow{"NotABoolean", kKnife, "maybe", "Knife Flag", "expected a boolean"},
        BadRow{"ImpossibleDateOfBirth", kDob, "12/13/1990", "Victim DOB", "not valid"},
        BadRow{"DateOfBirthInWrongFormat", kDob, "1990-03-12", "Victim DOB",
               "expected a date in format dd/mm/yyyy"},
        BadRow{"MissingCrimeReference", kReference, "", "Crime Reference",
               "required value is missing"},
        BadRow{"MissingOffenceGroup", kOffenceGroup, "", "Offence Group",
               "required value is missing"},
        BadRow{"OverlongOffenceCode", kOffenceCode, std::string(300, 'Z'), "Offence Code",
               "longer than 256 bytes"}),
    [](const ::testing::TestParamInfo<BadRow>& param_info) { return param_info.param.name; });

TEST_F(RecordBuilderTest, TooManyFieldsIsAWholeRowProblem) {
  std::vector<std::string> fields = GoodFields();
  fields.push_back("Siobhan O'Neill, 12 Any Street");
  std::vector<RowProblem> problems = Problems(fields);
  EXPECT_THAT(problems, Contains(ProblemIs("", "row has 15 fields but the header has 14")))
      << Describe(problems);
  for (const RowProblem& problem : problems) {
    EXPECT_THAT(problem.reason, Not(HasSubstr("Any Street")));
  }
}

TEST_F(RecordBuilderTest, ReaderProblemsArePassedOnAsWholeRowProblems) {
  std::unique_ptr<RecordBuilder> builder = MakeBuilder();
  ASSERT_NE(builder, nullptr);
  CsvRow row = Row(GoodFields());
  row.problems.push_back("unterminated quoted field");
  v1::WireRecord record;
  std::vector<RowProblem> problems;
  EXPECT_FALSE(builder->Build(row, *pseudonymiser_, &record, &problems));
  EXPECT_THAT(problems, Contains(ProblemIs("", "unterminated quoted field")));
}

TEST_F(RecordBuilderTest, EveryProblemInARowIsReported) {
  std::vector<std::string> fields = GoodFields();
  fields[kReference] = "";
  fields[kOffenceGroup] = "shoplifting";
  fields[kDate] = "99/99/2026";
  fields[kKnife] = "perhaps";
  std::vector<RowProblem> problems = Problems(fields);
  EXPECT_THAT(problems, SizeIs(4)) << Describe(problems);
  EXPECT_THAT(problems, Contains(ProblemIs("Crime Reference", "required value is missing")));
  EXPECT_THAT(problems, Contains(ProblemIs("Offence Group", "expected")));
  EXPECT_THAT(problems, Contains(ProblemIs("Committed Date", "")));
  EXPECT_THAT(problems, Contains(ProblemIs("Knife Flag", "expected a boolean")));
}

TEST_F(RecordBuilderTest, ProblemsAreClearedBetweenRows) {
  std::unique_ptr<RecordBuilder> builder = MakeBuilder();
  ASSERT_NE(builder, nullptr);
  std::vector<std::string> bad = GoodFields();
  bad[kKnife] = "perhaps";
  v1::WireRecord record;
  std::vector<RowProblem> problems;
  EXPECT_FALSE(builder->Build(Row(bad), *pseudonymiser_, &record, &problems));
  EXPECT_THAT(problems, Not(IsEmpty()));
  EXPECT_TRUE(builder->Build(Row(GoodFields()), *pseudonymiser_, &record, &problems));
  EXPECT_THAT(problems, IsEmpty());
  EXPECT_EQ(record.values().at("knife"), "true");
}

}  // namespace
}  // namespace confide::agent
