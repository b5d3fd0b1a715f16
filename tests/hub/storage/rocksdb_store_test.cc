// Contract tests for RecordStore + AuditLog, run against RocksDbStore and the in-memory fake so
// that the fake the Exchange tests rely on behaves like the real store. RocksDB-only tests
// (durability across reopen) follow.

#include "hub/storage/rocksdb_store.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/fakes/in_memory_record_store.h"
#include "tests/fakes/store_factory.h"
#include "tests/testing/status_matchers.h"

namespace confide::hub {
namespace {

using ::confide::testing::InMemoryRecordStore;
using ::confide::testing::IsOk;
using ::confide::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

using ::confide::testing::StoreFactory;
using ::confide::testing::UniqueTempDir;

v1::StoredRecord Record(absl::string_view dataset, absl::string_view agency,
                        absl::string_view record_id, absl::string_view value = "a") {
  v1::StoredRecord record;
  record.set_dataset(std::string(dataset));
  record.set_agency(std::string(agency));
  record.set_record_id(std::string(record_id));
  record.set_event_time(1700000000 - 1700000000 % 3600);
  (*record.mutable_values())["offence_group"] = std::string(value);
  return record;
}

BatchWrite Batch(absl::string_view agency, absl::string_view dataset, absl::string_view batch_id,
                 absl::string_view hash, std::vector<v1::StoredRecord> records) {
  BatchWrite write;
  write.agency = std::string(agency);
  write.dataset = std::string(dataset);
  write.batch_id = std::string(batch_id);
  write.content_hash = std::string(hash);
  write.records = std::move(records);
  for (v1::StoredRecord& record : write.records) {
    record.set_batch_id(write.batch_id);  // as Exchange::Push stamps them
  }
  return write;
}

v1::AuditEvent Event(absl::string_view actor, absl::string_view action,
                     v1::AuditEvent::Decision decision) {
  v1::AuditEvent event;
  event.set_actor(std::string(actor));
  event.set_action(std::string(action));
  event.set_decision(decision);
  return event;
}

std::string OutcomeName(BatchOutcome outcome) {
  switch (outcome) {
    case BatchOutcome::kStored:
      return "stored";
    case BatchOutcome::kDuplicate:
      return "duplicate";
    case BatchOutcome::kConflict:
      return "conflict";
  }
  return "?";
}

// Records the outcome it was called with in the event's reason, so tests can check that the
// store passed the outcome it decided to make_audit.
v1::AuditEvent AuditFor(BatchOutcome outcome) {
  v1::AuditEvent event = Event("confide://agency/a/agent", "Ingest.Push", v1::AuditEvent::ALLOW);
  event.set_reason(OutcomeName(outcome));
  return event;
}

template <typename Store>
class RecordStoreContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = factory_.Make();
    ASSERT_NE(store_, nullptr);
  }
  RecordStore& records() { return *store_; }
  AuditLog& audit() { return *store_; }

  absl::StatusOr<PutBatchResult> Put(const BatchWrite& write) {
    return records().PutBatch(write, AuditFor);
  }
  std::vector<v1::StoredRecord> Scan(absl::string_view dataset) {
    std::vector<v1::StoredRecord> out;
    EXPECT_THAT(
        records().ScanDataset(dataset, [&](const v1::StoredRecord& r) { out.push_back(r); }),
        IsOk());
    return out;
  }
  std::vector<std::string> ScanIds(absl::string_view dataset) {
    std::vector<std::string> ids;
    for (const v1::StoredRecord& record : Scan(dataset)) {
      ids.push_back(record.record_id());
    }
    return ids;
  }
  std::vector<v1::AuditEvent> ListAll() {
    absl::StatusOr<std::vector<v1::AuditEvent>> events = audit().List(v1::ListAuditRequest());
    EXPECT_THAT(events, IsOk());
    return events.ok() ? *events : std::vector<v1::AuditEvent>{};
  }
  std::vector<uint64_t> Sequences(const std::vector<v1::AuditEvent>& events) {
    std::vector<uint64_t> out;
    for (const v1::AuditEvent& event : events) {
      out.push_back(event.sequence());
    }
    return out;
  }

