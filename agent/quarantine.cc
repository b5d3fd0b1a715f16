#include "agent/quarantine.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace confide::agent {

absl::StatusOr<std::unique_ptr<QuarantineFile>> QuarantineFile::Create(
    const std::string& path, const std::vector<std::string>& extract_header) {
  absl::StatusOr<std::unique_ptr<PrivateFileWriter>> file = PrivateFileWriter::Create(path);
  if (!file.ok()) {
    return file.status();
  }
  std::vector<std::string> header = {"row", "line", "column", "reason"};
  header.insert(header.end(), extract_header.begin(), extract_header.end());
  (*file)->Write(CsvLine(header));
  return std::unique_ptr<QuarantineFile>(new QuarantineFile(*std::move(file)));
}

void QuarantineFile::Add(const BadRow& row) {
  std::vector<std::string> columns, reasons;
  for (const RowProblem& problem : *row.problems) {
    columns.push_back(problem.column);
    reasons.push_back(problem.reason);
  }
  std::vector<std::string> line = {absl::StrCat(row.row), absl::StrCat(row.line),
                                   absl::StrJoin(columns, "; "), absl::StrJoin(reasons, "; ")};
  line.insert(line.end(), row.fields->begin(), row.fields->end());
  file_->Write(CsvLine(line));
  ++rows_;
}

std::string ProblemLine(const BadRow& row, const RowProblem& problem) {
  return absl::StrCat("row ", row.row, " (line ", row.line, ")",
                      problem.column.empty() ? "" : absl::StrCat(", column '", problem.column, "'"),
                      ": ", problem.reason);
}

}  // namespace confide::agent
