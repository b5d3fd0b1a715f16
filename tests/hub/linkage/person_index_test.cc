// PersonIndex: the partition rule on hand-made cases (twins, placeholders, weak keys, exclusive
// conflicts, withdrawal, re-push), and building from a store.

#include "hub/linkage/person_index.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "hub/storage/record_store.h"
#include "policy/policy.h"
#include "tests/fakes/in_memory_record_store.h"
#include "tests/hub/linkage/linkage_testing.h"
#include "tests/testing/status_matchers.h"

namespace confide::hub::linkage {
namespace {

using ::confide::testing::InMemoryRecordStore;
using ::confide::testing::IsOk;
using testing::Partition;
using testing::PartitionOf;
using testing::Rec;
using testing::Recipe;
using testing::Ref;
using testing::Show;
using testing::T;

Partition P(std::initializer_list<std::set<std::string>> groups) { return Partition(groups); }

// The index after adding `records` one batch each in the given order, and in reverse order, and
// all at once: the partition must not depend on arrival order.
Partition Cluster(const std::vector<v1::StoredRecord>& records, int max_per_token = 0) {
  PersonIndex together(Recipe(max_per_token));
  together.Upsert(records);
  Partition expected = PartitionOf(together, records);
  PersonIndex forwards(Recipe(max_per_token));
  PersonIndex backwards(Recipe(max_per_token));
  for (size_t i = 0; i < records.size(); ++i) {
    forwards.Upsert({records[i]});
    backwards.Upsert({records[records.size() - 1 - i]});
  }
  EXPECT_EQ(Show(PartitionOf(forwards, records)), Show(expected)) << "one at a time";
  EXPECT_EQ(Show(PartitionOf(backwards, records)), Show(expected)) << "reverse order";
  return expected;
}

TEST(PersonIndexTest, RecordsWithoutTokensArePersonsOfTheirOwn) {
  const std::vector<v1::StoredRecord> records = {Rec("ed", "a", {}), Rec("ed", "b", {}),
                                                 Rec("police", "a", {})};
  EXPECT_EQ(Show(Cluster(records)), Show(P({{"a"}, {"a"}, {"b"}})));
}

TEST(PersonIndexTest, SharedStrongKeyLinksAcrossDatasets) {
  const std::vector<v1::StoredRecord> records = {
      Rec("ed", "ed-1", {{"nhs", "111"}, {"name_dob_sex", "amy"}}),
      Rec("police", "police-1", {{"name_dob_sex", "amy"}}),
      Rec("police", "police-2", {{"name_dob_sex", "bob"}})};
  EXPECT_EQ(Show(Cluster(records)), Show(P({{"ed-1", "police-1"}, {"police-2"}})));
}

TEST(PersonIndexTest, TwinsSharingSurnameAndDobWithDifferentNhsNumbersStayApart) {
  // Amy and Anna Smith: same surname sound, initial and date of birth, different NHS numbers.
  const std::vector<v1::StoredRecord> records = {
      Rec("ed", "ed-amy",
          {{"nhs", "111"}, {"name_dob_sex", "amy"}, {"phonetic_initial_dob", "s530a"}}),
      Rec("ed", "ed-anna",
          {{"nhs", "222"}, {"name_dob_sex", "anna"}, {"phonetic_initial_dob", "s530a"}}),
      Rec("police", "police-amy", {{"name_dob_sex", "amy"}, {"phonetic_initial_dob", "s530a"}}),
      Rec("police", "police-anna", {{"name_dob_sex", "anna"}, {"phonetic_initial_dob", "s530a"}})};
  EXPECT_EQ(Show(Cluster(records)),
            Show(P({{"ed-amy", "police-amy"}, {"ed-anna", "police-anna"}})));
}

TEST(PersonIndexTest, PlaceholderIdentitySharedBy100RecordsLinksNobody) {
  std::vector<v1::StoredRecord> records;
  Partition expected;
  for (int i = 0; i < 100; ++i) {
    std::string id = absl::StrFormat("ed-%03d", i);
    // "Unknown Unknown 01/01/1980" gives every one of them the same name_dob_sex token.
    records.push_back(Rec("ed", id, {{"name_dob_sex", "unknown-1980"}, {"nhs", id}}));
    expected.insert({id});
  }
  PersonIndex index(Recipe());
  index.Upsert(records);
  EXPECT_EQ(Show(PartitionOf(index, records)), Show(expected));
  IndexStats stats = index.Stats();
  EXPECT_EQ(stats.records, 100);
  EXPECT_EQ(stats.persons, 100);
  EXPECT_EQ(stats.ambiguous_tokens, 1);
  // Two of them still link through a real token of another key.
  std::vector<v1::StoredRecord> more = {
      Rec("police", "police-1", {{"name_dob_sex", "unknown-1980"}, {"phonetic_initial_dob", "x"}}),
      Rec("ed", "ed-007",
          {{"name_dob_sex", "unknown-1980"}, {"nhs", "ed-007"}, {"phonetic_initial_dob", "x"}})};
  index.Upsert(more);
  records.push_back(more[0]);
  records[7] = more[1];
  expected.erase({"ed-007"});
  expected.insert({"ed-007", "police-1"});
  EXPECT_EQ(Show(PartitionOf(index, records)), Show(expected));
}

TEST(PersonIndexTest, GroupLinksUpToTheLimitAndStopsLinkingPastIt) {
  std::vector<v1::StoredRecord> records;
  for (int i = 0; i < 4; ++i) {
    records.push_back(Rec("ed", absl::StrCat("r", i), {{"name_dob_sex", "same"}}));
  }
  PersonIndex index(Recipe(/*max_records_per_token=*/4));
  index.Upsert(records);
  EXPECT_EQ(Show(PartitionOf(index, records)), Show(P({{"r0", "r1", "r2", "r3"}})));
  // A fifth record makes the token ambiguous: the group splits.
  records.push_back(Rec("ed", "r4", {{"name_dob_sex", "same"}}));
  index.Upsert({records.back()});
  EXPECT_EQ(Show(PartitionOf(index, records)), Show(P({{"r0"}, {"r1"}, {"r2"}, {"r3"}, {"r4"}})));
  // Withdrawing one brings it back under the limit: it links again.
  index.Remove({Ref(records[2])});
  records.erase(records.begin() + 2);
  EXPECT_EQ(Show(PartitionOf(index, records)), Show(P({{"r0", "r1", "r3", "r4"}})));
}

TEST(PersonIndexTest, WeakKeyAloneDoesNotMergeButWeakPlusASecondKeyDoes) {
  const std::vector<v1::StoredRecord> records = {
      // Only the weak name/birth-year/district key agrees.
      Rec("ed", "a1", {{"name_yob_district", "jo-1990-l8"}}),
      Rec("police", "a2", {{"name_yob_district", "jo-1990-l8"}}),
      // Both weak keys agree: each is the other's second key.
      Rec("ed", "b1", {{"name_yob_district", "al-1991-l4"}, {"name_dob_transposed", "al-1991"}}),
      Rec("police", "b2",
          {{"name_yob_district", "al-1991-l4"}, {"name_dob_transposed", "al-1991"}}),
      // The second token is a placeholder shared too widely to count.
      Rec("ed", "c1", {{"name_yob_district", "cy-1992-l1"}, {"phonetic_initial_dob", "shared"}}),
      Rec("police", "c2",
          {{"name_yob_district", "cy-1992-l1"}, {"phonetic_initial_dob", "shared"}}),
      Rec("police", "c3", {{"phonetic_initial_dob", "shared"}}),
  };
  EXPECT_EQ(Show(Cluster(records, /*max_per_token=*/2)),
            Show(P({{"a1"}, {"a2"}, {"b1", "b2"}, {"c1"}, {"c2"}, {"c3"}})));
}

TEST(PersonIndexTest, ExclusiveConflictThroughAChainOfStrongKeysIsRefused) {
  // a-b agree on name/dob/sex, b-c on the phonetic key, but a and c have different NHS numbers.
  const std::vector<v1::StoredRecord> records = {
      Rec("ed", "a", {{"nhs", "111"}, {"name_dob_sex", "x"}}),
      Rec("police", "b", {{"name_dob_sex", "x"}, {"phonetic_initial_dob", "p"}}),
      Rec("ed", "c", {{"nhs", "222"}, {"phonetic_initial_dob", "p"}}),
      Rec("police", "d", {{"phonetic_initial_dob", "p"}}),
  };
  // In the phonetic group c comes first (ed sorts before police): b cannot join it, and d, which
  // could join either, joins the first cluster met, c's.
  EXPECT_EQ(Show(Cluster(records)), Show(P({{"a", "b"}, {"c", "d"}})));
}

TEST(PersonIndexTest, TokensUnderDifferentKeyVersionsNeverConflict) {
  // During a key rotation one person's NHS number arrives under both versions.
  const std::vector<v1::StoredRecord> records = {
      Rec("ed", "a", {{"nhs", "111", "2026-1"}, {"name_dob_sex", "x"}}),
      Rec("ed", "b", {{"nhs", "111", "2027-1"}, {"name_dob_sex", "x"}}),
  };
  EXPECT_EQ(Show(Cluster(records)), Show(P({{"a", "b"}})));
}

TEST(PersonIndexTest, WithdrawalSplitsAClusterBridgedByTheWithdrawnRecord) {
  std::vector<v1::StoredRecord> records = {
      Rec("ed", "a", {{"nhs", "111"}}),
      Rec("ed", "bridge", {{"nhs", "111"}, {"name_dob_sex", "x"}}),
      Rec("police", "c", {{"name_dob_sex", "x"}}),
  };
  PersonIndex index(Recipe());
  index.Upsert(records);
  EXPECT_EQ(Show(PartitionOf(index, records)), Show(P({{"a", "bridge", "c"}})));
  index.Remove({Ref(records[1])});
  EXPECT_FALSE(index.PersonOf("ed", "ed-agency", "bridge").has_value());
  records.erase(records.begin() + 1);
  EXPECT_EQ(Show(PartitionOf(index, records)), Show(P({{"a"}, {"c"}})));
  EXPECT_EQ(index.Stats().records, 2);
}

TEST(PersonIndexTest, RepushWithDifferentTokensMovesTheRecord) {
  std::vector<v1::StoredRecord> records = {
      Rec("ed", "a", {{"name_dob_sex", "x"}}),
      Rec("ed", "b", {{"name_dob_sex", "x"}}),
      Rec("police", "c", {{"name_dob_sex", "y"}}),
  };
  PersonIndex index(Recipe());
  index.Upsert(records);
  EXPECT_EQ(Show(PartitionOf(index, records)), Show(P({{"a", "b"}, {"c"}})));
  // The agency corrects b's date of birth and pushes it again under the same record id.
  records[1] = Rec("ed", "b", {{"name_dob_sex", "y"}});
  index.Upsert({records[1]});
  EXPECT_EQ(Show(PartitionOf(index, records)), Show(P({{"a"}, {"b", "c"}})));
  EXPECT_EQ(index.Stats().records, 3);
}

TEST(PersonIndexTest, SameRecordIdInAnotherDatasetOrAgencyIsAnotherRecord) {
  const std::vector<v1::StoredRecord> records = {
      Rec("ed", "same-id", {{"name_dob_sex", "x"}}, "hospital-1"),
      Rec("ed", "same-id", {{"name_dob_sex", "y"}}, "hospital-2"),
  };
  PersonIndex index(Recipe());
  index.Upsert(records);
  EXPECT_NE(index.PersonOf("ed", "hospital-1", "same-id"),
            index.PersonOf("ed", "hospital-2", "same-id"));
  EXPECT_FALSE(index.PersonOf("police", "hospital-1", "same-id").has_value());
}

TEST(PersonIndexTest, TokensOfKeysOutsideTheRecipeAreIgnored) {
  const std::vector<v1::StoredRecord> records = {
      Rec("ed", "a", {{"retired_key", "x"}}),
      Rec("ed", "b", {{"retired_key", "x"}}),
  };
  EXPECT_EQ(Show(Cluster(records)), Show(P({{"a"}, {"b"}})));
}

TEST(PersonIndexTest, BuildsFromAStore) {
  absl::StatusOr<std::shared_ptr<const policy::Policy>> policy = policy::Policy::FromFile(
      CONFIDE_SOURCE_DIR "/deploy/policy/merseyside.textpb", absl::CivilDay(2026, 6, 1));
  ASSERT_THAT(policy, IsOk());
  InMemoryRecordStore store;
  auto put = [&](const std::string& batch_id, std::vector<v1::StoredRecord> records) {
    BatchWrite write;
    write.agency = records[0].agency();
    write.dataset = records[0].dataset();
    write.batch_id = batch_id;
    write.content_hash = batch_id;
    write.records = std::move(records);
    ASSERT_THAT(store.PutBatch(write, [](BatchOutcome) { return v1::AuditEvent(); }), IsOk());
  };
  put("ed-1", {Rec("ed_attendance", "ed-a", {{"nhs", "111"}, {"name_dob_sex", "amy"}}),
               Rec("ed_attendance", "ed-b", {{"nhs", "222"}})});
  put("police-1", {Rec("police_crime", "police-a", {{"name_dob_sex", "amy"}})});
  // A dataset the policy no longer declares is not read.
  put("retired-1", {Rec("retired_dataset", "old-a", {{"name_dob_sex", "amy"}})});
  absl::StatusOr<std::unique_ptr<PersonIndex>> index = PersonIndex::Build(store, **policy);
  ASSERT_THAT(index, IsOk());
  EXPECT_FALSE((*index)->PersonOf("retired_dataset", "retired_dataset-agency", "old-a"));
  EXPECT_EQ((*index)->Stats().records, 3);
  EXPECT_EQ((*index)->PersonOf("ed_attendance", "ed_attendance-agency", "ed-a"),
            (*index)->PersonOf("police_crime", "police_crime-agency", "police-a"));
  EXPECT_EQ((*index)->Stats().persons, 2);

  store.FailReads(true);
  EXPECT_FALSE(PersonIndex::Build(store, **policy).ok());
}

}  // namespace
}  // namespace confide::hub::linkage