  StoreFactory<Store> factory_;
  std::unique_ptr<Store> store_;
};

using StoreTypes = ::testing::Types<RocksDbStore, InMemoryRecordStore>;
TYPED_TEST_SUITE(RecordStoreContractTest, StoreTypes);

TYPED_TEST(RecordStoreContractTest, EmptyStoreScansAndListsNothing) {
  EXPECT_THAT(this->Scan("police_crime"), IsEmpty());
  EXPECT_THAT(this->ListAll(), IsEmpty());
}

TYPED_TEST(RecordStoreContractTest, PutBatchStoresRecordsAndAppendsAuditEvent) {
  v1::StoredRecord r1 = Record("police_crime", "police", "record-0000000001", "robbery");
  v1::StoredRecord r2 = Record("police_crime", "police", "record-0000000002", "homicide");
  (*r2.mutable_values())["district"] = "L8";
  r2.add_tokens()->set_token(std::string(32, 'x'));
  r1.set_batch_id("b1");
  r2.set_batch_id("b1");
  CONFIDE_ASSERT_OK_AND_ASSIGN(PutBatchResult result,
                               this->Put(Batch("police", "police_crime", "b1", "h1", {r1, r2})));
  EXPECT_EQ(result.outcome, BatchOutcome::kStored);
  EXPECT_EQ(result.audit_sequence, 1u);

  std::vector<v1::StoredRecord> stored = this->Scan("police_crime");
  ASSERT_THAT(stored, SizeIs(2));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(stored[0], r1));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(stored[1], r2));

  std::vector<v1::AuditEvent> events = this->ListAll();
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].sequence(), 1u);
  EXPECT_EQ(events[0].reason(), "stored");
  EXPECT_EQ(events[0].action(), "Ingest.Push");
}

TYPED_TEST(RecordStoreContractTest, SequenceNumbersAreGapFreeAcrossAppendAndPutBatch) {
  v1::StoredRecord r = Record("police_crime", "police", "record-0000000001");
  ASSERT_THAT(this->audit().Append(Event("x", "hub.start", v1::AuditEvent::ALLOW)), IsOk());
  ASSERT_THAT(this->Put(Batch("police", "police_crime", "b1", "h1", {r})), IsOk());
  ASSERT_THAT(this->audit().Append(Event("x", "Query.Run", v1::AuditEvent::DENY)), IsOk());
  ASSERT_THAT(this->Put(Batch("police", "police_crime", "b1", "h1", {r})), IsOk());  // duplicate
  ASSERT_THAT(this->Put(Batch("police", "police_crime", "b1", "h2", {r})), IsOk());  // conflict
  CONFIDE_ASSERT_OK_AND_ASSIGN(uint64_t last,
                               this->audit().Append(Event("x", "y", v1::AuditEvent::ERROR)));
  EXPECT_EQ(last, 6u);
  std::vector<v1::AuditEvent> events = this->ListAll();
  EXPECT_THAT(this->Sequences(events), ElementsAre(1, 2, 3, 4, 5, 6));
  ASSERT_THAT(events, SizeIs(6));
  EXPECT_EQ(events[0].action(), "hub.start");
  EXPECT_EQ(events[2].action(), "Query.Run");
  EXPECT_EQ(events[3].reason(), "duplicate");
  EXPECT_EQ(events[4].reason(), "conflict");
}

TYPED_TEST(RecordStoreContractTest, AppendIgnoresTheCallersSequenceNumber) {
  v1::AuditEvent event = Event("x", "hub.start", v1::AuditEvent::ALLOW);
  event.set_sequence(99);
  CONFIDE_ASSERT_OK_AND_ASSIGN(uint64_t sequence, this->audit().Append(event));
  EXPECT_EQ(sequence, 1u);
  EXPECT_THAT(this->Sequences(this->ListAll()), ElementsAre(1));
}

