// RocksDbStore as a PrivacyLedger (the rest of the class is in rocksdb_store.cc).
//
// Column family "privacy_ledger", two kinds of key, each part length-prefixed (4 bytes
// big-endian) so that no identifier can forge another's key:
//   's' | analyst | agreement                          -> spent micro-epsilon, 8 bytes big-endian
//   'q' | analyst | agreement | fingerprint | u64be(charged micro-epsilon)
//                                                      -> audit sequence of the charge, 8 bytes
// Nothing here is ever deleted: retention and withdrawal touch other families only, and a spend
// must outlive the data it was spent on.

#include <mutex>
#include <shared_mutex>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "hub/storage/internal/rocksdb_status.h"
#include "hub/storage/rocksdb_store.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace confide::hub {
namespace {

using internal::FromRocks;

std::string BigEndian(uint64_t value, int bytes) {
  std::string out(static_cast<size_t>(bytes), '\0');
  for (int i = bytes - 1; i >= 0; --i) {
    out[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

void AppendPart(std::string& key, absl::string_view part) {
  absl::StrAppend(&key, BigEndian(part.size(), 4), part);
}

std::string SpentKey(absl::string_view analyst, absl::string_view agreement) {
  std::string key = "s";
  AppendPart(key, analyst);
  AppendPart(key, agreement);
  return key;
}

std::string QueryKey(const BudgetCharge& charge) {
  std::string key = "q";
  AppendPart(key, charge.analyst);
  AppendPart(key, charge.agreement);
  AppendPart(key, charge.query_fingerprint);
  absl::StrAppend(&key, BigEndian(ledger::ChargeMicros(charge.epsilon), 8));
  return key;
}

absl::StatusOr<int64_t> DecodeMicros(const std::string& value) {
  if (value.size() != 8) {
    return absl::DataLossError(
        absl::StrCat("expected an 8-byte privacy spend, got ", value.size(), " bytes"));
  }
  uint64_t micros = 0;
  for (char c : value) {
    micros = (micros << 8) | static_cast<unsigned char>(c);
  }
  if (micros > static_cast<uint64_t>(INT64_MAX)) {
    return absl::DataLossError("a stored privacy spend is out of range");
  }
  return static_cast<int64_t>(micros);
}

// Spent micro-epsilon under `key` (0 when absent).
absl::StatusOr<int64_t> ReadSpent(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family,
                                  const std::string& key) {
  std::string value;
  rocksdb::Status get = db.Get(rocksdb::ReadOptions(), family, key, &value);
  if (get.IsNotFound()) {
    return 0;
  }
  CONFIDE_RETURN_IF_ERROR(FromRocks(get, "reading privacy spend"));
  return DecodeMicros(value);
}

}  // namespace

absl::StatusOr<ChargeOutcome> RocksDbStore::Charge(
    const BudgetCharge& charge,
    const std::function<v1::AuditEvent(const ChargeOutcome&)>& make_audit) {
  CONFIDE_RETURN_IF_ERROR(ledger::ValidateCharge(charge));
  // Under write_mu_ nothing else writes, so the spend read here is the one the batch replaces:
  // concurrent charges for one analyst are serialised and cannot overspend.
  std::lock_guard<std::mutex> lock(write_mu_);
  CONFIDE_RETURN_IF_ERROR(EnsureWritable());
  const std::string spent_key = SpentKey(charge.analyst, charge.agreement);
  const std::string query_key = QueryKey(charge);
  CONFIDE_ASSIGN_OR_RETURN(const int64_t spent,
                           ReadSpent(*db_, handles_[kPrivacyLedger], spent_key));
  std::string ignored;
  rocksdb::Status get =
      db_->Get(rocksdb::ReadOptions(), handles_[kPrivacyLedger], query_key, &ignored);
  if (!get.ok() && !get.IsNotFound()) {
    return FromRocks(get, "looking up a charged query");
  }
  ledger::Decision decision = ledger::Decide(charge, spent, /*repeat=*/get.ok());
  rocksdb::WriteBatch batch;
  if (decision.outcome.kind == ChargeOutcome::kCharged) {
    CONFIDE_RETURN_IF_ERROR(
        FromRocks(batch.Put(handles_[kPrivacyLedger], spent_key,
                            BigEndian(static_cast<uint64_t>(decision.spent_after_micros), 8)),
                  "staging privacy spend"));
    CONFIDE_RETURN_IF_ERROR(
        FromRocks(batch.Put(handles_[kPrivacyLedger], query_key, BigEndian(next_sequence_, 8)),
                  "staging charged query"));
  }
  v1::AuditEvent event = make_audit(decision.outcome);
  MerkleFrontier frontier = frontier_;
  CONFIDE_RETURN_IF_ERROR(StageAudit(batch, event, next_sequence_, frontier));
  CONFIDE_RETURN_IF_ERROR(WriteDurably(batch, "writing privacy charge"));
  frontier_ = std::move(frontier);
  root_ = frontier_.Root();
  decision.outcome.audit_sequence = next_sequence_++;
  return decision.outcome;
}

absl::StatusOr<double> RocksDbStore::Spent(absl::string_view analyst,
                                           absl::string_view agreement) const {
  CONFIDE_ASSIGN_OR_RETURN(std::shared_lock<std::shared_mutex> reading, ReadAccess());
  CONFIDE_ASSIGN_OR_RETURN(const int64_t spent,
                           ReadSpent(*db_, handles_[kPrivacyLedger], SpentKey(analyst, agreement)));
  return ledger::MicrosToEpsilon(spent);
}

}  // namespace confide::hub
