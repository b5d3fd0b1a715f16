#include "agent/withdraw.h"

#include <functional>
#include <iostream>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "agent/agent_config.h"
#include "agent/hub_client.h"
#include "agent/journal.h"
#include "agent/pseudonymiser.h"
#include "agent/receipt.h"
#include "common/files.h"
#include "common/grpc_client.h"

namespace confide::agent {
namespace {

// Ids per request: well under the hub's limit and gRPC's 4 MiB message size.
constexpr size_t kIdsPerRequest = 10000;

int UsageError(absl::string_view message) {
  std::cerr << "confide-agent: " << message << "\n";
  return kExitUsage;
}

int Fail(absl::string_view what, const absl::Status& status) {
  std::string message;
  int code = ExitCodeFor(status, &message);
  std::cerr << "confide-agent: " << what << ": " << message << "\n";
  return code;
}

struct References {
  int64_t read = 0;
  std::vector<std::string> record_ids;  // unique
};

// The mapped column (name and aliases) holding the dataset's record reference.
using ReferenceColumnFn = std::function<absl::StatusOr<const v1::ColumnMapping*>()>;

absl::StatusOr<References> ReadReferences(const std::string& path, const v1::AgentConfig& config,
                                          const std::string& dataset, Pseudonymiser& pseudonymiser,
                                          const ReferenceColumnFn& reference_column) {
  const v1::DatasetMapping* mapping = FindMapping(config, dataset);
  CsvOptions csv_options;
  if (mapping != nullptr) {
    absl::StatusOr<CsvOptions> configured = CsvOptionsFor(*mapping);
    if (!configured.ok()) {
      return configured.status();
    }
    csv_options = *configured;
  }
  absl::StatusOr<std::unique_ptr<CsvReader>> reader = CsvReader::Open(path, csv_options);
  if (!reader.ok()) {
    return reader.status();
  }
  References references;
  absl::flat_hash_set<std::string> seen;
  size_t column = 0;
  CsvRow row;
  for (bool first = true;; first = false) {
    absl::StatusOr<bool> more = (*reader)->Next(&row);
    if (!more.ok()) {
      return more.status();
    }
    if (!*more) {
      break;
    }
    if (first) {
      HeaderIndex index = HeaderIndex::Build(row.fields);
      if (row.fields.size() > 1) {
        // A CSV (e.g. the original extract): the mapped reference column holds the references.
        absl::StatusOr<const v1::ColumnMapping*> mapped = reference_column();
        if (!mapped.ok()) {
          return mapped.status();
        }
        std::vector<std::string> aliases((*mapped)->aliases().begin(), (*mapped)->aliases().end());
        absl::optional<size_t> found = index.Find((*mapped)->column(), aliases);
        if (!found.has_value()) {
          return absl::InvalidArgumentError(
              absl::StrCat(path, " has several columns but none is '", (*mapped)->column(),
                           "'; give a CSV with that column or a list with one reference per line"));
        }
        column = *found;
        continue;
      }
      // A one-column list: its first line is a header only if it names a mapped column.
      bool header = false;
      if (mapping != nullptr) {
        for (const v1::ColumnMapping& candidate : mapping->columns()) {
          std::vector<std::string> aliases(candidate.aliases().begin(), candidate.aliases().end());
          header = header || index.Find(candidate.column(), aliases).has_value();
        }
      }
      if (header) {
        continue;
      }
    }
    absl::string_view reference =
        column < row.fields.size() ? absl::StripAsciiWhitespace(row.fields[column]) : "";
    if (reference.empty()) {
      continue;
    }
    ++references.read;
    std::string id = pseudonymiser.RecordId(dataset, reference);
    if (seen.insert(id).second) {
      references.record_ids.push_back(std::move(id));
    }
  }
  return references;
}

}  // namespace

int RunWithdraw(const WithdrawOptions& options) {
  absl::StatusOr<v1::AgentConfig> config = LoadAgentConfig(options.config_path);
  if (!config.ok()) {
    return UsageError(config.status().message());
  }
  absl::StatusOr<std::unique_ptr<HubClient>> client = HubClient::Connect(*config);
  if (!client.ok()) {
    return UsageError(client.status().message());
  }

  std::vector<v1::WithdrawRequest> requests;
  std::string what;
  if (!options.receipt_path.empty()) {
    absl::StatusOr<v1::PushReceipt> receipt = ReadReceipt(options.receipt_path);
    if (!receipt.ok()) {
      return UsageError(receipt.status().message());
    }
    if (receipt->dataset() != options.dataset) {
      return UsageError(absl::StrCat(options.receipt_path, " is a receipt for dataset '",
                                     receipt->dataset(), "', not '", options.dataset, "'"));
    }
    for (const v1::PushReceipt::BatchOutcome& batch : receipt->batches()) {
      if (requests.empty() || requests.back().batch_ids_size() >= int{kIdsPerRequest}) {
        requests.emplace_back().set_dataset(options.dataset);
      }
      requests.back().add_batch_ids(batch.batch_id());
    }
    what = absl::StrFormat("the push of %s (%s, %d batches)", receipt->file().name(),
                           receipt->finished(), receipt->batches_size());
  } else {
    // The same keyed record ids the push computed: the record-id key (pinned across linkage key
    // rotations) is all that is used, so no linkage recipe is needed.
    absl::StatusOr<LinkageKeys> linkage_keys = LoadLinkageKeys(*config);
    if (!linkage_keys.ok()) {
      return UsageError(absl::StrCat("linkage key: ", linkage_keys.status().message()));
    }
    absl::StatusOr<std::unique_ptr<Pseudonymiser>> pseudonymiser =
        Pseudonymiser::Create(*std::move(linkage_keys), v1::LinkageRecipe());
    if (!pseudonymiser.ok()) {
      return UsageError(absl::StrCat("linkage key: ", pseudonymiser.status().message()));
    }
    absl::Status schema_status;
    v1::Dataset schema;
    auto reference_column = [&]() -> absl::StatusOr<const v1::ColumnMapping*> {
      const v1::DatasetMapping* mapping = FindMapping(*config, options.dataset);
      if (mapping == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat(options.config_path, " has no mapping for dataset '", options.dataset,
                         "', so the reference column is unknown: give a list with one "
                         "reference per line"));
      }
      absl::StatusOr<v1::GetDatasetResponse> response = (*client)->GetDataset(options.dataset);
      if (!response.ok()) {
        schema_status = response.status();
        return response.status();
      }
      for (const v1::ColumnMapping& column : mapping->columns()) {
        if (column.field() == response->dataset().record_reference_field()) {
          return &column;
        }
      }
      return absl::InvalidArgumentError(
          absl::StrCat("the mapping for '", options.dataset, "' does not map field '",
                       response->dataset().record_reference_field(), "'"));
    };
    absl::StatusOr<References> references = ReadReferences(
        options.references_path, *config, options.dataset, **pseudonymiser, reference_column);
    if (!schema_status.ok()) {
      return Fail(absl::StrCat("fetching the schema of '", options.dataset, "'"), schema_status);
    }
    if (!references.ok()) {
      return UsageError(absl::StrCat(options.references_path, ": ", references.status().message()));
    }
    if (references->record_ids.empty()) {
      return UsageError(absl::StrCat(options.references_path, " lists no references"));
    }
    for (std::string& id : references->record_ids) {
      if (requests.empty() || requests.back().record_ids_size() >= int{kIdsPerRequest}) {
        requests.emplace_back().set_dataset(options.dataset);
      }
      requests.back().add_record_ids(std::move(id));
    }
    what = absl::StrCat(references->read, " references");
  }
  if (requests.empty()) {
    return UsageError(absl::StrCat(options.receipt_path, " lists no batches"));
  }