TYPED_TEST(RecordStoreContractTest, DuplicateBatchWritesNothingButIsAudited) {
  ASSERT_THAT(this->Put(Batch("police", "police_crime", "b1", "h1",
                              {Record("police_crime", "police", "record-0000000001", "robbery")})),
              IsOk());
  // Same id and hash; the records differ only so that a write would be visible.
  CONFIDE_ASSERT_OK_AND_ASSIGN(
      PutBatchResult again,
      this->Put(Batch("police", "police_crime", "b1", "h1",
                      {Record("police_crime", "police", "record-0000000001", "homicide"),
                       Record("police_crime", "police", "record-0000000002")})));
  EXPECT_EQ(again.outcome, BatchOutcome::kDuplicate);
  EXPECT_EQ(again.audit_sequence, 2u);
  std::vector<v1::StoredRecord> stored = this->Scan("police_crime");
  ASSERT_THAT(stored, SizeIs(1));
  EXPECT_EQ(stored[0].values().at("offence_group"), "robbery");
  std::vector<v1::AuditEvent> events = this->ListAll();
  ASSERT_THAT(events, SizeIs(2));
  EXPECT_EQ(events[1].reason(), "duplicate");
}

TYPED_TEST(RecordStoreContractTest, ConflictingBatchOverwritesNothing) {
  ASSERT_THAT(this->Put(Batch("police", "police_crime", "b1", "h1",
                              {Record("police_crime", "police", "record-0000000001", "robbery")})),
              IsOk());
  CONFIDE_ASSERT_OK_AND_ASSIGN(
      PutBatchResult conflict,
      this->Put(Batch("police", "police_crime", "b1", "h2",
                      {Record("police_crime", "police", "record-0000000001", "homicide"),
                       Record("police_crime", "police", "record-0000000002")})));
  EXPECT_EQ(conflict.outcome, BatchOutcome::kConflict);
  EXPECT_EQ(conflict.audit_sequence, 2u);
  std::vector<v1::StoredRecord> stored = this->Scan("police_crime");
  ASSERT_THAT(stored, SizeIs(1));
  EXPECT_EQ(stored[0].values().at("offence_group"), "robbery");
  EXPECT_EQ(this->ListAll().back().reason(), "conflict");

  // The batch entry still holds the first hash: the original content is still a duplicate and
  // the conflicting content is still a conflict.
  CONFIDE_ASSERT_OK_AND_ASSIGN(PutBatchResult original,
                               this->Put(Batch("police", "police_crime", "b1", "h1", {})));
  EXPECT_EQ(original.outcome, BatchOutcome::kDuplicate);
  CONFIDE_ASSERT_OK_AND_ASSIGN(PutBatchResult second,
                               this->Put(Batch("police", "police_crime", "b1", "h2", {})));
  EXPECT_EQ(second.outcome, BatchOutcome::kConflict);
}

TYPED_TEST(RecordStoreContractTest, BatchIdsArePerAgency) {
  CONFIDE_ASSERT_OK_AND_ASSIGN(PutBatchResult police,
                               this->Put(Batch("police", "shared", "2025-01", "h1",
                                               {Record("shared", "police", "record-0000000001")})));
  CONFIDE_ASSERT_OK_AND_ASSIGN(
      PutBatchResult hospital,
      this->Put(Batch("hospital", "shared", "2025-01", "h2",
                      {Record("shared", "hospital", "record-0000000001")})));
  EXPECT_EQ(police.outcome, BatchOutcome::kStored);
  EXPECT_EQ(hospital.outcome, BatchOutcome::kStored);
  // Same record id from two agencies: two records, not an upsert.
  std::vector<v1::StoredRecord> stored = this->Scan("shared");
  ASSERT_THAT(stored, SizeIs(2));
  std::set<std::string> agencies = {stored[0].agency(), stored[1].agency()};
  EXPECT_THAT(agencies, UnorderedElementsAre("police", "hospital"));
}

TYPED_TEST(RecordStoreContractTest, BatchKeysDoNotCollideAcrossAgencyAndBatchBoundaries) {
  // ("a", "b:c") and ("a:b", "c") or similar concatenations must stay distinct batches.
  ASSERT_THAT(this->Put(Batch("ab", "d", "c", "h1", {Record("d", "ab", "record-0000000001")})),
              IsOk());
  CONFIDE_ASSERT_OK_AND_ASSIGN(
      PutBatchResult other,
      this->Put(Batch("a", "d", "bc", "h2", {Record("d", "a", "record-0000000002")})));
  EXPECT_EQ(other.outcome, BatchOutcome::kStored);
  EXPECT_THAT(this->Scan("d"), SizeIs(2));
}

