// Exchange and its analytics state (the person index and the columns): building them, keeping
// them in step with the store, handing them to queries.

#include <string>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "hub/exchange.h"

namespace confide::hub {
namespace {

// What the index and the columns depend on in a policy: the recipe, the datasets and the
// reference data (areas, populations, harm weights).
std::string LinkageInputs(const policy::Policy& policy) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    policy.proto().linkage().SerializeToCodedStream(&coded);
    for (const v1::Dataset& dataset : policy.proto().datasets()) {
      dataset.SerializeToCodedStream(&coded);
    }
    policy.proto().reference().SerializeToCodedStream(&coded);
  }
  return bytes;
}

}  // namespace

absl::StatusOr<linkage::IndexStats> Exchange::RebuildLinkage() {
  std::shared_ptr<const policy::Policy> current = policy();
  std::unique_lock<std::shared_mutex> lock(linkage_mu_);
  CONFIDE_RETURN_IF_ERROR(RebuildLinkageLocked(current));
  return persons_->Stats();
}

absl::Status Exchange::RebuildLinkageLocked(std::shared_ptr<const policy::Policy> policy) {
  DropLinkageLocked();
  CONFIDE_ASSIGN_OR_RETURN(std::unique_ptr<linkage::PersonIndex> persons,
                           linkage::PersonIndex::Build(records_, *policy));
  auto columns = std::make_unique<analytics::ColumnStore>(policy);
  for (const v1::Dataset& dataset : policy->proto().datasets()) {
    CONFIDE_RETURN_IF_ERROR(records_.ScanDataset(
        dataset.id(), [&](const v1::StoredRecord& record) { columns->Upsert(record); }));
  }
  persons_ = std::move(persons);
  columns_ = std::move(columns);
  persons_built_for_ = LinkageInputs(*policy);
  return RefreshPersonsLocked();
}

absl::Status Exchange::RefreshPersonsLocked() {
  absl::Status refreshed = columns_->RefreshPersons(
      [this](absl::string_view dataset, absl::string_view agency, absl::string_view record_id) {
        return persons_->PersonOf(dataset, agency, record_id);
      });
  if (!refreshed.ok()) {
    DropLinkageLocked();  // out of step with the store: rebuilt by the next query
  }
  return refreshed;
}

void Exchange::DropLinkageLocked() {
  persons_.reset();
  columns_.reset();
  persons_built_for_.clear();
}

void Exchange::IndexStoredLocked(const std::vector<v1::StoredRecord>& records) {
  if (persons_ == nullptr) {
    return;
  }
  persons_->Upsert(records);
  for (const v1::StoredRecord& record : records) {
    columns_->Upsert(record);
  }
}

void Exchange::UnindexLocked(const std::vector<linkage::RecordRef>& records) {
  if (persons_ == nullptr) {
    return;
  }
  persons_->Remove(records);
  for (const linkage::RecordRef& record : records) {
    columns_->Remove(record.dataset, record.agency, record.record_id);
  }
}

void Exchange::StoreWriteFailedLocked() {
  // The write's effect is unknown: the store may even surface it later, when it recovers.
  DropLinkageLocked();
  store_write_failed_ = true;
}

void Exchange::StoreWriteSucceededLocked() {
  // A write succeeds only once the store has recovered from an earlier failure, and an index
  // built since that failure may predate the recovery: build it again.
  if (store_write_failed_) {
    DropLinkageLocked();
    store_write_failed_ = false;
  }
}

void Exchange::MaybeRebuildLinkage(std::shared_ptr<const policy::Policy> policy) {
  std::unique_lock<std::shared_mutex> lock(linkage_mu_);
  if (persons_ != nullptr && persons_built_for_ != LinkageInputs(*policy)) {
    // On failure the index is left missing, and the next query that needs it tries again.
    RebuildLinkageLocked(policy).IgnoreError();
  }
}

void Exchange::DropLinkage() {
  std::unique_lock<std::shared_mutex> lock(linkage_mu_);
  DropLinkageLocked();
}

absl::StatusOr<const analytics::ColumnStore*> Exchange::ColumnsForQuery(
    std::shared_ptr<const policy::Policy> policy, bool needs_persons,
    std::shared_lock<std::shared_mutex>& lock) {
  const std::string wanted = LinkageInputs(*policy);
  // Normally the first look finds them. A rebuild needs the lock exclusively, and a write may
  // slip in between the rebuild and the shared lock, hence a few tries.
  for (int attempt = 0; attempt < 3; ++attempt) {
    lock = std::shared_lock<std::shared_mutex>(linkage_mu_);
    if (columns_ != nullptr && persons_built_for_ == wanted &&
        (!needs_persons || columns_->PersonsCurrent())) {
      return columns_.get();
    }
    lock.unlock();
    std::unique_lock<std::shared_mutex> exclusive(linkage_mu_);
    absl::Status built = absl::OkStatus();
    if (columns_ == nullptr || persons_built_for_ != wanted) {
      built = RebuildLinkageLocked(policy);
    } else if (needs_persons && !columns_->PersonsCurrent()) {
      built = RefreshPersonsLocked();
    }
    if (!built.ok()) {
      return absl::UnavailableError(
          absl::StrCat("the analytics index could not be built; retry later: ", built.message()));
    }
  }
  return absl::UnavailableError("the analytics index is being rebuilt; retry later");
}

}  // namespace confide::hub