  v1::WithdrawResponse total;
  for (size_t i = 0; i < requests.size(); ++i) {
    absl::StatusOr<v1::WithdrawResponse> response = (*client)->Withdraw(requests[i]);
    if (!response.ok()) {
      if (i > 0) {
        std::cerr << "confide-agent: " << total.records_removed()
                  << " records were withdrawn before the failure; run the same command again "
                     "to finish\n";
      }
      return Fail(absl::StrCat("withdrawing from '", options.dataset, "'"), response.status());
    }
    total.set_records_removed(total.records_removed() + response->records_removed());
    total.set_records_not_found(total.records_not_found() + response->records_not_found());
    total.set_batches_removed(total.batches_removed() + response->batches_removed());
    total.set_audit_sequence(response->audit_sequence());
  }
  // The hub no longer holds what the dataset's push journals list as acknowledged.
  if (absl::Status cleared = PushJournal::Clear(config->journal_dir(), options.dataset);
      !cleared.ok()) {
    std::cerr << "confide-agent: warning: " << cleared.message() << "\n";
  }
  std::cout << absl::StrFormat(
      "withdrew from %s: %s, %d records removed, %d not held for your agency at the hub, %d "
      "batch entries cleared (hub audit event %d)\n",
      options.dataset, what, total.records_removed(), total.records_not_found(),
      total.batches_removed(), total.audit_sequence());
  return kExitOk;
}

}  // namespace confide::agent