TYPED_TEST(RecordStoreContractTest, ScanDatasetReturnsOnlyThatDataset) {
  ASSERT_THAT(this->Put(Batch("police", "police", "b1", "h1",
                              {Record("police", "police", "police-record-001")})),
              IsOk());
  ASSERT_THAT(this->Put(Batch("police", "police_crime", "b2", "h2",
                              {Record("police_crime", "police", "crime-record-0001"),
                               Record("police_crime", "police", "crime-record-0002")})),
              IsOk());
  ASSERT_THAT(this->Put(Batch("police", "polic", "b3", "h3",
                              {Record("polic", "police", "polic-record-0001")})),
              IsOk());
  ASSERT_THAT(this->Put(Batch("a", "p", "b4", "h4", {Record("p", "a", "p-record-000001")})),
              IsOk());
  EXPECT_THAT(this->ScanIds("police"), ElementsAre("police-record-001"));
  EXPECT_THAT(this->ScanIds("police_crime"), ElementsAre("crime-record-0001", "crime-record-0002"));
  EXPECT_THAT(this->ScanIds("polic"), ElementsAre("polic-record-0001"));
  EXPECT_THAT(this->ScanIds("p"), ElementsAre("p-record-000001"));
  EXPECT_THAT(this->ScanIds("pol"), IsEmpty());
  EXPECT_THAT(this->ScanIds(""), IsEmpty());
  for (const v1::StoredRecord& record : this->Scan("police")) {
    EXPECT_EQ(record.dataset(), "police");
  }
}

TYPED_TEST(RecordStoreContractTest, ResentRecordInANewBatchUpserts) {
  ASSERT_THAT(this->Put(Batch("police", "police_crime", "b1", "h1",
                              {Record("police_crime", "police", "record-0000000001", "robbery"),
                               Record("police_crime", "police", "record-0000000002", "rape")})),
              IsOk());
  CONFIDE_ASSERT_OK_AND_ASSIGN(
      PutBatchResult correction,
      this->Put(Batch("police", "police_crime", "b2", "h2",
                      {Record("police_crime", "police", "record-0000000001", "homicide")})));
  EXPECT_EQ(correction.outcome, BatchOutcome::kStored);
  std::vector<v1::StoredRecord> stored = this->Scan("police_crime");
  ASSERT_THAT(stored, SizeIs(2));
  EXPECT_EQ(stored[0].record_id(), "record-0000000001");
  EXPECT_EQ(stored[0].values().at("offence_group"), "homicide");
  EXPECT_EQ(stored[1].values().at("offence_group"), "rape");
}

TYPED_TEST(RecordStoreContractTest, RecordIdsWithBinaryBytesAreKeptApart) {
  // Record ids are keyed hashes: arbitrary bytes, including NUL.
  std::string a("rec\0\x01\xff-000000000001", 20);
  std::string b("rec\0\x01\xff-000000000002", 20);
  ASSERT_THAT(
      this->Put(Batch("police", "police_crime", "b1", "h1",
                      {Record("police_crime", "police", a), Record("police_crime", "police", b)})),
      IsOk());
  EXPECT_THAT(this->ScanIds("police_crime"), ElementsAre(a, b));
}

