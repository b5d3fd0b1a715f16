// Retention: expired records are purged with an audit event, and after the purge their bytes are
// gone from the RocksDB data files and write-ahead log (ICO storage limitation).

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/crypto/hash.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/exchange.h"
#include "hub/storage/rocksdb_store.h"
#include "policy/policy.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/in_memory_record_store.h"
#include "tests/fakes/store_factory.h"
#include "tests/testing/status_matchers.h"

namespace confide::hub {
namespace {

using ::confide::testing::IsOk;
using ::testing::HasSubstr;

constexpr int64_t kHour = 3600;

int64_t CivilSeconds(int year, int month, int day) {
  return absl::CivilSecond(year, month, day) - absl::CivilSecond(1970, 1, 1);
}

std::string AllBytesUnder(const std::string& dir) {
  std::string bytes;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) {
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream buffer;
      buffer << in.rdbuf();
      bytes += buffer.str();
    }
  }
  return bytes;
}

// A record id that occurs nowhere else, so finding it in the files means the record survived.
std::string DistinctiveId(int i) {
  return crypto::Sha256(absl::StrCat("retention-test-record-", i));
}

BatchWrite Batch(const std::string& batch_id, int first, int count, int64_t event_time) {
  BatchWrite write;
  write.agency = "merseyside-police";
  write.dataset = "police_crime";
  write.batch_id = batch_id;
  write.content_hash = crypto::Sha256(batch_id);
  for (int i = first; i < first + count; ++i) {
    v1::StoredRecord& record = write.records.emplace_back();
    record.set_dataset("police_crime");
    record.set_agency("merseyside-police");
    record.set_record_id(DistinctiveId(i));
    record.set_event_time(event_time);
    (*record.mutable_values())["offence_group"] = "robbery";
  }
  return write;
}

v1::AuditEvent PushEvent(BatchOutcome) {
  v1::AuditEvent event;
  event.set_action("Ingest.Push");
  return event;
}

TEST(RocksDbRetentionTest, PurgedRecordsLeaveNoBytesInDataFilesOrLog) {
  std::string dir = testing::UniqueTempDir("retention");
  {
    CONFIDE_ASSERT_OK_AND_ASSIGN(std::unique_ptr<RocksDbStore> store, RocksDbStore::Open(dir));
    ASSERT_THAT(store->PutBatch(Batch("old", 0, 200, CivilSeconds(2018, 3, 1)), PushEvent).status(),
                IsOk());
    ASSERT_THAT(
        store->PutBatch(Batch("new", 1000, 50, CivilSeconds(2025, 3, 1)), PushEvent).status(),
        IsOk());
    std::string before = AllBytesUnder(dir);
    ASSERT_NE(before.find(DistinctiveId(7)), std::string::npos)
        << "the test must be able to see a stored record id in the files";

    CONFIDE_ASSERT_OK_AND_ASSIGN(
        PurgeResult purged,
        store->PurgeBefore("police_crime", CivilSeconds(2020, 1, 1), [](int64_t count) {
          v1::AuditEvent event;
          event.set_action("retention.purge");
          event.set_record_count(count);
          return event;
        }));
    EXPECT_EQ(purged.records_purged, 200);
    EXPECT_GT(purged.audit_sequence, 0u);
    int remaining = 0;
    ASSERT_THAT(store->ScanDataset("police_crime", [&](const v1::StoredRecord&) { ++remaining; }),
                IsOk());
    EXPECT_EQ(remaining, 50);
    v1::ListAuditRequest request;
    request.set_action("retention.purge");
    CONFIDE_ASSERT_OK_AND_ASSIGN(std::vector<v1::AuditEvent> events, store->List(request));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].record_count(), 200);

    std::string after = AllBytesUnder(dir);
    for (int i = 0; i < 200; ++i) {
      ASSERT_EQ(after.find(DistinctiveId(i)), std::string::npos)
          << "purged record " << i << " still has bytes on disk";
    }
    EXPECT_NE(after.find(DistinctiveId(1000)), std::string::npos);
  }
  // And after a restart nothing comes back from the log.
  CONFIDE_ASSERT_OK_AND_ASSIGN(std::unique_ptr<RocksDbStore> reopened, RocksDbStore::Open(dir));
  int remaining = 0;
  ASSERT_THAT(reopened->ScanDataset("police_crime", [&](const v1::StoredRecord&) { ++remaining; }),
              IsOk());
  EXPECT_EQ(remaining, 50);
  std::filesystem::remove_all(dir);
}

