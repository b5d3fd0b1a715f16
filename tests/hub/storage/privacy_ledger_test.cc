// Contract tests for PrivacyLedger, run against RocksDbStore and the fake (over the in-memory
// store's audit log) so that the fake the query tests rely on behaves like the real ledger.
// RocksDB-only tests (durability across reopen, separation from records) follow.

#include "hub/storage/privacy_ledger.h"

#include <atomic>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/storage/rocksdb_store.h"
#include "rocksdb/db.h"
#include "tests/fakes/fake_privacy_ledger.h"
#include "tests/fakes/in_memory_record_store.h"
#include "tests/fakes/store_factory.h"
#include "tests/testing/status_matchers.h"

namespace confide::hub {
namespace {

using ::confide::testing::FakePrivacyLedger;
using ::confide::testing::InMemoryRecordStore;
using ::confide::testing::IsOk;
using ::confide::testing::StatusIs;
using ::confide::testing::StoreFactory;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr char kAnalyst[] = "confide://user/analyst/a.khan";
constexpr char kAgreement[] = "msp-asb-2024";

BudgetCharge Charge(absl::string_view fingerprint, double epsilon, double budget,
                    absl::string_view analyst = kAnalyst,
                    absl::string_view agreement = kAgreement) {
  return BudgetCharge{.analyst = std::string(analyst),
                      .agreement = std::string(agreement),
                      .query_fingerprint = std::string(fingerprint),
                      .epsilon = epsilon,
                      .budget = budget};
}

const char* KindName(ChargeOutcome::Kind kind) {
  switch (kind) {
    case ChargeOutcome::kCharged:
      return "charged";
    case ChargeOutcome::kRepeat:
      return "repeat";
    case ChargeOutcome::kRefused:
      return "refused";
  }
  return "?";
}

// The audit event a query would write: the outcome in the detail, refusals denied.
v1::AuditEvent QueryEvent(const BudgetCharge& charge, const ChargeOutcome& outcome) {
  v1::AuditEvent event;
  event.set_actor(charge.analyst);
  event.set_agreement(charge.agreement);
  event.set_action("Query.Run");
  event.set_decision(outcome.kind == ChargeOutcome::kRefused ? v1::AuditEvent::DENY
                                                             : v1::AuditEvent::ALLOW);
  event.set_detail(absl::StrCat(KindName(outcome.kind), " spent ", outcome.spent_after,
                                " remaining ", outcome.remaining));
  return event;
}

// A ledger and the audit log its events go to: one RocksDbStore, or the fake over an
// InMemoryRecordStore.
template <typename Ledger>
struct LedgerEnv;

template <>
struct LedgerEnv<RocksDbStore> {
  StoreFactory<RocksDbStore> factory;
  std::unique_ptr<RocksDbStore> store = factory.Make();
  PrivacyLedger& ledger() { return *store; }
  AuditLog& audit() { return *store; }
};

template <>
struct LedgerEnv<FakePrivacyLedger> {
  InMemoryRecordStore store;
  FakePrivacyLedger fake{store};
  PrivacyLedger& ledger() { return fake; }
  AuditLog& audit() { return store; }
};

template <typename Ledger>
class PrivacyLedgerContractTest : public ::testing::Test {
 protected:
  absl::StatusOr<ChargeOutcome> Spend(const BudgetCharge& charge) {
    return env_.ledger().Charge(
        charge, [&](const ChargeOutcome& outcome) { return QueryEvent(charge, outcome); });
  }
  std::vector<v1::AuditEvent> Events() {
    absl::StatusOr<std::vector<v1::AuditEvent>> events = env_.audit().List({});
    EXPECT_THAT(events, IsOk());
    return events.ok() ? *events : std::vector<v1::AuditEvent>{};
  }
  double Spent(absl::string_view analyst = kAnalyst, absl::string_view agreement = kAgreement) {
    absl::StatusOr<double> spent = env_.ledger().Spent(analyst, agreement);
    EXPECT_THAT(spent, IsOk());
    return spent.ok() ? *spent : -1;
  }