TYPED_TEST(RecordStoreContractTest, ListFilters) {
  const auto allow = v1::AuditEvent::ALLOW;
  const auto deny = v1::AuditEvent::DENY;
  ASSERT_THAT(this->audit().Append(Event("alice", "Query.Run", allow)), IsOk());  // 1
  ASSERT_THAT(this->audit().Append(Event("bob", "Query.Run", deny)), IsOk());     // 2
  ASSERT_THAT(this->audit().Append(Event("alice", "Audit.List", deny)), IsOk());  // 3
  ASSERT_THAT(this->audit().Append(Event("bob", "Ingest.Push", allow)), IsOk());  // 4
  ASSERT_THAT(this->audit().Append(Event("alice", "Query.Run", deny)), IsOk());   // 5
  ASSERT_THAT(this->audit().Append(Event("carol", "Query.Run", allow)), IsOk());  // 6

  auto list = [&](v1::ListAuditRequest request) {
    absl::StatusOr<std::vector<v1::AuditEvent>> events = this->audit().List(request);
    EXPECT_THAT(events, IsOk());
    return events.ok() ? this->Sequences(*events) : std::vector<uint64_t>{};
  };
  v1::ListAuditRequest request;
  EXPECT_THAT(list(request), ElementsAre(1, 2, 3, 4, 5, 6));

  request.set_after_sequence(4);
  EXPECT_THAT(list(request), ElementsAre(5, 6));
  request.set_after_sequence(6);
  EXPECT_THAT(list(request), IsEmpty());
  request.set_after_sequence(UINT64_MAX);
  EXPECT_THAT(list(request), IsEmpty());

  request.Clear();
  request.set_actor("alice");
  EXPECT_THAT(list(request), ElementsAre(1, 3, 5));
  request.Clear();
  request.set_action("Query.Run");
  EXPECT_THAT(list(request), ElementsAre(1, 2, 5, 6));
  request.Clear();
  request.set_decision(deny);
  EXPECT_THAT(list(request), ElementsAre(2, 3, 5));

  request.Clear();
  request.set_actor("alice");
  request.set_action("Query.Run");
  request.set_decision(deny);
  EXPECT_THAT(list(request), ElementsAre(5));

  request.Clear();
  request.set_limit(2);
  EXPECT_THAT(list(request), ElementsAre(1, 2));
  // The limit counts matching events, not events examined.
  request.set_actor("alice");
  EXPECT_THAT(list(request), ElementsAre(1, 3));
  request.set_after_sequence(1);
  EXPECT_THAT(list(request), ElementsAre(3, 5));
  request.Clear();
  request.set_limit(-5);  // not positive: the default
  EXPECT_THAT(list(request), SizeIs(6));
  request.Clear();
  request.set_actor("nobody");
  EXPECT_THAT(list(request), IsEmpty());
}

TYPED_TEST(RecordStoreContractTest, ConcurrentWritersGetDistinctGapFreeSequences) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10;
  std::vector<std::thread> threads;
  absl::Mutex mu;
  std::vector<uint64_t> sequences;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        uint64_t sequence = 0;
        if (i % 2 == 0) {
          absl::StatusOr<uint64_t> appended =
              this->audit().Append(Event(absl::StrCat("t", t), "x", v1::AuditEvent::ALLOW));
          ASSERT_THAT(appended, IsOk());
          sequence = *appended;
        } else {
          absl::StatusOr<PutBatchResult> put = this->Put(Batch(
              "police", "police_crime", absl::StrCat("t", t, "-", i), "h",
              {Record("police_crime", "police", absl::StrCat("record-t", t, "-i", i, "-xxxxxx"))}));
          ASSERT_THAT(put, IsOk());
          sequence = put->audit_sequence;
        }
        absl::MutexLock lock(&mu);
        sequences.push_back(sequence);
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  std::set<uint64_t> unique(sequences.begin(), sequences.end());
  ASSERT_EQ(unique.size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(*unique.begin(), 1u);
  EXPECT_EQ(*unique.rbegin(), static_cast<uint64_t>(kThreads * kPerThread));
  std::vector<v1::AuditEvent> events = this->ListAll();
  ASSERT_THAT(events, SizeIs(kThreads * kPerThread));
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].sequence(), i + 1);
  }
  EXPECT_THAT(this->Scan("police_crime"), SizeIs(kThreads * kPerThread / 2));
}

// Withdraw: the audit event records the counts it was given.
v1::AuditEvent WithdrawAudit(const WithdrawalResult& result) {
  v1::AuditEvent event =
      Event("confide://agency/a/agent", "Ingest.Withdraw", v1::AuditEvent::ALLOW);
  event.set_record_count(result.records_removed);
  event.set_detail(
      absl::StrCat(result.records_not_found, " not found, ", result.batches_removed, " batches"));
  return event;
}

WithdrawalWrite Withdrawal(absl::string_view agency, absl::string_view dataset,
                           std::vector<std::string> record_ids,
                           std::vector<std::string> batch_ids) {
  WithdrawalWrite write;
  write.agency = std::string(agency);
  write.dataset = std::string(dataset);
  write.record_ids = std::move(record_ids);
  write.batch_ids = std::move(batch_ids);
  return write;
}

