// Exchange::Push: validate a batch against the dataset schema, re-key its tokens and store it
// atomically with its audit event.

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/crypto/hash.h"
#include "common/status_macros.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "hub/exchange.h"

namespace confide::hub {
namespace {

constexpr size_t kMaxBatchIdBytes = 128;
constexpr size_t kMinRecordIdBytes = 16;
constexpr size_t kMaxRecordIdBytes = 64;
constexpr size_t kTokenBytes = 32;
constexpr size_t kMaxValueBytes = 256;
// 1900-01-01 .. 2100-01-01 in civil seconds since 1970.
constexpr int64_t kMinEventTime = -2208988800;
constexpr int64_t kMaxEventTime = 4102444800;

bool ValidBatchId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxBatchIdBytes) {
    return false;
  }
  return std::all_of(id.begin(), id.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
           c == ':';
  });
}

absl::Status CheckValue(const v1::Field& field, absl::string_view value, int index) {
  auto bad = [&](absl::string_view expected) {
    return absl::InvalidArgumentError(
        absl::StrCat("record ", index, ": value of '", field.name(), "' is not ", expected));
  };
  if (value.size() > kMaxValueBytes) {
    return bad(absl::StrCat("at most ", kMaxValueBytes, " bytes"));
  }
  switch (field.type()) {
    case v1::Field::ENUM:
      if (std::find(field.codes().begin(), field.codes().end(), value) == field.codes().end()) {
        return bad("one of the dataset's codes");
      }
      break;
    case v1::Field::INTEGER: {
      int64_t parsed;
      if (!absl::SimpleAtoi(value, &parsed)) {
        return bad("an integer");
      }
      break;
    }
    case v1::Field::BOOLEAN:
      if (value != "true" && value != "false") {
        return bad("true or false");
      }
      break;
    default:
      break;
  }
  return absl::OkStatus();
}

// Re-validates what the agent sent: only the dataset's sendable values, well-formed tokens for
// the policy's match keys, no identifiers. Messages never echo values.
absl::Status ValidateBatch(const policy::Policy& policy, const v1::Dataset& dataset,
                           const v1::Batch& batch, int max_records) {
  if (!ValidBatchId(batch.batch_id())) {
    return absl::InvalidArgumentError(
        "batch_id must be 1-128 characters of letters, digits, '-', '_', '.' or ':'");
  }
  if (batch.records().empty() || batch.records_size() > max_records) {
    return absl::InvalidArgumentError(
        absl::StrCat("a batch holds 1 to ", max_records, " records, got ", batch.records_size()));
  }
  absl::flat_hash_map<std::string, const v1::Field*> sendable;
  for (const v1::Field& field : dataset.fields()) {
    if (field.class_() == v1::Field::ATTRIBUTE && field.name() != dataset.event_time_field()) {
      sendable[field.name()] = &field;
    } else if (field.class_() == v1::Field::QUASI_IDENTIFIER) {
      sendable[field.output_name()] = &field;
    }
  }
  const v1::LinkageRecipe& recipe = policy.proto().linkage();
  absl::flat_hash_set<std::string> match_keys;
  for (const v1::MatchKey& key : recipe.match_keys()) {
    match_keys.insert(key.id());
  }
  const absl::flat_hash_set<std::string> key_versions(recipe.key_versions().begin(),
                                                      recipe.key_versions().end());
  absl::flat_hash_set<std::string> record_ids;
  for (int i = 0; i < batch.records_size(); ++i) {
    const v1::WireRecord& record = batch.records(i);
    if (record.record_id().size() < kMinRecordIdBytes ||
        record.record_id().size() > kMaxRecordIdBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("record ", i, ": record_id must be ", kMinRecordIdBytes, "-",
                       kMaxRecordIdBytes, " bytes (a keyed hash of the source reference)"));
    }
    if (!record_ids.insert(record.record_id()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("record ", i, ": repeats a record_id earlier in the batch"));
    }
    if (record.event_time() < kMinEventTime || record.event_time() > kMaxEventTime ||
        record.event_time() % 3600 != 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "record ", i, ": event_time must be between 1900 and 2100 and truncated to the hour"));
    }
    for (const auto& [name, value] : record.values()) {
      auto field = sendable.find(name);
      if (field == sendable.end()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "record ", i, ": '", name.size() > 64 ? "(long name)" : name,
            "' is not a value dataset '", dataset.id(), "' accepts (identifiers are never sent)"));
      }
      if (field->second->class_() == v1::Field::ATTRIBUTE) {
        CONFIDE_RETURN_IF_ERROR(CheckValue(*field->second, value, i));
      } else if (value.size() > kMaxValueBytes) {
        return absl::InvalidArgumentError(absl::StrCat("record ", i, ": value too long"));
      }
    }
    absl::flat_hash_set<std::pair<std::string, std::string>> keys_seen;
    for (const v1::MatchToken& token : record.tokens()) {
      if (!match_keys.contains(token.key_id()) || token.token().size() != kTokenBytes ||
          token.key_version().empty() || token.key_version().size() > 64) {
        return absl::InvalidArgumentError(
            absl::StrCat("record ", i,
                         ": tokens must be 32-byte HMACs for a match key in the policy's "
                         "linkage recipe, with a key version"));
      }
      // Tokens under a retired (or mistyped) key version would never match anyone else's. The
      // version sent is not echoed: the message names what is accepted.
      if (!key_versions.empty() && !key_versions.contains(token.key_version())) {
        return absl::InvalidArgumentError(
            absl::StrCat("record ", i, ": the token for match key '", token.key_id(),
                         "' is under a linkage key version the hub does not accept (accepted: ",
                         absl::StrJoin(recipe.key_versions(), ", "),
                         "); set linkage_key_version in the agent config to one of these"));
      }
      // One person has one value per key: two tokens for one key and version cannot both hold.
      if (!keys_seen.emplace(token.key_id(), token.key_version()).second) {
        return absl::InvalidArgumentError(absl::StrCat("record ", i, ": two tokens for match key '",
                                                       token.key_id(), "' under one key version"));
      }
    }
  }
  return absl::OkStatus();
}