  LedgerEnv<Ledger> env_;
};

using LedgerTypes = ::testing::Types<RocksDbStore, FakePrivacyLedger>;
TYPED_TEST_SUITE(PrivacyLedgerContractTest, LedgerTypes);

TYPED_TEST(PrivacyLedgerContractTest, ChargesUntilExhaustedThenRefusesWithRemaining) {
  EXPECT_EQ(this->Spent(), 0);
  // Exact decimal values, not 1.0 - 0.3 * 3 = 0.10000000000000009: kept in micro-epsilon.
  const double after[] = {0.3, 0.6, 0.9};
  const double remaining[] = {0.7, 0.4, 0.1};
  for (int i = 0; i < 3; ++i) {
    CONFIDE_ASSERT_OK_AND_ASSIGN(ChargeOutcome outcome,
                                 this->Spend(Charge(absl::StrCat("q", i), 0.3, 1.0)));
    EXPECT_EQ(outcome.kind, ChargeOutcome::kCharged);
    EXPECT_EQ(outcome.spent_before, i == 0 ? 0 : after[i - 1]);
    EXPECT_EQ(outcome.spent_after, after[i]);
    EXPECT_EQ(outcome.remaining, remaining[i]);
  }
  CONFIDE_ASSERT_OK_AND_ASSIGN(ChargeOutcome refused, this->Spend(Charge("q4", 0.3, 1.0)));
  EXPECT_EQ(refused.kind, ChargeOutcome::kRefused);
  EXPECT_EQ(refused.spent_before, 0.9);
  EXPECT_EQ(refused.spent_after, 0.9);
  EXPECT_EQ(refused.remaining, 0.1);
  EXPECT_EQ(this->Spent(), 0.9);
  // What remains can still be spent, exactly to the end.
  CONFIDE_ASSERT_OK_AND_ASSIGN(ChargeOutcome last, this->Spend(Charge("q5", 0.1, 1.0)));
  EXPECT_EQ(last.kind, ChargeOutcome::kCharged);
  EXPECT_EQ(last.spent_after, 1.0);
  EXPECT_EQ(last.remaining, 0);
  CONFIDE_ASSERT_OK_AND_ASSIGN(ChargeOutcome tiny, this->Spend(Charge("q6", 1e-6, 1.0)));
  EXPECT_EQ(tiny.kind, ChargeOutcome::kRefused);
  EXPECT_EQ(this->Spent(), 1.0);
}

TYPED_TEST(PrivacyLedgerContractTest, SpendDoesNotDrift) {
  // 0.1 + 0.1 + ... in binary floating point is 0.9999999999999999 after ten terms.
  for (int i = 0; i < 10; ++i) {
    CONFIDE_ASSERT_OK_AND_ASSIGN(ChargeOutcome outcome,
                                 this->Spend(Charge(absl::StrCat("q", i), 0.1, 1.0)));
    EXPECT_EQ(outcome.kind, ChargeOutcome::kCharged) << i;
  }
  EXPECT_EQ(this->Spent(), 1.0);
  CONFIDE_ASSERT_OK_AND_ASSIGN(ChargeOutcome outcome, this->Spend(Charge("q10", 0.1, 1.0)));
  EXPECT_EQ(outcome.kind, ChargeOutcome::kRefused);
}

TYPED_TEST(PrivacyLedgerContractTest, RepeatCostsNothingEvenWhenExhausted) {
  CONFIDE_ASSERT_OK_AND_ASSIGN(ChargeOutcome first, this->Spend(Charge("same", 0.5, 1.0)));
  EXPECT_EQ(first.kind, ChargeOutcome::kCharged);
  CONFIDE_ASSERT_OK_AND_ASSIGN(ChargeOutcome again, this->Spend(Charge("same", 0.5, 1.0)));
  EXPECT_EQ(again.kind, ChargeOutcome::kRepeat);
  EXPECT_EQ(again.spent_before, 0.5);
  EXPECT_EQ(again.spent_after, 0.5);
  EXPECT_EQ(again.remaining, 0.5);
  ASSERT_THAT(this->Spend(Charge("other", 0.5, 1.0)), IsOk());
  EXPECT_EQ(this->Spent(), 1.0);
  // Exhausted, yet the same question (same noise, same answer) is still answered.
  CONFIDE_ASSERT_OK_AND_ASSIGN(ChargeOutcome late, this->Spend(Charge("same", 0.5, 1.0)));
  EXPECT_EQ(late.kind, ChargeOutcome::kRepeat);
  EXPECT_EQ(late.remaining, 0);
  // The same fingerprint at another epsilon is another answer: charged (here, refused).
  CONFIDE_ASSERT_OK_AND_ASSIGN(ChargeOutcome other_epsilon, this->Spend(Charge("same", 0.25, 1.0)));
  EXPECT_EQ(other_epsilon.kind, ChargeOutcome::kRefused);
}

TYPED_TEST(PrivacyLedgerContractTest, AnalystsAndAgreementsHaveSeparateBudgets) {
  ASSERT_THAT(this->Spend(Charge("q", 1.0, 1.0)), IsOk());
  CONFIDE_ASSERT_OK_AND_ASSIGN(ChargeOutcome other_analyst,
                               this->Spend(Charge("q", 0.4, 1.0, "confide://user/analyst/b")));
  EXPECT_EQ(other_analyst.kind, ChargeOutcome::kCharged);
  EXPECT_EQ(other_analyst.spent_before, 0);
  CONFIDE_ASSERT_OK_AND_ASSIGN(ChargeOutcome other_agreement,
                               this->Spend(Charge("q", 0.7, 1.0, kAnalyst, "other")));
  EXPECT_EQ(other_agreement.kind, ChargeOutcome::kCharged);
  EXPECT_EQ(other_agreement.spent_before, 0);
  EXPECT_EQ(this->Spent(), 1.0);
  EXPECT_EQ(this->Spent("confide://user/analyst/b"), 0.4);
  EXPECT_EQ(this->Spent(kAnalyst, "other"), 0.7);
  EXPECT_EQ(this->Spent("nobody", kAgreement), 0);
  // Identifiers are length-delimited: ("ab", "c") is not ("a", "bc").
  ASSERT_THAT(this->Spend(Charge("q", 0.2, 1.0, "ab", "c")), IsOk());
  EXPECT_EQ(this->Spent("a", "bc"), 0);
}

TYPED_TEST(PrivacyLedgerContractTest, LoweredBudgetRefusesAndNeverGoesNegative) {
  ASSERT_THAT(this->Spend(Charge("q1", 0.8, 1.0)), IsOk());
  CONFIDE_ASSERT_OK_AND_ASSIGN(ChargeOutcome outcome, this->Spend(Charge("q2", 0.1, 0.5)));
  EXPECT_EQ(outcome.kind, ChargeOutcome::kRefused);
  EXPECT_EQ(outcome.remaining, 0);
  EXPECT_EQ(outcome.spent_after, 0.8);
}

TYPED_TEST(PrivacyLedgerContractTest, EveryOutcomeIsAuditedInTheSameWrite) {
  std::vector<ChargeOutcome> seen;  // what make_audit was shown
  auto spend = [&](const BudgetCharge& charge) {
    return this->env_.ledger().Charge(charge, [&](const ChargeOutcome& outcome) {
      seen.push_back(outcome);
      return QueryEvent(charge, outcome);
    });
  };
  CONFIDE_ASSERT_OK_AND_ASSIGN(ChargeOutcome charged, spend(Charge("a", 0.6, 1.0)));
  CONFIDE_ASSERT_OK_AND_ASSIGN(ChargeOutcome repeat, spend(Charge("a", 0.6, 1.0)));
  CONFIDE_ASSERT_OK_AND_ASSIGN(ChargeOutcome refused, spend(Charge("b", 0.6, 1.0)));
  EXPECT_EQ(charged.audit_sequence, 1u);
  EXPECT_EQ(repeat.audit_sequence, 2u);
  EXPECT_EQ(refused.audit_sequence, 3u);
  const std::vector<v1::AuditEvent> events = this->Events();
  ASSERT_THAT(events, SizeIs(3));
  EXPECT_EQ(events[0].detail(), "charged spent 0.6 remaining 0.4");
  EXPECT_EQ(events[1].detail(), "repeat spent 0.6 remaining 0.4");
  EXPECT_EQ(events[2].detail(), "refused spent 0.6 remaining 0.4");
  EXPECT_EQ(events[2].decision(), v1::AuditEvent::DENY);
  EXPECT_EQ(events[2].actor(), kAnalyst);
  EXPECT_EQ(events[2].sequence(), 3u);
  // make_audit saw the final outcome, bar the sequence the write assigns.
  ASSERT_THAT(seen, SizeIs(3));
  EXPECT_EQ(seen[2].kind, ChargeOutcome::kRefused);
  EXPECT_EQ(seen[2].remaining, refused.remaining);
  EXPECT_EQ(seen[2].audit_sequence, 0u);
  // Plain appends share the sequence.
  CONFIDE_ASSERT_OK_AND_ASSIGN(uint64_t appended, this->env_.audit().Append(v1::AuditEvent()));
  EXPECT_EQ(appended, 4u);
  CONFIDE_ASSERT_OK_AND_ASSIGN(ChargeOutcome after, spend(Charge("c", 0.1, 1.0)));
  EXPECT_EQ(after.audit_sequence, 5u);
}

TYPED_TEST(PrivacyLedgerContractTest, RefusesMalformedChargesWithoutAuditing) {
  bool called = false;
  auto spend = [&](const BudgetCharge& charge) {
    return this->env_.ledger().Charge(charge, [&](const ChargeOutcome&) {
      called = true;
      return v1::AuditEvent();
    });
  };
  for (const BudgetCharge& bad :
       {Charge("", 0.1, 1), Charge("q", 0.1, 1, ""), Charge("q", 0.1, 1, kAnalyst, ""),
        Charge("q", 0, 1), Charge("q", -0.1, 1), Charge("q", std::nan(""), 1), Charge("q", 0.1, -1),
        Charge("q", 0.1, std::numeric_limits<double>::infinity()), Charge("q", 2e9, 1)}) {
    EXPECT_THAT(spend(bad), StatusIs(absl::StatusCode::kInvalidArgument))
        << bad.epsilon << " " << bad.budget;
  }
  EXPECT_FALSE(called);
  EXPECT_THAT(this->Events(), IsEmpty());
}

TYPED_TEST(PrivacyLedgerContractTest, ConcurrentChargesNeverOverspend) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  std::atomic<int> charged{0};
  std::atomic<int> refused{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // Budget 1.0 at 0.03 a query: exactly 33 charges fit, 0.01 is left.
        absl::StatusOr<ChargeOutcome> outcome =
            this->Spend(Charge(absl::StrCat("t", t, "q", i), 0.03, 1.0));
        if (!outcome.ok()) {
          failed.fetch_add(1);
        } else if (outcome->kind == ChargeOutcome::kCharged) {
          charged.fetch_add(1);
        } else if (outcome->kind == ChargeOutcome::kRefused) {
          refused.fetch_add(1);
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(charged.load(), 33);
  EXPECT_EQ(refused.load(), kThreads * kPerThread - 33);
  EXPECT_DOUBLE_EQ(this->Spent(), 0.99);
  const std::vector<v1::AuditEvent> events = this->Events();
  ASSERT_THAT(events, SizeIs(kThreads * kPerThread));
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].sequence(), i + 1);  // gap-free
  }
}

