#pragma once

// Streams an agency extract into batches of de-identified records: parse, map, validate,
// normalise, tokenise. Shared by push, dry run, the validation pass and the benchmark; it never
// touches the network.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "agent/extract/csv_reader.h"
#include "agent/pseudonymiser.h"
#include "agent/record_builder.h"
#include "confide/v1/config.pb.h"
#include "confide/v1/ingest.pb.h"
#include "confide/v1/policy.pb.h"

namespace confide::agent {

// A row that failed validation. `fields` holds the row's original values: personal data, for the
// local quarantine file only; `problems` never contain values and may be printed.
struct BadRow {
  int64_t row = 0;   // data row number: 1 is the first row after the header
  int64_t line = 0;  // physical line where the row starts
  const std::vector<RowProblem>* problems = nullptr;
  const std::vector<std::string>* fields = nullptr;
};

class ExtractProcessor {
 public:
  using BadRowSink = std::function<void(const BadRow&)>;

  // Reads the header of `reader` and checks the mapping against it. InvalidArgument when the
  // file has no header or the mapping does not fit (the message lists the header's columns).
  // `pseudonymiser` must outlive the processor.
  static absl::StatusOr<std::unique_ptr<ExtractProcessor>> Create(std::unique_ptr<CsvReader> reader,
                                                                  const v1::Dataset& dataset,
                                                                  const v1::DatasetMapping& mapping,
                                                                  Pseudonymiser& pseudonymiser,
                                                                  int batch_size);

  // Fills `batch` (dataset, batch id, up to batch_size records) and returns true, or returns
  // false at the end of the file (batch empty). Every bad row read meanwhile goes to `bad_rows`.
  // Batches depend only on the file's content and the batch size, so a re-run of the same
  // extract produces the same batch ids. A record reference repeated within one batch is a bad
  // row (the hub refuses such a batch); across batches the later row replaces the earlier at the
  // hub. Errors: I/O errors reading the file.
  absl::StatusOr<bool> NextBatch(v1::Batch* batch, const BadRowSink& bad_rows);

  const std::vector<std::string>& header() const { return header_; }
  int64_t rows_read() const { return rows_read_; }
  int64_t rows_quarantined() const { return rows_quarantined_; }
  int64_t bytes_consumed() const { return reader_->bytes_consumed(); }
  int64_t total_bytes() const { return reader_->total_bytes(); }

 private:
  ExtractProcessor(std::unique_ptr<CsvReader> reader, std::string dataset,
                   Pseudonymiser& pseudonymiser, int batch_size)
      : reader_(std::move(reader)),
        dataset_(std::move(dataset)),
        pseudonymiser_(pseudonymiser),
        batch_size_(batch_size) {}

  std::unique_ptr<CsvReader> reader_;
  std::string dataset_;
  Pseudonymiser& pseudonymiser_;
  const int batch_size_;
  std::unique_ptr<RecordBuilder> builder_;
  std::string reference_column_;
  std::vector<std::string> header_;
  int64_t rows_read_ = 0;
  int64_t rows_quarantined_ = 0;
  CsvRow row_;
  std::vector<RowProblem> problems_;
  absl::flat_hash_map<std::string, int64_t> batch_rows_;  // record id -> row, current batch
};

// The batch id: a keyed digest of the records' deterministic serialisation.
std::string BatchIdFor(Pseudonymiser& pseudonymiser, const v1::Batch& batch);

}  // namespace confide::agent
