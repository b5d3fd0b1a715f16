#pragma once

// Files the agent writes at the agency that hold personal or pseudonymised data (the quarantine
// file, the dry-run preview): created mode 0600, buffered, errors reported on Close().

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace confide::agent {

class PrivateFileWriter {
 public:
  // Creates or truncates `path` with mode 0600 (an existing file's mode is tightened too).
  // Errors name the path: NotFound, PermissionDenied, Unavailable.
  static absl::StatusOr<std::unique_ptr<PrivateFileWriter>> Create(const std::string& path);
  ~PrivateFileWriter();  // closes; call Close() to learn about errors
  PrivateFileWriter(const PrivateFileWriter&) = delete;
  PrivateFileWriter& operator=(const PrivateFileWriter&) = delete;

  void Write(absl::string_view text);
  // Flushes, fsyncs and closes. Reports the first write error (e.g. a full disk).
  absl::Status Close();
  const std::string& path() const { return path_; }

 private:
  PrivateFileWriter(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  void Flush();

  int fd_;
  std::string path_;
  std::string buffer_;
  absl::Status status_;
};

// Fields joined by commas, ending in "\n".
std::string CsvLine(const std::vector<std::string>& fields);

// Creates `dir` and missing parents with mode 0700.
absl::Status MakePrivateDirs(const std::string& dir);

}  // namespace confide::agent