// Fake only: a failed audit append charges nothing.
TEST(FakePrivacyLedgerTest, FailedWriteChargesNothing) {
  InMemoryRecordStore store;
  FakePrivacyLedger ledger(store);
  auto spend = [&](const BudgetCharge& charge) {
    return ledger.Charge(charge, [&](const ChargeOutcome& o) { return QueryEvent(charge, o); });
  };
  store.FailWrites(true);
  EXPECT_THAT(spend(Charge("q", 0.5, 1.0)), StatusIs(absl::StatusCode::kUnavailable));
  store.FailWrites(false);
  ledger.FailWrites(true);
  EXPECT_THAT(spend(Charge("q", 0.5, 1.0)), StatusIs(absl::StatusCode::kUnavailable));
  ledger.FailWrites(false);
  EXPECT_THAT(ledger.Spent(kAnalyst, kAgreement), ::confide::testing::IsOkAndHolds(0.0));
  EXPECT_THAT(store.AllEvents(), IsEmpty());
  // Not remembered as charged either: the retry is a charge, not a free repeat.
  CONFIDE_ASSERT_OK_AND_ASSIGN(ChargeOutcome retry, spend(Charge("q", 0.5, 1.0)));
  EXPECT_EQ(retry.kind, ChargeOutcome::kCharged);
  ledger.FailReads(true);
  EXPECT_THAT(ledger.Spent(kAnalyst, kAgreement), StatusIs(absl::StatusCode::kUnavailable));
}

