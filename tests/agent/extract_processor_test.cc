// ExtractProcessor, QuarantineFile and PreviewFile over the example policy's police_crime
// dataset and the demo police agent's mapping, both parsed from the files the project ships.

#include "agent/extract_processor.h"

#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "agent/preview.h"
#include "agent/quarantine.h"
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
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;

constexpr char kPolicyFile[] = CONFIDE_SOURCE_DIR "/deploy/policy/merseyside.textpb";
constexpr char kAgentFile[] = CONFIDE_SOURCE_DIR "/deploy/demo/police-agent.textpb";
const std::string kLinkageKey(32, '\x5a');

constexpr char kHeader[] =
    "Crime Reference,Offence Code,Offence Group,Knife Flag,Firearm Flag,Domestic Flag,"
    "Committed Date,Committed Time,Location Postcode,Victim Forename,Victim Surname,Victim DOB,"
    "Victim Sex,Victim Postcode\n";

// A good row with reference MP/<n>; `group` and `dob` can be made bad.
std::string Row(int n, const std::string& group = "robbery",
                const std::string& dob = "01/02/1990") {
  return absl::StrCat("MP/", n, ",8/1,", group, ",Y,N,N,03/05/2025,23:10,L8 1AB,Ottoline,Fea", n,
                      ",", dob, ",F,L17 2AB\n");
}

class ExtractProcessorTest : public ::testing::Test {
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
    absl::StatusOr<std::string> agent_text = ReadFile(kAgentFile);
    ASSERT_THAT(agent_text, IsOk());
    v1::AgentConfig agent;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(*agent_text, &agent));
    mapping_ = agent.datasets(0);
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
    dir_ = ::testing::TempDir() + "/extract_processor_test/" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::create_directories(dir_);
  }

  absl::StatusOr<std::unique_ptr<ExtractProcessor>> Open(const std::string& csv,
                                                         int batch_size = 3) {
    return ExtractProcessor::Create(CsvReader::FromString(csv, CsvOptions()), dataset_, mapping_,
                                    *pseudonymiser_, batch_size);
  }

  // Every batch of `csv`, and every bad row as "row:line:column:reason|field0".
  void ReadAll(const std::string& csv, std::vector<v1::Batch>* batches,
               std::vector<std::string>* bad, int batch_size = 3) {
    CONFIDE_ASSERT_OK_AND_ASSIGN(std::unique_ptr<ExtractProcessor> processor,
                                 Open(csv, batch_size));
    v1::Batch batch;
    while (true) {
      absl::StatusOr<bool> more = processor->NextBatch(&batch, [&](const BadRow& row) {
        for (const RowProblem& problem : *row.problems) {
          bad->push_back(absl::StrCat(row.row, ":", row.line, ":", problem.column, ":",
                                      problem.reason, "|", (*row.fields)[0]));
        }
      });
      ASSERT_THAT(more, IsOk());
      if (!*more) {
        break;
      }
      batches->push_back(batch);
    }
  }

  v1::Policy policy_;
  v1::Dataset dataset_;
  v1::DatasetMapping mapping_;
  std::unique_ptr<Pseudonymiser> pseudonymiser_;
  std::string dir_;
};

TEST_F(ExtractProcessorTest, FillsBatchesOfTheConfiguredSizeAndCountsRows) {
  std::string csv = kHeader;
  for (int i = 1; i <= 7; ++i) {
    csv += Row(i);
  }
  std::vector<v1::Batch> batches;
  std::vector<std::string> bad;
  ReadAll(csv, &batches, &bad);
  ASSERT_THAT(batches, SizeIs(3));
  EXPECT_THAT(batches[0].records(), SizeIs(3));
  EXPECT_THAT(batches[2].records(), SizeIs(1));
  EXPECT_TRUE(bad.empty());
  for (const v1::Batch& batch : batches) {
    EXPECT_EQ(batch.dataset(), "police_crime");
    EXPECT_THAT(batch.batch_id(), HasSubstr("police_crime."));
  }
}

