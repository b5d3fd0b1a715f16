#include "hub/linkage/person_index.h"

#include <mutex>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "hub/linkage/internal/index_state.h"

namespace confide::hub::linkage {
namespace {

// Staged changes are applied in chunks while scanning, so a build never holds the whole store.
constexpr size_t kApplyChunk = 4096;

std::string Key(absl::string_view dataset, absl::string_view agency, absl::string_view id) {
  return absl::StrCat(dataset, std::string(1, '\0'), agency, std::string(1, '\0'), id);
}

}  // namespace

PersonIndex::PersonIndex(const v1::LinkageRecipe& recipe)
    : state_(std::make_unique<internal::IndexState>(recipe)) {}

PersonIndex::~PersonIndex() = default;

absl::StatusOr<std::unique_ptr<PersonIndex>> PersonIndex::Build(const RecordStore& store,
                                                                const policy::Policy& policy) {
  auto index = std::make_unique<PersonIndex>(policy.proto().linkage());
  internal::IndexState& state = *index->state_;
  std::vector<internal::Change> changes;
  for (const v1::Dataset& dataset : policy.proto().datasets()) {
    absl::Status scanned = store.ScanDataset(dataset.id(), [&](const v1::StoredRecord& record) {
      state.StageUpsert(record, changes);
      if (changes.size() >= kApplyChunk) {
        state.Apply(changes, nullptr);
      }
    });
    state.Apply(changes, nullptr);
    if (!scanned.ok()) {
      return scanned;
    }
  }
  state.Recluster(nullptr);
  return index;
}

void PersonIndex::Upsert(absl::Span<const v1::StoredRecord> records) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  std::vector<internal::Change> changes;
  // The last occurrence of a record wins, and Apply() takes one change per record.
  absl::flat_hash_set<std::string> seen;
  for (auto it = records.rbegin(); it != records.rend(); ++it) {
    if (seen.insert(Key(it->dataset(), it->agency(), it->record_id())).second) {
      state_->StageUpsert(*it, changes);
    }
  }
  std::vector<uint32_t> seeds;
  state_->Apply(changes, &seeds);
  state_->Recluster(&seeds);
}

void PersonIndex::Remove(absl::Span<const RecordRef> records) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  std::vector<internal::Change> changes;
  absl::flat_hash_set<uint32_t> staged;
  for (const RecordRef& ref : records) {
    absl::optional<uint32_t> slot = state_->FindRecord(ref.dataset, ref.agency, ref.record_id);
    if (slot.has_value() && staged.insert(*slot).second) {
      state_->StageRemoval(*slot, changes);
    }
  }
  std::vector<uint32_t> seeds;
  state_->Apply(changes, &seeds);
  state_->Recluster(&seeds);
}

absl::optional<PersonId> PersonIndex::PersonOf(absl::string_view dataset, absl::string_view agency,
                                               absl::string_view record_id) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  absl::optional<uint32_t> slot = state_->FindRecord(dataset, agency, record_id);
  if (!slot.has_value()) {
    return absl::nullopt;
  }
  return state_->record(*slot).person;
}

IndexStats PersonIndex::Stats() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return state_->Stats();
}

}  // namespace confide::hub::linkage