// RocksDB only.
class RocksDbPrivacyLedgerTest : public ::testing::Test {
 protected:
  absl::StatusOr<ChargeOutcome> Spend(RocksDbStore& store, const BudgetCharge& charge) {
    return store.Charge(charge, [&](const ChargeOutcome& o) { return QueryEvent(charge, o); });
  }
  StoreFactory<RocksDbStore> factory_;
};

TEST_F(RocksDbPrivacyLedgerTest, SpendSurvivesReopen) {
  {
    std::unique_ptr<RocksDbStore> store = factory_.Make();
    ASSERT_NE(store, nullptr);
    ASSERT_THAT(Spend(*store, Charge("q1", 0.7, 1.0)), IsOk());
    CONFIDE_ASSERT_OK_AND_ASSIGN(ChargeOutcome refused, Spend(*store, Charge("q2", 0.7, 1.0)));
    ASSERT_EQ(refused.kind, ChargeOutcome::kRefused);
  }
  std::unique_ptr<RocksDbStore> store = factory_.Make();  // re-verifies the audit tree
  ASSERT_NE(store, nullptr);
  EXPECT_THAT(store->Spent(kAnalyst, kAgreement), ::confide::testing::IsOkAndHolds(0.7));
  EXPECT_EQ(store->audit_events(), 2u);
  CONFIDE_ASSERT_OK_AND_ASSIGN(ChargeOutcome repeat, Spend(*store, Charge("q1", 0.7, 1.0)));
  EXPECT_EQ(repeat.kind, ChargeOutcome::kRepeat);
  EXPECT_EQ(repeat.audit_sequence, 3u);
  CONFIDE_ASSERT_OK_AND_ASSIGN(ChargeOutcome refused, Spend(*store, Charge("q3", 0.4, 1.0)));
  EXPECT_EQ(refused.kind, ChargeOutcome::kRefused);
  EXPECT_EQ(refused.remaining, 0.3);
}

