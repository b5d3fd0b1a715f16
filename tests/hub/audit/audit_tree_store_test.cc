// The audit Merkle tree as kept by the stores: contract tests for RocksDbStore and the in-memory
// fake (tree covers every event however it was written, group commit under concurrency), then
// RocksDbStore-only tests that edit the database behind the store's back and expect Open to
// refuse with the first bad sequence.

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/audit/audit_leaf.h"
#include "hub/audit/merkle.h"
#include "hub/storage/rocksdb_store.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "tests/fakes/in_memory_record_store.h"
#include "tests/fakes/store_factory.h"
#include "tests/testing/status_matchers.h"

namespace confide::hub {
namespace {

using ::confide::testing::InMemoryRecordStore;
using ::confide::testing::IsOk;
using ::confide::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

using ::confide::testing::StoreFactory;
using ::confide::testing::UniqueTempDir;

v1::AuditEvent Event(absl::string_view actor, absl::string_view action) {
  v1::AuditEvent event;
  event.set_actor(std::string(actor));
  event.set_action(std::string(action));
  event.set_decision(v1::AuditEvent::ALLOW);
  return event;
}

BatchWrite Batch(absl::string_view batch_id, absl::string_view record_id, int64_t event_time) {
  BatchWrite write;
  write.agency = "police";
  write.dataset = "police_crime";
  write.batch_id = std::string(batch_id);
  write.content_hash = "h";
  v1::StoredRecord record;
  record.set_dataset("police_crime");
  record.set_agency("police");
  record.set_record_id(std::string(record_id));
  record.set_batch_id(write.batch_id);
  record.set_event_time(event_time);
  write.records.push_back(record);
  return write;
}

template <typename Store>
class AuditTreeContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = factory_.Make();
    ASSERT_NE(store_, nullptr);
  }
  std::vector<v1::AuditEvent> ListAll() {
    v1::ListAuditRequest request;
    request.set_limit(100000);
    absl::StatusOr<std::vector<v1::AuditEvent>> events = store_->List(request);
    EXPECT_THAT(events, IsOk());
    return events.ok() ? *events : std::vector<v1::AuditEvent>{};
  }
  // The tree the store reports must be the RFC 6962 tree of the events it lists.
  void ExpectTreeMatchesEvents() {
    std::vector<std::string> hashes;
    for (const v1::AuditEvent& event : ListAll()) {
      hashes.push_back(AuditLeafHash(event));
    }
    AuditTreeState tree = store_->CurrentTree();
    EXPECT_EQ(tree.tree_size, hashes.size());
    EXPECT_EQ(tree.root_hash, MerkleRoot(hashes));
    absl::StatusOr<std::vector<std::string>> stored = store_->LeafHashes(tree.tree_size);
    ASSERT_THAT(stored, IsOk());
    EXPECT_EQ(*stored, hashes);
  }
  StoreFactory<Store> factory_;
  std::unique_ptr<Store> store_;
};

using StoreTypes = ::testing::Types<RocksDbStore, InMemoryRecordStore>;
TYPED_TEST_SUITE(AuditTreeContractTest, StoreTypes);

TYPED_TEST(AuditTreeContractTest, EmptyStoreHasTheEmptyTree) {
  AuditTreeState tree = this->store_->CurrentTree();
  EXPECT_EQ(tree.tree_size, 0u);
  EXPECT_EQ(tree.root_hash, MerkleEmptyRoot());
  EXPECT_THAT(this->store_->LatestSignedHead(), StatusIs(absl::StatusCode::kNotFound));
}

TYPED_TEST(AuditTreeContractTest, TreeCoversEventsFromEveryKindOfWrite) {
  ASSERT_THAT(this->store_->Append(Event("a", "hub.start")), IsOk());
  auto audit = [](auto) { return Event("agent", "Ingest.Push"); };
  ASSERT_THAT(this->store_->PutBatch(Batch("b1", "r1", 100), audit), IsOk());
  ASSERT_THAT(this->store_->PutBatch(Batch("b1", "r1", 100), audit), IsOk());  // duplicate
  WithdrawalWrite withdrawal;
  withdrawal.agency = "police";
  withdrawal.dataset = "police_crime";
  withdrawal.record_ids = {"r1"};
  ASSERT_THAT(this->store_->Withdraw(
                  withdrawal, [](const WithdrawalResult&) { return Event("agent", "Withdraw"); }),
              IsOk());
  ASSERT_THAT(this->store_->PutBatch(Batch("b2", "r2", 100), audit), IsOk());
  ASSERT_THAT(this->store_->PurgeBefore("police_crime", 200,
                                        [](int64_t) { return Event("hub", "retention.purge"); }),
              IsOk());
  EXPECT_EQ(this->store_->CurrentTree().tree_size, 6u);
  this->ExpectTreeMatchesEvents();
}

