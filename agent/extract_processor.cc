#include "agent/extract_processor.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace confide::agent {

std::string BatchIdFor(Pseudonymiser& pseudonymiser, const v1::Batch& batch) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);  // map entries in key order
    for (const v1::WireRecord& record : batch.records()) {
      record.SerializeToCodedStream(&coded);
    }
  }
  return pseudonymiser.BatchId(batch.dataset(), bytes);
}

absl::StatusOr<std::unique_ptr<ExtractProcessor>> ExtractProcessor::Create(
    std::unique_ptr<CsvReader> reader, const v1::Dataset& dataset,
    const v1::DatasetMapping& mapping, Pseudonymiser& pseudonymiser, int batch_size) {
  std::unique_ptr<ExtractProcessor> processor(
      new ExtractProcessor(std::move(reader), dataset.id(), pseudonymiser, batch_size));
  CsvRow header;
  absl::StatusOr<bool> has_header = processor->reader_->Next(&header);
  if (!has_header.ok()) {
    return has_header.status();
  }
  if (!*has_header) {
    return absl::InvalidArgumentError("the file is empty: expected a header row");
  }
  absl::StatusOr<std::unique_ptr<RecordBuilder>> builder =
      RecordBuilder::Create(dataset, mapping, header.fields);
  if (!builder.ok()) {
    return builder.status();
  }
  processor->builder_ = *std::move(builder);
  processor->header_ = std::move(header.fields);
  for (const v1::ColumnMapping& column : mapping.columns()) {
    if (column.field() == dataset.record_reference_field()) {
      processor->reference_column_ = column.column();
    }
  }
  return processor;
}

absl::StatusOr<bool> ExtractProcessor::NextBatch(v1::Batch* batch, const BadRowSink& bad_rows) {
  batch->Clear();
  batch->set_dataset(dataset_);
  batch_rows_.clear();
  auto reject = [&]() {
    ++rows_quarantined_;
    bad_rows(BadRow{row_.record_number - 1, row_.line_number, &problems_, &row_.fields});
  };
  while (batch->records_size() < batch_size_) {
    absl::StatusOr<bool> more = reader_->Next(&row_);
    if (!more.ok()) {
      return more.status();
    }
    if (!*more) {
      break;
    }
    ++rows_read_;
    v1::WireRecord* record = batch->add_records();
    if (!builder_->Build(row_, pseudonymiser_, record, &problems_)) {
      batch->mutable_records()->RemoveLast();
      reject();
      continue;
    }
    auto [earlier, inserted] = batch_rows_.try_emplace(record->record_id(), row_.record_number - 1);
    if (!inserted) {
      batch->mutable_records()->RemoveLast();
      problems_.assign(
          {RowProblem{reference_column_, absl::StrCat("repeats the record reference of row ",
                                                      earlier->second, " in the same batch")}});
      reject();
    }
  }
  if (batch->records().empty()) {
    return false;
  }
  batch->set_batch_id(BatchIdFor(pseudonymiser_, *batch));
  return true;
}

}  // namespace confide::agent
