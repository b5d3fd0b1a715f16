#pragma once

// The dry-run preview: exactly the de-identified records a push would send, as CSV, one row per
// record: batch_id, record_id (hex), event_hour, one column per value the dataset sends
// (attributes and generalised quasi-identifiers, in schema order), key_version, and one
// "token:<match key>" column of hex per match key in the linkage recipe (empty when the record
// has no token for that key). Pseudonymised data is still personal data: written mode 0600.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "agent/private_file.h"
#include "confide/v1/ingest.pb.h"
#include "confide/v1/policy.pb.h"

namespace confide::agent {

class PreviewFile {
 public:
  static absl::StatusOr<std::unique_ptr<PreviewFile>> Create(const std::string& path,
                                                             const v1::Dataset& dataset,
                                                             const v1::LinkageRecipe& linkage);
  void Add(const v1::Batch& batch);
  absl::Status Close() { return file_->Close(); }

  // The value columns a record of `dataset` may carry, in schema order.
  static std::vector<std::string> ValueColumns(const v1::Dataset& dataset);

 private:
  PreviewFile(std::unique_ptr<PrivateFileWriter> file, std::vector<std::string> values,
              std::vector<std::string> keys)
      : file_(std::move(file)), values_(std::move(values)), keys_(std::move(keys)) {}

  std::unique_ptr<PrivateFileWriter> file_;
  std::vector<std::string> values_;
  std::vector<std::string> keys_;
};

// "2025-05-03 23:00" for a WireRecord event_time (civil seconds since 1970-01-01T00:00).
std::string EventHour(int64_t event_time);

}  // namespace confide::agent