TEST_F(ExtractProcessorTest, BatchIdsAreStableAcrossRunsAndFollowContent) {
  std::string csv = kHeader;
  for (int i = 1; i <= 6; ++i) {
    csv += Row(i);
  }
  std::vector<v1::Batch> first, second, changed;
  std::vector<std::string> bad;
  ReadAll(csv, &first, &bad);
  ReadAll(csv, &second, &bad);
  ASSERT_THAT(first, SizeIs(2));
  ASSERT_THAT(second, SizeIs(2));
  EXPECT_EQ(first[0].batch_id(), second[0].batch_id());
  EXPECT_EQ(first[1].batch_id(), second[1].batch_id());
  EXPECT_NE(first[0].batch_id(), first[1].batch_id());
  // A changed value in the second batch changes only the second batch's id.
  std::string edited = kHeader;
  for (int i = 1; i <= 6; ++i) {
    edited += Row(i, i == 5 ? "homicide" : "robbery");
  }
  ReadAll(edited, &changed, &bad);
  ASSERT_THAT(changed, SizeIs(2));
  EXPECT_EQ(changed[0].batch_id(), first[0].batch_id());
  EXPECT_NE(changed[1].batch_id(), first[1].batch_id());
  // The record id follows the reference, not the content.
  EXPECT_EQ(changed[1].records(1).record_id(), first[1].records(1).record_id());
}

TEST_F(ExtractProcessorTest, BadRowsAreReportedWithTheirFieldsAndLeftOutOfBatches) {
  std::string csv = absl::StrCat(kHeader, Row(1), Row(2, "pickpocketing"), Row(3),
                                 Row(4, "robbery", "31/02/2001"), Row(5));
  std::vector<v1::Batch> batches;
  std::vector<std::string> bad;
  ReadAll(csv, &batches, &bad);
  ASSERT_THAT(batches, SizeIs(1));
  EXPECT_THAT(batches[0].records(), SizeIs(3));
  ASSERT_THAT(bad, SizeIs(2));
  EXPECT_THAT(bad[0], HasSubstr("2:3:Offence Group:"));
  EXPECT_THAT(bad[0], HasSubstr("|MP/2"));
  EXPECT_THAT(bad[1], HasSubstr("4:5:Victim DOB:"));
  EXPECT_THAT(bad[0], Not(HasSubstr("pickpocketing:")));
}

TEST_F(ExtractProcessorTest, ReferenceRepeatedInABatchIsABadRowNamingTheEarlierRow) {
  std::string csv = absl::StrCat(kHeader, Row(1), Row(2), Row(1, "homicide"), Row(4));
  std::vector<v1::Batch> batches;
  std::vector<std::string> bad;
  ReadAll(csv, &batches, &bad, 10);
  ASSERT_THAT(batches, SizeIs(1));
  EXPECT_THAT(batches[0].records(), SizeIs(3));
  EXPECT_THAT(bad, ElementsAre(HasSubstr(
                       "3:4:Crime Reference:repeats the record reference of row 1 in the same "
                       "batch|MP/1")));
}

TEST_F(ExtractProcessorTest, RowCountsReconcile) {
  std::string csv = absl::StrCat(kHeader, Row(1), Row(2, "x"), Row(3), "\n", Row(4, "y"));
  CONFIDE_ASSERT_OK_AND_ASSIGN(std::unique_ptr<ExtractProcessor> processor, Open(csv));
  v1::Batch batch;
  int64_t sent = 0;
  while (true) {
    absl::StatusOr<bool> more = processor->NextBatch(&batch, [](const BadRow&) {});
    ASSERT_THAT(more, IsOk());
    if (!*more) {
      break;
    }
    sent += batch.records_size();
  }
  EXPECT_EQ(processor->rows_read(), 4);
  EXPECT_EQ(processor->rows_quarantined(), 2);
  EXPECT_EQ(processor->rows_read(), sent + processor->rows_quarantined());
}

