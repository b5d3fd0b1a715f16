#pragma once

// The local quarantine file: one line per bad row with its row number, line, the columns at
// fault and why, followed by the row's original fields so the data lead can find and fix it.
// It holds personal data, so it is written mode 0600 and never leaves the agency. What is
// printed to the terminal (ProblemLine) never holds a value.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "agent/extract_processor.h"
#include "agent/private_file.h"

namespace confide::agent {

class QuarantineFile {
 public:
  // Header: row,line,column,reason, then the extract's own header.
  static absl::StatusOr<std::unique_ptr<QuarantineFile>> Create(
      const std::string& path, const std::vector<std::string>& extract_header);

  // Columns and reasons of several problems are joined with "; " in the same order.
  void Add(const BadRow& row);
  int64_t rows() const { return rows_; }
  absl::Status Close() { return file_->Close(); }
  const std::string& path() const { return file_->path(); }

 private:
  explicit QuarantineFile(std::unique_ptr<PrivateFileWriter> file) : file_(std::move(file)) {}
  std::unique_ptr<PrivateFileWriter> file_;
  int64_t rows_ = 0;
};

// "row 2 (line 3), column 'Victim DOB': day 31 is not valid for month 2". No values.
std::string ProblemLine(const BadRow& row, const RowProblem& problem);

}  // namespace confide::agent
