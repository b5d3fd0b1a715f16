#pragma once

// Turns one CSV row into one de-identified WireRecord, following the dataset schema from the
// policy and the agency's column mapping: types are validated, direct identifiers become keyed
// tokens and are dropped, quasi-identifiers are generalised.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "agent/extract/csv_reader.h"
#include "agent/extract/value_parser.h"
#include "agent/pseudonymiser.h"
#include "confide/v1/config.pb.h"
#include "confide/v1/ingest.pb.h"
#include "confide/v1/policy.pb.h"

namespace confide::agent {

// Why a row was kept back. Never holds the offending value.
struct RowProblem {
  std::string column;  // CSV header of the column, or "" for the whole row
  std::string reason;
};

class RecordBuilder {
 public:
  // InvalidArgument when the mapping names an unknown field, a required field is not mapped, or
  // a mapped column is not in the header (the message lists the header's columns).
  static absl::StatusOr<std::unique_ptr<RecordBuilder>> Create(
      const v1::Dataset& dataset, const v1::DatasetMapping& mapping,
      const std::vector<std::string>& header);

  // Fills `record` and returns true, or returns false with the reasons in `problems`.
  bool Build(const CsvRow& row, Pseudonymiser& pseudonymiser, v1::WireRecord* record,
             std::vector<RowProblem>* problems) const;

 private:
  struct MappedField {
    const v1::Field* field = nullptr;
    const v1::ColumnMapping* mapping = nullptr;
    size_t column = 0;
    absl::optional<size_t> time_column;
    EnumSpec enum_spec;  // ENUM fields: codes and synonyms, built once rather than per row
  };
  RecordBuilder() = default;

  v1::Dataset dataset_;
  v1::DatasetMapping mapping_;
  size_t header_size_ = 0;
  std::vector<MappedField> fields_;
};

}  // namespace confide::agent