TYPED_TEST(AuditTreeContractTest, LeafHashesBeyondTheTreeAreOutOfRange) {
  ASSERT_THAT(this->store_->Append(Event("a", "x")), IsOk());
  EXPECT_THAT(this->store_->LeafHashes(1), IsOk());
  EXPECT_THAT(this->store_->LeafHashes(2), StatusIs(absl::StatusCode::kOutOfRange));
}

TYPED_TEST(AuditTreeContractTest, LatestSignedHeadIsTheLargest) {
  for (uint64_t size : {3u, 9u, 5u}) {
    v1::SignedTreeHead head;
    head.set_tree_size(size);
    ASSERT_THAT(this->store_->SaveSignedHead(head), IsOk());
  }
  absl::StatusOr<v1::SignedTreeHead> latest = this->store_->LatestSignedHead();
  ASSERT_THAT(latest, IsOk());
  EXPECT_EQ(latest->tree_size(), 9u);
}

TYPED_TEST(AuditTreeContractTest, ConcurrentAppendersAllDurableAndInTheTree) {
  constexpr int kThreads = 32;
  constexpr int kPerThread = 20;
  std::vector<std::thread> threads;
  absl::Mutex mu;
  std::set<uint64_t> sequences;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        absl::StatusOr<uint64_t> sequence =
            this->store_->Append(Event(absl::StrCat("t", t), absl::StrCat("i", i)));
        ASSERT_THAT(sequence, IsOk());
        absl::MutexLock lock(&mu);
        sequences.insert(*sequence);
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  ASSERT_THAT(sequences, SizeIs(kThreads * kPerThread));
  EXPECT_EQ(*sequences.rbegin(), static_cast<uint64_t>(kThreads * kPerThread));
  const std::vector<v1::AuditEvent> events = this->ListAll();
  ASSERT_THAT(events, SizeIs(kThreads * kPerThread));
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].sequence(), i + 1);
  }
  this->ExpectTreeMatchesEvents();
}

TEST(InMemoryAuditTreeTest, FailedAppendLeavesTheTreeUnchanged) {
  InMemoryRecordStore store;
  ASSERT_THAT(store.Append(Event("a", "x")), IsOk());
  const AuditTreeState before = store.CurrentTree();
  store.FailWrites(true);
  EXPECT_THAT(store.Append(Event("a", "y")), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(store.SaveSignedHead(v1::SignedTreeHead()), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(store.CurrentTree().tree_size, before.tree_size);
  EXPECT_EQ(store.CurrentTree().root_hash, before.root_hash);
}

// --- RocksDbStore only: rebuild on open, and edits behind the store's back ------------------

std::string SequenceKey(uint64_t sequence) {
  std::string key(8, '\0');
  for (int i = 7; i >= 0; --i) {
    key[i] = static_cast<char>(sequence & 0xff);
    sequence >>= 8;
  }
  return key;
}

// Opens the database directly, as an attacker with file access would, with whatever column
// families it has, and applies `edit` to the one named `family`.
void EditFamily(const std::string& dir, const std::string& family,
                const std::function<void(rocksdb::DB*, rocksdb::ColumnFamilyHandle*)>& edit) {
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const std::string& name : names) {
    families.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), dir, families, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == family) {
      edit(db.get(), handles[i]);
    }
  }
  for (rocksdb::ColumnFamilyHandle* handle : handles) {
    db->DestroyColumnFamilyHandle(handle);
  }
}

class RocksDbAuditTreeTest : public ::testing::Test {
 protected:
  void TearDown() override { std::filesystem::remove_all(dir_); }
  // Appends `count` events and saves an (unsigned) head at the end; returns the tree.
  AuditTreeState Populate(int count) {
    std::unique_ptr<RocksDbStore> store = *RocksDbStore::Open(dir_);
    for (int i = 0; i < count; ++i) {
      EXPECT_THAT(store->Append(Event("confide://user/ig/x", absl::StrCat("e", i))), IsOk());
    }
    AuditTreeState tree = store->CurrentTree();
    v1::SignedTreeHead head;
    head.set_tree_size(tree.tree_size);
    head.set_root_hash(tree.root_hash);
    EXPECT_THAT(store->SaveSignedHead(head), IsOk());
    return tree;
  }
  std::string dir_ = UniqueTempDir("tree_rocks");
};