TEST(RocksDbRetentionTest, WithdrawnRecordsLeaveNoBytesEither) {
  std::string dir = testing::UniqueTempDir("retention");
  CONFIDE_ASSERT_OK_AND_ASSIGN(std::unique_ptr<RocksDbStore> store, RocksDbStore::Open(dir));
  ASSERT_THAT(store->PutBatch(Batch("b", 0, 20, CivilSeconds(2025, 3, 1)), PushEvent).status(),
              IsOk());
  ASSERT_NE(AllBytesUnder(dir).find(DistinctiveId(3)), std::string::npos);
  WithdrawalWrite withdrawal;
  withdrawal.agency = "merseyside-police";
  withdrawal.dataset = "police_crime";
  withdrawal.record_ids = {DistinctiveId(3), DistinctiveId(4)};
  CONFIDE_ASSERT_OK_AND_ASSIGN(
      WithdrawalResult withdrawn,
      store->Withdraw(withdrawal, [](const WithdrawalResult&) { return v1::AuditEvent(); }));
  EXPECT_EQ(withdrawn.records_removed, 2);
  std::string after = AllBytesUnder(dir);
  EXPECT_EQ(after.find(DistinctiveId(3)), std::string::npos);
  EXPECT_EQ(after.find(DistinctiveId(4)), std::string::npos);
  EXPECT_NE(after.find(DistinctiveId(5)), std::string::npos);
  store.reset();
  std::filesystem::remove_all(dir);
}

TEST(RocksDbRetentionTest, NothingExpiredWritesNothing) {
  std::string dir = testing::UniqueTempDir("retention");
  CONFIDE_ASSERT_OK_AND_ASSIGN(std::unique_ptr<RocksDbStore> store, RocksDbStore::Open(dir));
  ASSERT_THAT(store->PutBatch(Batch("new", 0, 5, CivilSeconds(2025, 3, 1)), PushEvent).status(),
              IsOk());
  uint64_t events = store->audit_events();
  bool called = false;
  CONFIDE_ASSERT_OK_AND_ASSIGN(
      PurgeResult purged,
      store->PurgeBefore("police_crime", CivilSeconds(2020, 1, 1), [&](int64_t) {
        called = true;
        return v1::AuditEvent();
      }));
  EXPECT_EQ(purged.records_purged, 0);
  EXPECT_FALSE(called);
  EXPECT_EQ(store->audit_events(), events);
  std::filesystem::remove_all(dir);
}

class ExchangeRetentionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::shared_ptr<const policy::Policy>> loaded = policy::Policy::FromFile(
        CONFIDE_SOURCE_DIR "/deploy/policy/merseyside.textpb", absl::CivilDay(2026, 6, 1));
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    policy_ = *loaded;
    clock_.SetTime(absl::FromCivil(absl::CivilSecond(2026, 6, 1, 12, 0, 0), absl::UTCTimeZone()));
  }
  std::shared_ptr<const policy::Policy> policy_;
  testing::FakeClock clock_;
  testing::InMemoryRecordStore store_;
};

