// Exchange and the person index: building it, keeping it in step with the store, handing it to
// queries.

#include <string>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "hub/exchange.h"

namespace confide::hub {
namespace {

// What the index depends on in a policy: the recipe and the datasets scanned to build it.
std::string LinkageInputs(const policy::Policy& policy) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    policy.proto().linkage().SerializeToCodedStream(&coded);
  }
  for (const v1::Dataset& dataset : policy.proto().datasets()) {
    absl::StrAppend(&bytes, std::string(1, '\0'), dataset.id());
  }
  return bytes;
}

}  // namespace

absl::StatusOr<linkage::IndexStats> Exchange::RebuildLinkage() {
  std::shared_ptr<const policy::Policy> current = policy();
  std::unique_lock<std::shared_mutex> lock(linkage_mu_);
  CONFIDE_RETURN_IF_ERROR(RebuildLinkageLocked(*current));
  return persons_->Stats();
}

absl::Status Exchange::RebuildLinkageLocked(const policy::Policy& policy) {
  DropLinkageLocked();
  CONFIDE_ASSIGN_OR_RETURN(persons_, linkage::PersonIndex::Build(records_, policy));
  persons_built_for_ = LinkageInputs(policy);
  return absl::OkStatus();
}

void Exchange::DropLinkageLocked() {
  persons_.reset();
  persons_built_for_.clear();
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

void Exchange::MaybeRebuildLinkage(const policy::Policy& policy) {
  std::unique_lock<std::shared_mutex> lock(linkage_mu_);
  if (persons_ != nullptr && persons_built_for_ != LinkageInputs(policy)) {
    // On failure the index is left missing, and the next query that needs it tries again.
    RebuildLinkageLocked(policy).IgnoreError();
  }
}

void Exchange::DropLinkage() {
  std::unique_lock<std::shared_mutex> lock(linkage_mu_);
  DropLinkageLocked();
}

absl::StatusOr<const linkage::PersonIndex*> Exchange::PersonsForQuery(
    const policy::Policy& policy, std::shared_lock<std::shared_mutex>& lock) {
  const std::string wanted = LinkageInputs(policy);
  // Normally the first look finds it. A rebuild needs the lock exclusively, and a write may
  // slip in between the rebuild and the shared lock, hence a few tries.
  for (int attempt = 0; attempt < 3; ++attempt) {
    lock = std::shared_lock<std::shared_mutex>(linkage_mu_);
    if (persons_ != nullptr && persons_built_for_ == wanted) {
      return persons_.get();
    }
    lock.unlock();
    std::unique_lock<std::shared_mutex> exclusive(linkage_mu_);
    if (persons_ == nullptr || persons_built_for_ != wanted) {
      absl::Status built = RebuildLinkageLocked(policy);
      if (!built.ok()) {
        return absl::UnavailableError(
            absl::StrCat("the person index could not be built; retry later: ", built.message()));
      }
    }
  }
  return absl::UnavailableError("the person index is being rebuilt; retry later");
}

}  // namespace confide::hub