TEST_F(RocksDbPrivacyLedgerTest, LedgerIsInvisibleToRecordsAndSurvivesPurgeAndWithdrawal) {
  std::unique_ptr<RocksDbStore> store = factory_.Make();
  ASSERT_NE(store, nullptr);
  // Dataset names that prefix the ledger's keys ('s' and 'q') and the empty one.
  for (const char* dataset : {"s", "q", ""}) {
    BatchWrite write;
    write.agency = "police";
    write.dataset = dataset;
    write.batch_id = absl::StrCat("b-", dataset);
    write.content_hash = "h";
    v1::StoredRecord record;
    record.set_dataset(dataset);
    record.set_agency("police");
    record.set_record_id("r1");
    record.set_batch_id(write.batch_id);
    record.set_event_time(1000);
    write.records.push_back(record);
    ASSERT_THAT(store->PutBatch(write, [](BatchOutcome) { return v1::AuditEvent(); }), IsOk());
  }
  for (const char* analyst : {"s", "q", "police"}) {
    ASSERT_THAT(Spend(*store, Charge("fp", 0.5, 1.0, analyst, "s")), IsOk());
  }
  for (const char* dataset : {"s", "q", ""}) {
    std::vector<std::string> seen;
    ASSERT_THAT(store->ScanDataset(
                    dataset, [&](const v1::StoredRecord& r) { seen.push_back(r.record_id()); }),
                IsOk());
    EXPECT_THAT(seen, ElementsAre("r1")) << "dataset '" << dataset << "'";
  }
  CONFIDE_ASSERT_OK_AND_ASSIGN(PurgeResult purged, store->PurgeBefore("s", 1 << 30, [](int64_t) {
    return v1::AuditEvent();
  }));
  EXPECT_EQ(purged.records_purged, 1);
  WithdrawalWrite withdrawal;
  withdrawal.agency = "police";
  withdrawal.dataset = "q";
  withdrawal.record_ids = {"r1"};
  CONFIDE_ASSERT_OK_AND_ASSIGN(
      WithdrawalResult withdrawn,
      store->Withdraw(withdrawal, [](const WithdrawalResult&) { return v1::AuditEvent(); }));
  EXPECT_EQ(withdrawn.records_removed, 1);
  EXPECT_THAT(store->Spent("s", "s"), ::confide::testing::IsOkAndHolds(0.5));
  EXPECT_THAT(store->Spent("police", "s"), ::confide::testing::IsOkAndHolds(0.5));
}

TEST_F(RocksDbPrivacyLedgerTest, DatabaseWithoutTheLedgerFamilyOpens) {
  {
    // A database as written before the ledger existed: the original six families.
    rocksdb::DBOptions options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const char* name :
         {"default", "records", "batches", "audit", "audit_leaves", "audit_heads"}) {
      families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, factory_.dir, families, &handles, &raw).ok());
    for (rocksdb::ColumnFamilyHandle* handle : handles) {
      raw->DestroyColumnFamilyHandle(handle);
    }
    delete raw;
  }
  std::unique_ptr<RocksDbStore> store = factory_.Make();
  ASSERT_NE(store, nullptr);
  EXPECT_THAT(store->Spent(kAnalyst, kAgreement), ::confide::testing::IsOkAndHolds(0.0));
  EXPECT_THAT(Spend(*store, Charge("q", 0.1, 1.0)), IsOk());
}

}  // namespace
}  // namespace confide::hub