TEST_F(RocksDbAuditTreeTest, TreeIsRebuiltOnReopenAndKeepsGrowing) {
  const AuditTreeState tree = Populate(10);
  std::unique_ptr<RocksDbStore> store = *RocksDbStore::Open(dir_);
  EXPECT_EQ(store->CurrentTree().tree_size, 10u);
  EXPECT_EQ(store->CurrentTree().root_hash, tree.root_hash);
  ASSERT_THAT(store->Append(Event("a", "after")), IsOk());
  std::vector<std::string> hashes = *store->LeafHashes(11);
  EXPECT_EQ(store->CurrentTree().root_hash, MerkleRoot(hashes));
  EXPECT_EQ(MerkleRoot(absl::MakeSpan(hashes).subspan(0, 10)), tree.root_hash);
}

TEST_F(RocksDbAuditTreeTest, ModifiedEventRefusesToOpenNamingIt) {
  Populate(6);
  EditFamily(dir_, "audit", [](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* audit) {
    std::string value;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), audit, SequenceKey(4), &value).ok());
    v1::AuditEvent event;
    ASSERT_TRUE(event.ParseFromString(value));
    event.set_decision(v1::AuditEvent::DENY);  // rewrite history: allow becomes deny
    ASSERT_TRUE(
        db->Put(rocksdb::WriteOptions(), audit, SequenceKey(4), event.SerializeAsString()).ok());
  });
  absl::StatusOr<std::unique_ptr<RocksDbStore>> store = RocksDbStore::Open(dir_);
  EXPECT_THAT(store, StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(store.status().message(), HasSubstr("audit event 4 was changed"));
}

TEST_F(RocksDbAuditTreeTest, ModifiedEventAndLeafStillContradictTheSignedHead) {
  Populate(6);
  // A careful attacker rewrites the leaf hash too: the saved head's root catches it.
  v1::AuditEvent forged = Event("confide://user/ig/x", "forged");
  forged.set_sequence(2);
  EditFamily(dir_, "audit", [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* audit) {
    ASSERT_TRUE(
        db->Put(rocksdb::WriteOptions(), audit, SequenceKey(2), forged.SerializeAsString()).ok());
  });
  EditFamily(dir_, "audit_leaves", [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* leaves) {
    ASSERT_TRUE(
        db->Put(rocksdb::WriteOptions(), leaves, SequenceKey(2), AuditLeafHash(forged)).ok());
  });
  absl::StatusOr<std::unique_ptr<RocksDbStore>> store = RocksDbStore::Open(dir_);
  EXPECT_THAT(store, StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(store.status().message(), HasSubstr("signed head at tree size 6"));
}

TEST_F(RocksDbAuditTreeTest, DeletedEventRefusesToOpenNamingIt) {
  Populate(6);
  EditFamily(dir_, "audit", [](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* audit) {
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), audit, SequenceKey(3)).ok());
  });
  absl::StatusOr<std::unique_ptr<RocksDbStore>> store = RocksDbStore::Open(dir_);
  EXPECT_THAT(store, StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(store.status().message(), HasSubstr("audit event 3 is missing"));
}

TEST_F(RocksDbAuditTreeTest, TruncatedTailBelowTheSavedHeadRefusesToOpen) {
  Populate(6);
  for (const char* family : {"audit", "audit_leaves"}) {
    EditFamily(dir_, family, [](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* handle) {
      ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), handle, SequenceKey(6)).ok());
      ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), handle, SequenceKey(5)).ok());
    });
  }
  absl::StatusOr<std::unique_ptr<RocksDbStore>> store = RocksDbStore::Open(dir_);
  EXPECT_THAT(store, StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(store.status().message(), HasSubstr("removed from the tail"));
}

TEST_F(RocksDbAuditTreeTest, StoreWrittenBeforeLeafHashesIsBackfilled) {
  {
    // The four column families of the store before the audit tree existed.
    rocksdb::DBOptions options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const char* name : {"default", "records", "batches", "audit"}) {
      families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir_, families, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    for (uint64_t sequence = 1; sequence <= 3; ++sequence) {
      v1::AuditEvent event = Event("old", "hub.start");
      event.set_sequence(sequence);
      ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[3], SequenceKey(sequence),
                          event.SerializeAsString())
                      .ok());
    }
    for (rocksdb::ColumnFamilyHandle* handle : handles) {
      db->DestroyColumnFamilyHandle(handle);
    }
  }
  std::unique_ptr<RocksDbStore> store = *RocksDbStore::Open(dir_);
  EXPECT_EQ(store->CurrentTree().tree_size, 3u);
  ASSERT_THAT(store->Append(Event("new", "x")), IsOk());
  store.reset();
  store = *RocksDbStore::Open(dir_);  // backfilled leaves now checked like any others
  std::vector<std::string> hashes = *store->LeafHashes(4);
  EXPECT_EQ(store->CurrentTree().root_hash, MerkleRoot(hashes));
}

}  // namespace
}  // namespace confide::hub