TEST_F(ExtractProcessorTest, EmptyFileAndMismatchedHeaderAreRefused) {
  EXPECT_THAT(Open(""), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty")));
  EXPECT_THAT(Open("Crime Reference,Other\nA,B\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("the header has: Crime Reference, Other")));
}

TEST_F(ExtractProcessorTest, HeaderlessFileIsRefusedWithoutEchoingItsFirstRow) {
  absl::StatusOr<std::unique_ptr<ExtractProcessor>> opened = Open(Row(1) + Row(2));
  EXPECT_THAT(opened,
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is the header row missing")));
  for (const char* value : {"MP/1", "Ottoline", "Fea1", "01/02/1990", "L8 1AB"}) {
    EXPECT_THAT(opened.status().message(), Not(HasSubstr(value)));
  }
}

TEST_F(ExtractProcessorTest, QuarantineFileHoldsReasonsAndOriginalFieldsAndIsPrivate) {
  std::string csv = absl::StrCat(kHeader, Row(1), Row(2, "pickpocketing", "31/02/2001"));
  const std::string path = dir_ + "/quarantine.csv";
  CONFIDE_ASSERT_OK_AND_ASSIGN(std::unique_ptr<ExtractProcessor> processor, Open(csv));
  CONFIDE_ASSERT_OK_AND_ASSIGN(std::unique_ptr<QuarantineFile> quarantine,
                               QuarantineFile::Create(path, processor->header()));
  v1::Batch batch;
  std::vector<std::string> printed;
  while (true) {
    absl::StatusOr<bool> more = processor->NextBatch(&batch, [&](const BadRow& row) {
      quarantine->Add(row);
      for (const RowProblem& problem : *row.problems) {
        printed.push_back(ProblemLine(row, problem));
      }
    });
    ASSERT_THAT(more, IsOk());
    if (!*more) {
      break;
    }
  }
  ASSERT_THAT(quarantine->Close(), IsOk());
  struct stat info;
  ASSERT_EQ(stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  std::vector<std::string> lines =
      absl::StrSplit(ReadFile(path).value_or(""), '\n', absl::SkipEmpty());
  ASSERT_THAT(lines, SizeIs(2));
  EXPECT_EQ(lines[0],
            absl::StrCat("row,line,column,reason,", std::string(kHeader, sizeof(kHeader) - 2)));
  EXPECT_THAT(lines[1], HasSubstr("2,3,Offence Group; Victim DOB,"));
  EXPECT_THAT(lines[1], HasSubstr(",MP/2,8/1,pickpocketing,Y,N,N,03/05/2025,23:10,L8 1AB,"
                                  "Ottoline,Fea2,31/02/2001,F"));
  ASSERT_THAT(printed, SizeIs(2));
  EXPECT_THAT(printed[1], HasSubstr("row 2 (line 3), column 'Victim DOB': "));
  for (const std::string& line : printed) {
    for (const char* value : {"MP/2", "pickpocketing", "31/02/2001", "Ottoline", "L8 1AB"}) {
      EXPECT_THAT(line, Not(HasSubstr(value)));
    }
  }
}

TEST_F(ExtractProcessorTest, PreviewHasOneColumnPerSentValueAndHexIdsAndTokens) {
  std::string csv = absl::StrCat(kHeader, Row(1), Row(2));
  const std::string path = dir_ + "/preview.csv";
  CONFIDE_ASSERT_OK_AND_ASSIGN(std::unique_ptr<PreviewFile> preview,
                               PreviewFile::Create(path, dataset_, policy_.linkage()));
  std::vector<v1::Batch> batches;
  std::vector<std::string> bad;
  ReadAll(csv, &batches, &bad);
  ASSERT_THAT(batches, SizeIs(1));
  preview->Add(batches[0]);
  ASSERT_THAT(preview->Close(), IsOk());
  struct stat info;
  ASSERT_EQ(stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  std::vector<std::string> lines =
      absl::StrSplit(ReadFile(path).value_or(""), '\n', absl::SkipEmpty());
  ASSERT_THAT(lines, SizeIs(3));
  EXPECT_EQ(lines[0],
            "batch_id,record_id,event_hour,offence_code,offence_group,knife,firearm,domestic,"
            "district,age,sex,key_version,token:nhs,token:name_dob_sex,token:phonetic_initial_dob,"
            "token:name_yob_district,token:name_dob_transposed");
  std::vector<std::string> cells = absl::StrSplit(lines[1], ',');
  ASSERT_THAT(cells, SizeIs(17));
  EXPECT_EQ(cells[0], batches[0].batch_id());
  EXPECT_THAT(cells[1], SizeIs(64));
  EXPECT_EQ(cells[2], "2025-05-03 23:00");
  EXPECT_EQ(cells[4], "robbery");
  EXPECT_EQ(cells[5], "true");
  EXPECT_EQ(cells[8], "L8");
  EXPECT_EQ(cells[9], "35");
  EXPECT_EQ(cells[10], "f");
  EXPECT_EQ(cells[11], "2026-1");
  EXPECT_EQ(cells[12], "");  // no NHS number in a police extract
  for (int key = 13; key < 17; ++key) {
    EXPECT_THAT(cells[key], SizeIs(64)) << lines[0];
  }
  for (const char* identifier : {"MP/1", "Ottoline", "Fea1", "01/02/1990", "L8 1AB", "L17 2AB"}) {
    EXPECT_THAT(lines[1], Not(HasSubstr(identifier)));
  }
}

TEST(EventHourTest, FormatsCivilSeconds) {
  EXPECT_EQ(EventHour(0), "1970-01-01 00:00");
  EXPECT_EQ(EventHour(absl::CivilSecond(2025, 5, 3, 23) - absl::CivilSecond(1970, 1, 1)),
            "2025-05-03 23:00");
}

}  // namespace
}  // namespace confide::agent
