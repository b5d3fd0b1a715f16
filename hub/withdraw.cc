// Exchange::Withdraw: an agency removes records it pushed earlier, by record id (keyed hashes of
// its source references, computed at the agency) or by the batch ids of an earlier push.

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "hub/exchange.h"

namespace confide::hub {
namespace {

// One request stays well under gRPC's 4 MiB message limit; agents send larger lists in parts.
constexpr int kMaxIdsPerRequest = 100000;
constexpr size_t kMinRecordIdBytes = 16;
constexpr size_t kMaxRecordIdBytes = 64;
constexpr size_t kMaxBatchIdBytes = 128;

bool ValidBatchId(absl::string_view id) {
  return !id.empty() && id.size() <= kMaxBatchIdBytes &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
                  c == '.' || c == ':';
         });
}

absl::Status ValidateWithdrawal(const v1::WithdrawRequest& request) {
  const int ids = request.record_ids_size() + request.batch_ids_size();
  if (ids == 0 || ids > kMaxIdsPerRequest) {
    return absl::InvalidArgumentError(absl::StrCat("a withdrawal names 1 to ", kMaxIdsPerRequest,
                                                   " record or batch ids, got ", ids));
  }
  for (int i = 0; i < request.record_ids_size(); ++i) {
    const size_t size = request.record_ids(i).size();
    if (size < kMinRecordIdBytes || size > kMaxRecordIdBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("record id ", i, " must be ", kMinRecordIdBytes, "-", kMaxRecordIdBytes,
                       " bytes (a keyed hash of the source reference), got ", size));
    }
  }
  for (int i = 0; i < request.batch_ids_size(); ++i) {
    if (!ValidBatchId(request.batch_ids(i))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "batch id ", i, " must be 1-128 characters of letters, digits, '-', '_', '.' or ':'"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::WithdrawResponse> Exchange::Withdraw(const Identity& caller,
                                                        const v1::WithdrawRequest& request) {
  std::shared_ptr<const policy::Policy> current = policy();
  v1::AuditEvent event = NewEvent(caller, policy::Action::kWithdraw, *current);
  event.set_dataset(request.dataset());
  event.set_detail(absl::StrCat("withdrawal of ", request.record_ids_size(), " record ids and ",
                                request.batch_ids_size(), " batch ids requested"));
  policy::AccessRequest access;
  access.caller = caller;
  access.action = policy::Action::kWithdraw;
  access.datasets = {request.dataset()};
  CONFIDE_ASSIGN_OR_RETURN(policy::Decision decision, Authorize(*current, access, event));
  absl::Status valid = ValidateWithdrawal(request);
  if (!valid.ok()) {
    event.set_rule("withdraw.invalid-request");
    return AuditFailure(std::move(event), valid);
  }

  WithdrawalWrite write;
  // The agency comes from the authenticated certificate, never from the request: the store only
  // looks under this agency's keys, so another agency's records cannot be named.
  write.agency = decision.agency;
  write.dataset = request.dataset();
  write.record_ids.assign(request.record_ids().begin(), request.record_ids().end());
  write.batch_ids.assign(request.batch_ids().begin(), request.batch_ids().end());
  std::unique_lock<std::shared_mutex> linkage_lock(linkage_mu_);
  absl::StatusOr<WithdrawalResult> result =
      records_.Withdraw(write, [&](const WithdrawalResult& counts) {
        v1::AuditEvent out = event;
        out.set_record_count(counts.records_removed);
        out.set_reason(absl::StrCat(out.reason(), "; records withdrawn"));
        out.set_detail(absl::StrCat(
            "withdrew ", counts.records_removed, " records: ", request.record_ids_size(),
            " record ids requested (", counts.records_not_found, " not held for this agency), ",
            request.batch_ids_size(), " batch ids requested, ", counts.batches_removed,
            " batch entries cleared"));
        return out;
      });
  if (!result.ok()) {
    // Possibly after its durable write (while erasing the deleted bytes): the index cannot
    // tell what was removed.
    StoreWriteFailedLocked();
  } else {
    StoreWriteSucceededLocked();
  }
  if (result.ok()) {
    std::vector<linkage::RecordRef> removed;
    removed.reserve(result->removed_record_ids.size());
    for (const std::string& record_id : result->removed_record_ids) {
      removed.push_back(linkage::RecordRef{write.dataset, write.agency, record_id});
    }
    UnindexLocked(removed);
  }
  linkage_lock.unlock();
  if (!result.ok()) {
    return absl::UnavailableError(
        absl::StrCat("nothing was withdrawn; retry later: ", result.status().message()));
  }
  v1::WithdrawResponse response;
  response.set_records_removed(result->records_removed);
  response.set_records_not_found(result->records_not_found);
  response.set_batches_removed(result->batches_removed);
  response.set_audit_sequence(result->audit_sequence);
  return response;
}

}  // namespace confide::hub