TEST_F(ExchangeRetentionTest, PurgesPastTheLongestAgreementRetentionAndAuditsCounts) {
  // police_crime: 2190 days under the SVD agreement (longer than youth violence's 1095), so on
  // 2026-06-01 records before 2020-06-02 go and a 2021 record stays although it is past 1095.
  ASSERT_THAT(
      store_.PutBatch(Batch("b1", 0, 3, CivilSeconds(2019, 1, 1) + kHour), PushEvent).status(),
      IsOk());
  ASSERT_THAT(store_.PutBatch(Batch("b2", 10, 2, CivilSeconds(2021, 1, 1)), PushEvent).status(),
              IsOk());
  Exchange exchange(policy_, store_, store_, clock_, std::string(32, 'k'));
  CONFIDE_ASSERT_OK_AND_ASSIGN(int64_t purged, exchange.RunRetention());
  EXPECT_EQ(purged, 3);
  v1::ListAuditRequest request;
  request.set_action("retention.purge");
  CONFIDE_ASSERT_OK_AND_ASSIGN(std::vector<v1::AuditEvent> events, store_.List(request));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].dataset(), "police_crime");
  EXPECT_EQ(events[0].record_count(), 3);
  EXPECT_EQ(events[0].actor(), "confide://hub");
  EXPECT_THAT(events[0].reason(), HasSubstr("before 2020-06-02 (retention 2190 days)"));
  EXPECT_EQ(events[0].policy_version(), policy_->version());
  // A second pass finds nothing more and audits nothing more.
  CONFIDE_ASSERT_OK_AND_ASSIGN(int64_t again, exchange.RunRetention());
  EXPECT_EQ(again, 0);
  CONFIDE_ASSERT_OK_AND_ASSIGN(events, store_.List(request));
  EXPECT_EQ(events.size(), 1u);
}

TEST_F(ExchangeRetentionTest, QueriesUnderAnAgreementIgnoreRecordsPastItsOwnRetention) {
  // 2022 records are within SVD's 2190 days but past youth violence's 1095 days.
  ASSERT_THAT(store_.PutBatch(Batch("b1", 0, 20, CivilSeconds(2022, 5, 1)), PushEvent).status(),
              IsOk());
  ASSERT_THAT(store_.PutBatch(Batch("b2", 100, 30, CivilSeconds(2025, 5, 1)), PushEvent).status(),
              IsOk());
  Exchange exchange(policy_, store_, store_, clock_, std::string(32, 'k'));
  Identity khan{Identity::Kind::kUser, "confide://user/analyst/a.khan", "", "analyst", "a.khan"};
  Identity smith{Identity::Kind::kUser, "confide://user/analyst/j.smith", "", "analyst", "j.smith"};
  v1::QueryRequest svd;
  svd.set_agreement("svd-merseyside-2026");
  svd.set_purpose("hotspot analysis");
  svd.set_sql("SELECT COUNT(*) FROM police_crime");
  CONFIDE_ASSERT_OK_AND_ASSIGN(v1::QueryResult all, exchange.Query(khan, svd));
  EXPECT_EQ(all.rows(0).measures(0).display(), "50");
  v1::QueryRequest youth;
  youth.set_agreement("youth-violence-2026");
  youth.set_purpose("youth violence needs assessment");
  youth.set_sql("SELECT COUNT(*) FROM police_crime");
  CONFIDE_ASSERT_OK_AND_ASSIGN(v1::QueryResult recent, exchange.Query(smith, youth));
  EXPECT_EQ(recent.rows(0).measures(0).display(), "30");
}

TEST_F(ExchangeRetentionTest, FailedPurgeIsReportedAndChangesNothing) {
  ASSERT_THAT(store_.PutBatch(Batch("b1", 0, 3, CivilSeconds(2019, 1, 1)), PushEvent).status(),
              IsOk());
  Exchange exchange(policy_, store_, store_, clock_, std::string(32, 'k'));
  store_.FailWrites(true);
  EXPECT_FALSE(exchange.RunRetention().ok());
  store_.FailWrites(false);
  int remaining = 0;
  ASSERT_THAT(store_.ScanDataset("police_crime", [&](const v1::StoredRecord&) { ++remaining; }),
              IsOk());
  EXPECT_EQ(remaining, 3);
}

}  // namespace
}  // namespace confide::hub
