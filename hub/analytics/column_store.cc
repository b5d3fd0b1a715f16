#include "hub/analytics/column_store.h"

#include "absl/strings/str_cat.h"
#include "hub/analytics/column_query.h"
#include "hub/analytics/dataset_table.h"

namespace confide::hub::analytics {

ColumnStore::ColumnStore(std::shared_ptr<const policy::Policy> policy)
    : policy_(std::move(policy)) {
  for (const v1::Dataset& dataset : policy_->proto().datasets()) {
    tables_.emplace(dataset.id(), std::make_unique<DatasetTable>(*policy_, dataset));
  }
}

ColumnStore::~ColumnStore() = default;

void ColumnStore::Upsert(const v1::StoredRecord& record) {
  auto table = tables_.find(record.dataset());
  if (table == tables_.end()) {
    return;
  }
  table->second->Upsert(record);
  persons_current_ = false;
}

void ColumnStore::Remove(absl::string_view dataset, absl::string_view agency,
                         absl::string_view record_id) {
  auto table = tables_.find(dataset);
  if (table == tables_.end()) {
    return;
  }
  table->second->Remove(agency, record_id);
  // A removal can split a person, so the ordinals of the rest may be stale.
  persons_current_ = false;
}

int64_t ColumnStore::RowCount(absl::string_view dataset) const {
  const DatasetTable* table = Table(dataset);
  return table == nullptr ? 0 : table->live_count();
}

const DatasetTable* ColumnStore::Table(absl::string_view dataset) const {
  auto table = tables_.find(dataset);
  return table == tables_.end() ? nullptr : table->second.get();
}

absl::Status ColumnStore::RefreshPersons(const PersonLookup& person_of) {
  absl::flat_hash_map<uint64_t, uint32_t> ordinal;
  for (auto& [name, table] : tables_) {
    std::vector<uint32_t>& persons = table->mutable_persons();
    persons.assign(table->size(), 0);
    for (size_t row = 0; row < table->size(); ++row) {
      if (!table->live(row)) {
        continue;
      }
      absl::optional<uint64_t> person =
          person_of(table->id(), table->agency_of(row), table->record_id_of(row));
      if (!person.has_value()) {
        persons_current_ = false;
        return absl::InternalError(
            absl::StrCat("a record of ", table->id(), " is missing from the person index"));
      }
      auto [it, inserted] = ordinal.try_emplace(*person, static_cast<uint32_t>(ordinal.size()));
      persons[row] = it->second;
    }
  }
  person_count_ = static_cast<uint32_t>(ordinal.size());
  persons_current_ = true;
  return absl::OkStatus();
}

uint64_t ColumnStore::Fingerprint(const query::ParsedQuery& parsed) const {
  uint64_t fingerprint = StableHash(parsed.dataset);
  for (const std::string& dataset : query::ReferencedDatasets(parsed)) {
    const DatasetTable* table = Table(dataset);
    fingerprint = StableHash(dataset, fingerprint ^ (table == nullptr ? 0 : table->fingerprint()));
  }
  return fingerprint;
}

absl::StatusOr<std::vector<ExactGroup>> ColumnStore::Run(const query::ParsedQuery& parsed,
                                                         const RunOptions& options) const {
  QueryInputs inputs{*policy_, [this](absl::string_view dataset) { return Table(dataset); },
                     person_count_, persons_current_};
  return RunColumnQuery(inputs, parsed, options);
}

}  // namespace confide::hub::analytics
