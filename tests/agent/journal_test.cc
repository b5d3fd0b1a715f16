#include "agent/journal.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/files.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace confide::agent {
namespace {

using ::confide::testing::IsOk;
using ::confide::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::IsNull;
using ::testing::NotNull;

const std::string kSha(64, 'a');

v1::PushAck Ack(const std::string& id, v1::PushAck::Outcome outcome, int64_t records,
                uint64_t sequence) {
  v1::PushAck ack;
  ack.set_batch_id(id);
  ack.set_outcome(outcome);
  ack.set_records(records);
  ack.set_audit_sequence(sequence);
  return ack;
}

class PushJournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/journal_test/" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name() + "/journal";
    std::filesystem::remove_all(dir_);
  }
  std::string dir_;
};

TEST_F(PushJournalTest, AcknowledgementsSurviveReopening) {
  {
    CONFIDE_ASSERT_OK_AND_ASSIGN(std::unique_ptr<PushJournal> journal,
                                 PushJournal::Open(dir_, "police_crime", kSha, "extract.csv"));
    EXPECT_EQ(journal->size(), 0u);
    ASSERT_THAT(journal->Record(Ack("police_crime.aa", v1::PushAck::STORED, 1000, 7)), IsOk());
    ASSERT_THAT(journal->Record(Ack("police_crime.bb", v1::PushAck::DUPLICATE, 12, 8)), IsOk());
  }
  CONFIDE_ASSERT_OK_AND_ASSIGN(std::unique_ptr<PushJournal> journal,
                               PushJournal::Open(dir_, "police_crime", kSha, "extract.csv"));
  EXPECT_EQ(journal->size(), 2u);
  const v1::PushAck* ack = journal->Find("police_crime.bb");
  ASSERT_THAT(ack, NotNull());
  EXPECT_EQ(ack->outcome(), v1::PushAck::DUPLICATE);
  EXPECT_EQ(ack->records(), 12);
  EXPECT_EQ(ack->audit_sequence(), 8u);
  EXPECT_THAT(journal->Find("police_crime.cc"), IsNull());
}