TYPED_TEST(RecordStoreContractTest, WithdrawByRecordIdRemovesOnlyTheCallersRecords) {
  ASSERT_THAT(this->Put(Batch("police", "shared", "b1", "h1",
                              {Record("shared", "police", "record-0000000001"),
                               Record("shared", "police", "record-0000000002")})),
              IsOk());
  ASSERT_THAT(this->Put(Batch("hospital", "shared", "b1", "h2",
                              {Record("shared", "hospital", "record-0000000001")})),
              IsOk());
  CONFIDE_ASSERT_OK_AND_ASSIGN(
      WithdrawalResult result,
      this->records().Withdraw(
          Withdrawal("police", "shared",
                     {"record-0000000001", "record-0000000001", "record-missing-01"}, {}),
          WithdrawAudit));
  EXPECT_EQ(result.records_removed, 1);
  EXPECT_EQ(result.records_not_found, 1);
  EXPECT_EQ(result.batches_removed, 1);
  EXPECT_EQ(result.audit_sequence, 3u);
  std::vector<v1::StoredRecord> left = this->Scan("shared");
  ASSERT_THAT(left, SizeIs(2));
  EXPECT_EQ(left[0].agency(), "hospital");
  EXPECT_EQ(left[1].record_id(), "record-0000000002");
  std::vector<v1::AuditEvent> events = this->ListAll();
  ASSERT_THAT(events, SizeIs(3));
  EXPECT_EQ(events[2].action(), "Ingest.Withdraw");
  EXPECT_EQ(events[2].record_count(), 1);
  // The batch that lost a record can be pushed again and is stored, not a duplicate.
  CONFIDE_ASSERT_OK_AND_ASSIGN(PutBatchResult again,
                               this->Put(Batch("police", "shared", "b1", "h1",
                                               {Record("shared", "police", "record-0000000001")})));
  EXPECT_EQ(again.outcome, BatchOutcome::kStored);
  // The hospital's batch entry with the same id was not touched.
  CONFIDE_ASSERT_OK_AND_ASSIGN(PutBatchResult hospital,
                               this->Put(Batch("hospital", "shared", "b1", "h2", {})));
  EXPECT_EQ(hospital.outcome, BatchOutcome::kDuplicate);
}

TYPED_TEST(RecordStoreContractTest, WithdrawByBatchRemovesRecordsLastWrittenByIt) {
  v1::StoredRecord r1 = Record("police_crime", "police", "record-0000000001");
  v1::StoredRecord r2 = Record("police_crime", "police", "record-0000000002");
  v1::StoredRecord r3 = Record("police_crime", "police", "record-0000000003");
  ASSERT_THAT(this->Put(Batch("police", "police_crime", "b1", "h1", {r1, r2})), IsOk());
  // r1 corrected in b2: its latest write is from b2.
  ASSERT_THAT(this->Put(Batch("police", "police_crime", "b2", "h2", {r1, r3})), IsOk());
  v1::StoredRecord other = Record("police_crime", "hospital", "record-0000000009");
  ASSERT_THAT(this->Put(Batch("hospital", "police_crime", "b1", "h3", {other})), IsOk());

  CONFIDE_ASSERT_OK_AND_ASSIGN(
      WithdrawalResult result,
      this->records().Withdraw(Withdrawal("police", "police_crime", {}, {"b1"}), WithdrawAudit));
  EXPECT_EQ(result.records_removed, 1);
  EXPECT_EQ(result.batches_removed, 1);
  EXPECT_THAT(this->ScanIds("police_crime"),
              UnorderedElementsAre("record-0000000001", "record-0000000003", "record-0000000009"));
}