std::string ContentHash(const v1::Batch& batch) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    batch.SerializeToCodedStream(&coded);
  }
  return crypto::Sha256(bytes);
}

}  // namespace

absl::StatusOr<v1::PushAck> Exchange::Push(const Identity& caller, const v1::Batch& batch) {
  std::shared_ptr<const policy::Policy> current = policy();
  v1::AuditEvent event = NewEvent(caller, policy::Action::kPush, *current);
  event.set_dataset(batch.dataset());
  event.set_record_count(batch.records_size());
  event.set_detail(
      absl::StrCat("batch ", ValidBatchId(batch.batch_id()) ? batch.batch_id() : "(invalid id)"));
  policy::AccessRequest access;
  access.caller = caller;
  access.action = policy::Action::kPush;
  access.datasets = {batch.dataset()};
  CONFIDE_ASSIGN_OR_RETURN(policy::Decision decision, Authorize(*current, access, event));
  const v1::Dataset& dataset = *current->FindDataset(batch.dataset());
  absl::Status valid = ValidateBatch(*current, dataset, batch, options_.max_batch_records);
  if (!valid.ok()) {
    event.set_rule("ingest.invalid-batch");
    return AuditFailure(std::move(event), valid);
  }

  BatchWrite write;
  write.agency = decision.agency;
  write.dataset = batch.dataset();
  write.batch_id = batch.batch_id();
  write.content_hash = ContentHash(batch);
  write.records.reserve(batch.records_size());
  crypto::HmacSha256Signer rekey(hub_secret_);
  for (const v1::WireRecord& wire : batch.records()) {
    v1::StoredRecord& stored = write.records.emplace_back();
    stored.set_dataset(batch.dataset());
    stored.set_agency(decision.agency);
    stored.set_record_id(wire.record_id());
    stored.set_event_time(wire.event_time());
    *stored.mutable_values() = wire.values();
    stored.set_batch_id(batch.batch_id());
    for (const v1::MatchToken& token : wire.tokens()) {
      v1::MatchToken* rekeyed = stored.add_tokens();
      rekeyed->set_key_id(token.key_id());
      rekeyed->set_key_version(token.key_version());
      // Tokens at rest differ from tokens on the wire: a copy of the store alone cannot be
      // joined with tokens captured from (or computed by) an agency.
      rekeyed->set_token(
          rekey.Sign(absl::StrCat("confide-rekey-v1", std::string(1, '\0'), token.key_id(),
                                  std::string(1, '\0'), token.key_version(), std::string(1, '\0')),
                     token.token()));
    }
  }

  // The store write and the person index update happen under one lock, so the index follows
  // the store's order of writes and queries never see one without the other.
  std::unique_lock<std::shared_mutex> linkage_lock(linkage_mu_);
  absl::StatusOr<PutBatchResult> result = records_.PutBatch(write, [&event](BatchOutcome outcome) {
    v1::AuditEvent out = event;
    switch (outcome) {
      case BatchOutcome::kStored:
        out.set_reason(absl::StrCat(out.reason(), "; stored"));
        break;
      case BatchOutcome::kDuplicate:
        out.set_reason(
            absl::StrCat(out.reason(), "; duplicate of a stored batch, not stored again"));
        break;
      case BatchOutcome::kConflict:
        out.set_decision(v1::AuditEvent::ERROR);
        out.set_rule("ingest.batch-conflict");
        out.set_reason("ALERT: batch id reused with different content; nothing overwritten");
        break;
    }
    return out;
  });
  if (!result.ok()) {
    StoreWriteFailedLocked();
  } else {
    StoreWriteSucceededLocked();
    if (result->outcome == BatchOutcome::kStored) {
      IndexStoredLocked(write.records);
    }
  }
  linkage_lock.unlock();
  if (!result.ok()) {
    return absl::UnavailableError(absl::StrCat(
        "batch not acknowledged (storage failed before it was durable; if it reached the disk "
        "anyway, pushing it again is answered as a duplicate); retry later: ",
        result.status().message()));
  }
  if (result->outcome == BatchOutcome::kConflict) {
    return absl::FailedPreconditionError(
        absl::StrCat("batch ", batch.batch_id(),
                     " was already stored with different content; nothing was overwritten"));
  }
  v1::PushAck ack;
  ack.set_batch_id(batch.batch_id());
  ack.set_outcome(result->outcome == BatchOutcome::kStored ? v1::PushAck::STORED
                                                           : v1::PushAck::DUPLICATE);
  ack.set_records(batch.records_size());
  ack.set_audit_sequence(result->audit_sequence);
  return ack;
}

}  // namespace confide::hub