TEST_F(PushJournalTest, IsPrivateAndHoldsNoFileContents) {
  CONFIDE_ASSERT_OK_AND_ASSIGN(std::unique_ptr<PushJournal> journal,
                               PushJournal::Open(dir_, "police_crime", kSha, "my extract.csv"));
  ASSERT_THAT(journal->Record(Ack("police_crime.aa", v1::PushAck::STORED, 1000, 7)), IsOk());
  struct stat info;
  ASSERT_EQ(stat(dir_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700);
  ASSERT_EQ(stat(journal->path().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  std::string text = ReadFile(journal->path()).value_or("");
  EXPECT_THAT(text, HasSubstr("file my_extract.csv, sha256 " + kSha));
  EXPECT_THAT(text, HasSubstr("police_crime.aa STORED 1000 7\n"));
}

TEST_F(PushJournalTest, TornLastLineIsDroppedAndAppendingContinuesCleanly) {
  std::string path;
  {
    CONFIDE_ASSERT_OK_AND_ASSIGN(std::unique_ptr<PushJournal> journal,
                                 PushJournal::Open(dir_, "police_crime", kSha, "extract.csv"));
    ASSERT_THAT(journal->Record(Ack("police_crime.aa", v1::PushAck::STORED, 1000, 7)), IsOk());
    path = journal->path();
  }
  {
    std::ofstream torn(path, std::ios::app);
    torn << "police_crime.bb STOR";  // a crash in the middle of an append
  }
  {
    CONFIDE_ASSERT_OK_AND_ASSIGN(std::unique_ptr<PushJournal> journal,
                                 PushJournal::Open(dir_, "police_crime", kSha, "extract.csv"));
    EXPECT_EQ(journal->size(), 1u);
    EXPECT_THAT(journal->Find("police_crime.bb"), IsNull());
    ASSERT_THAT(journal->Record(Ack("police_crime.cc", v1::PushAck::STORED, 5, 9)), IsOk());
  }
  CONFIDE_ASSERT_OK_AND_ASSIGN(std::unique_ptr<PushJournal> journal,
                               PushJournal::Open(dir_, "police_crime", kSha, "extract.csv"));
  EXPECT_EQ(journal->size(), 2u);
  EXPECT_THAT(journal->Find("police_crime.cc"), NotNull());
}

TEST_F(PushJournalTest, UnreadableLinesAreIgnored) {
  std::string path;
  {
    CONFIDE_ASSERT_OK_AND_ASSIGN(std::unique_ptr<PushJournal> journal,
                                 PushJournal::Open(dir_, "police_crime", kSha, "extract.csv"));
    path = journal->path();
  }
  {
    std::ofstream out(path, std::ios::app);
    out << "garbage\npolice_crime.aa MAYBE 1 2\npolice_crime.bb STORED x 2\n"
           "police_crime.cc DUPLICATE 3 4\n";
  }
  CONFIDE_ASSERT_OK_AND_ASSIGN(std::unique_ptr<PushJournal> journal,
                               PushJournal::Open(dir_, "police_crime", kSha, "extract.csv"));
  EXPECT_EQ(journal->size(), 1u);
  EXPECT_THAT(journal->Find("police_crime.cc"), NotNull());
}

TEST_F(PushJournalTest, SecondOpenOfTheSameExtractIsRefusedWhileTheFirstIsOpen) {
  CONFIDE_ASSERT_OK_AND_ASSIGN(std::unique_ptr<PushJournal> first,
                               PushJournal::Open(dir_, "police_crime", kSha, "extract.csv"));
  EXPECT_THAT(PushJournal::Open(dir_, "police_crime", kSha, "extract.csv"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("another push")));
  first.reset();
  EXPECT_THAT(PushJournal::Open(dir_, "police_crime", kSha, "extract.csv"), IsOk());
}

TEST_F(PushJournalTest, CompleteRemovesTheJournal) {
  CONFIDE_ASSERT_OK_AND_ASSIGN(std::unique_ptr<PushJournal> journal,
                               PushJournal::Open(dir_, "police_crime", kSha, "extract.csv"));
  ASSERT_THAT(journal->Record(Ack("police_crime.aa", v1::PushAck::STORED, 1000, 7)), IsOk());
  ASSERT_THAT(journal->Complete(), IsOk());
  EXPECT_FALSE(std::filesystem::exists(journal->path()));
  CONFIDE_ASSERT_OK_AND_ASSIGN(std::unique_ptr<PushJournal> fresh,
                               PushJournal::Open(dir_, "police_crime", kSha, "extract.csv"));
  EXPECT_EQ(fresh->size(), 0u);
}

TEST_F(PushJournalTest, ClearRemovesOnlyTheDatasetsJournals) {
  std::string police_a, police_b, fire;
  {
    CONFIDE_ASSERT_OK_AND_ASSIGN(std::unique_ptr<PushJournal> a,
                                 PushJournal::Open(dir_, "police_crime", kSha, "a.csv"));
    CONFIDE_ASSERT_OK_AND_ASSIGN(
        std::unique_ptr<PushJournal> b,
        PushJournal::Open(dir_, "police_crime", std::string(64, 'b'), "b.csv"));
    CONFIDE_ASSERT_OK_AND_ASSIGN(std::unique_ptr<PushJournal> c,
                                 PushJournal::Open(dir_, "police_crime_extra", kSha, "c.csv"));
    police_a = a->path();
    police_b = b->path();
    fire = c->path();
  }
  ASSERT_THAT(PushJournal::Clear(dir_, "police_crime"), IsOk());
  EXPECT_FALSE(std::filesystem::exists(police_a));
  EXPECT_FALSE(std::filesystem::exists(police_b));
  EXPECT_TRUE(std::filesystem::exists(fire));
  EXPECT_THAT(PushJournal::Clear(dir_ + "/missing", "police_crime"), IsOk());
}

}  // namespace
}  // namespace confide::agent