TYPED_TEST(RecordStoreContractTest, WithdrawOfNothingIsStillAudited) {
  ASSERT_THAT(this->Put(Batch("police", "police_crime", "b1", "h1",
                              {Record("police_crime", "police", "record-0000000001")})),
              IsOk());
  // Wrong dataset for the batch: its entry belongs to police_crime and stays.
  CONFIDE_ASSERT_OK_AND_ASSIGN(
      WithdrawalResult result,
      this->records().Withdraw(Withdrawal("police", "police", {"record-0000000001"}, {"b1"}),
                               WithdrawAudit));
  EXPECT_EQ(result.records_removed, 0);
  EXPECT_EQ(result.records_not_found, 1);
  EXPECT_EQ(result.batches_removed, 0);
  EXPECT_EQ(result.audit_sequence, 2u);
  EXPECT_THAT(this->Scan("police_crime"), SizeIs(1));
  EXPECT_THAT(this->ListAll(), SizeIs(2));
}

// --- InMemoryRecordStore fault injection (what the Exchange fail-closed tests rely on) -----

TEST(InMemoryRecordStoreTest, FailedWritesChangeNothingAndUseNoSequenceNumber) {
  InMemoryRecordStore store;
  ASSERT_THAT(store.Append(Event("x", "hub.start", v1::AuditEvent::ALLOW)), IsOk());
  store.FailWrites(true);
  EXPECT_THAT(store.PutBatch(Batch("police", "police_crime", "b1", "h1",
                                   {Record("police_crime", "police", "record-0000000001")}),
                             AuditFor),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(store.Append(Event("x", "y", v1::AuditEvent::ALLOW)),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(store.record_count(), 0u);
  EXPECT_THAT(store.AllEvents(), SizeIs(1));

  store.FailWrites(false);
  // The failed batch left no batch entry behind: it is stored now, not a duplicate.
  CONFIDE_ASSERT_OK_AND_ASSIGN(
      PutBatchResult result,
      store.PutBatch(Batch("police", "police_crime", "b1", "h1",
                           {Record("police_crime", "police", "record-0000000001")}),
                     AuditFor));
  EXPECT_EQ(result.outcome, BatchOutcome::kStored);
  EXPECT_EQ(result.audit_sequence, 2u);

  store.FailWrites(true);
  EXPECT_THAT(store.Withdraw(Withdrawal("police", "police_crime", {"record-0000000001"}, {"b1"}),
                             WithdrawAudit),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(store.record_count(), 1u);
  EXPECT_THAT(store.AllEvents(), SizeIs(2));
}

TEST(InMemoryRecordStoreTest, FailedReadsReturnUnavailable) {
  InMemoryRecordStore store;
  store.FailReads(true);
  EXPECT_THAT(store.ScanDataset("police_crime", [](const v1::StoredRecord&) {}),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(store.List(v1::ListAuditRequest()), StatusIs(absl::StatusCode::kUnavailable));
  // Writes still work while reads fail.
  EXPECT_THAT(store.Append(Event("x", "y", v1::AuditEvent::ALLOW)), IsOk());
}

// --- RocksDbStore only: durability ----------------------------------------------------------

class RocksDbStoreTest : public ::testing::Test {
 protected:
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::unique_ptr<RocksDbStore> Open() {
    absl::StatusOr<std::unique_ptr<RocksDbStore>> store = RocksDbStore::Open(dir_);
    EXPECT_THAT(store, IsOk());
    return store.ok() ? *std::move(store) : nullptr;
  }
  std::string dir_ = UniqueTempDir("rocks_only");
};

TEST_F(RocksDbStoreTest, SequenceNumbersContinueAfterReopen) {
  {
    std::unique_ptr<RocksDbStore> store = Open();
    ASSERT_NE(store, nullptr);
    ASSERT_THAT(store->Append(Event("x", "hub.start", v1::AuditEvent::ALLOW)), IsOk());
    ASSERT_THAT(store->PutBatch(Batch("police", "police_crime", "b1", "h1",
                                      {Record("police_crime", "police", "record-0000000001")}),
                                AuditFor),
                IsOk());
    EXPECT_EQ(store->audit_events(), 2u);
  }
  std::unique_ptr<RocksDbStore> store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->audit_events(), 2u);
  CONFIDE_ASSERT_OK_AND_ASSIGN(uint64_t sequence,
                               store->Append(Event("x", "hub.start", v1::AuditEvent::ALLOW)));
  EXPECT_EQ(sequence, 3u);
  CONFIDE_ASSERT_OK_AND_ASSIGN(
      PutBatchResult result,
      store->PutBatch(Batch("police", "police_crime", "b2", "h2",
                            {Record("police_crime", "police", "record-0000000002")}),
                      AuditFor));
  EXPECT_EQ(result.audit_sequence, 4u);
  absl::StatusOr<std::vector<v1::AuditEvent>> events = store->List(v1::ListAuditRequest());
  ASSERT_THAT(events, IsOk());
  ASSERT_THAT(*events, SizeIs(4));
  for (size_t i = 0; i < events->size(); ++i) {
    EXPECT_EQ((*events)[i].sequence(), i + 1);
  }
}

TEST_F(RocksDbStoreTest, SequenceOrderHoldsPast255Events) {
  // Keys are big-endian so that event 256 sorts after event 255 (little-endian would not).
  std::unique_ptr<RocksDbStore> store = Open();
  ASSERT_NE(store, nullptr);
  for (int i = 0; i < 260; ++i) {
    ASSERT_THAT(store->Append(Event("x", "y", v1::AuditEvent::ALLOW)), IsOk());
  }
  v1::ListAuditRequest request;
  request.set_after_sequence(254);
  absl::StatusOr<std::vector<v1::AuditEvent>> events = store->List(request);
  ASSERT_THAT(events, IsOk());
  std::vector<uint64_t> sequences;
  for (const v1::AuditEvent& event : *events) {
    sequences.push_back(event.sequence());
  }
  EXPECT_THAT(sequences, ElementsAre(255, 256, 257, 258, 259, 260));
  store.reset();
  store = Open();
  ASSERT_NE(store, nullptr);
  CONFIDE_ASSERT_OK_AND_ASSIGN(uint64_t next,
                               store->Append(Event("x", "y", v1::AuditEvent::ALLOW)));
  EXPECT_EQ(next, 261u);
}

TEST_F(RocksDbStoreTest, RecordsAndBatchEntriesSurviveReopen) {
  {
    std::unique_ptr<RocksDbStore> store = Open();
    ASSERT_NE(store, nullptr);
    ASSERT_THAT(
        store->PutBatch(Batch("police", "police_crime", "b1", "h1",
                              {Record("police_crime", "police", "record-0000000001", "robbery")}),
                        AuditFor),
        IsOk());
  }
  std::unique_ptr<RocksDbStore> store = Open();
  ASSERT_NE(store, nullptr);
  std::vector<v1::StoredRecord> stored;
  ASSERT_THAT(
      store->ScanDataset("police_crime", [&](const v1::StoredRecord& r) { stored.push_back(r); }),
      IsOk());
  ASSERT_THAT(stored, SizeIs(1));
  EXPECT_EQ(stored[0].values().at("offence_group"), "robbery");
  // The batch entry survived too: a re-sent batch is a duplicate, a changed one a conflict.
  CONFIDE_ASSERT_OK_AND_ASSIGN(
      PutBatchResult again,
      store->PutBatch(Batch("police", "police_crime", "b1", "h1", {}), AuditFor));
  EXPECT_EQ(again.outcome, BatchOutcome::kDuplicate);
  CONFIDE_ASSERT_OK_AND_ASSIGN(
      PutBatchResult changed,
      store->PutBatch(Batch("police", "police_crime", "b1", "h9", {}), AuditFor));
  EXPECT_EQ(changed.outcome, BatchOutcome::kConflict);
}

TEST_F(RocksDbStoreTest, OpenFailsCleanlyWhenThePathIsAFile) {
  std::filesystem::create_directories(std::filesystem::path(dir_).parent_path());
  { std::ofstream(dir_) << "not a database"; }
  absl::StatusOr<std::unique_ptr<RocksDbStore>> store = RocksDbStore::Open(dir_);
  EXPECT_FALSE(store.ok());
}

TEST_F(RocksDbStoreTest, SecondOpenOfTheSameDatabaseFails) {
  std::unique_ptr<RocksDbStore> first = Open();
  ASSERT_NE(first, nullptr);
  absl::StatusOr<std::unique_ptr<RocksDbStore>> second = RocksDbStore::Open(dir_);
  EXPECT_FALSE(second.ok());
}

}  // namespace
}  // namespace confide::hub
