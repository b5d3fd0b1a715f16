#pragma once

// Streaming CSV reader for whatever a records system or Excel produced, and a
// tolerant header-name index.
//
// Security property: the reader never fails, crashes or allocates without
// bound on hostile input. Malformed content becomes a row problem; problems
// name columns and byte values but never contain field text, so they can be
// logged and sent to the hub without leaking personal data.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace confide::agent {

// The byte encoding of the input. Declared in configuration, never guessed.
enum class Encoding { kUtf8, kWindows1252, kLatin1 };

struct CsvOptions {
  char delimiter = ',';  // ',', ';', '\t' or '|'
  Encoding encoding = Encoding::kUtf8;
  size_t max_field_bytes = 4 << 20;  // a longer field is a row problem, not a crash
  size_t max_fields_per_row = 20000;
  // Bounds the memory one record can take (many fields each under
  // max_field_bytes). Content beyond it is discarded and reported.
  size_t max_record_bytes = 64 << 20;
};

struct CsvRow {
  int64_t record_number = 0;          // 1-based count of records including the header record
  int64_t line_number = 0;            // 1-based physical line where the record starts
  std::vector<std::string> fields;    // converted to valid UTF-8
  std::vector<std::string> problems;  // row-level problems, NEVER containing field values
};

// Reads RFC 4180 records plus the real-world variants: BOM, CRLF/LF/CR line
// endings, blank lines (skipped), ragged rows (returned as they are), stray
// quotes in unquoted fields (kept literally), unterminated quotes, NUL bytes,
// invalid or undefined bytes for the declared encoding.
//
// Fields are always valid UTF-8: undecodable bytes and NUL bytes are replaced
// by U+FFFD and reported, so no downstream parser can accept such a field by
// accident. A field longer than max_field_bytes keeps its first
// max_field_bytes bytes and the row records the problem.
//
// Input is read in 1 MiB chunks; memory depends on the longest record, never
// on the file size. Not thread-safe: use one reader per thread.
class CsvReader {
 public:
  // InvalidArgument for bad options or a directory; NotFound /
  // PermissionDenied etc. when the file cannot be opened.
  static absl::StatusOr<std::unique_ptr<CsvReader>> Open(const std::string& path,
                                                         const CsvOptions& options);
  // Invalid options make the first Next() return InvalidArgument.
  static std::unique_ptr<CsvReader> FromString(std::string data, const CsvOptions& options);

  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Reads the next record into *row, skipping blank lines. Returns false at
  // end of input. Errors only for I/O (or invalid options, see FromString);
  // after an error the reader stays failed.
  absl::StatusOr<bool> Next(CsvRow* row);

  // Input bytes consumed so far, for progress reporting.
  int64_t bytes_consumed() const;
  // Input size in bytes, for progress; -1 if unknown (e.g. a pipe).
  int64_t total_bytes() const;

 private:
  CsvReader(int fd, std::string data, int64_t total_bytes, const CsvOptions& options);

  // Byte access. Peek() returns -1 at end of input or after an I/O error
  // (kept in io_status_).
  int Peek();
  void Refill();
  void SkipBom();

  void ConsumeLineEnd();
  void ReadQuoted(CsvRow* row);
  void ReadUnquoted();
  void Append(const char* data, size_t size);
  void StartField(CsvRow* row);
  void FinishField(CsvRow* row);
  void AddProblem(CsvRow* row, std::string problem);

  const CsvOptions options_;
  absl::Status options_status_;
  absl::Status io_status_;
  int fd_ = -1;               // -1 for FromString
  std::string buffer_;        // current chunk, or the whole input for FromString
  size_t pos_ = 0;            // next unread byte in buffer_
  int64_t buffer_start_ = 0;  // input offset of buffer_[0]
  int64_t total_bytes_ = -1;
  bool eof_ = false;                 // no more data after buffer_
  bool started_ = false;             // BOM check done
  bool bom_in_single_byte_ = false;  // UTF-8 BOM under a single-byte encoding
  int64_t line_ = 1;
  int64_t records_ = 0;

  // Per-record state.
  std::string raw_;          // raw bytes of the field being read
  size_t record_bytes_ = 0;  // raw bytes kept for the current record
  bool keep_field_ = true;   // false once the field count limit is reached
  bool field_truncated_ = false;
  bool record_truncated_ = false;
  size_t suppressed_problems_ = 0;
};

// Maps configured column names to header positions: case-insensitive,
// surrounding/repeated spaces and '_' vs ' ' ignored, a leading UTF-8 BOM
// ignored, aliases supported. Immutable after Build(); thread-compatible.
class HeaderIndex {
 public:
  static HeaderIndex Build(const std::vector<std::string>& header);

  // Position of the first (leftmost) header matching `name` or any alias;
  // nullopt if none. Empty names never match.
  absl::optional<size_t> Find(absl::string_view name,
                              const std::vector<std::string>& aliases = {}) const;

  // Normalised names that occur more than once (each listed once, empty
  // names excluded), so the caller can refuse ambiguous mappings.
  const std::vector<std::string>& duplicates() const { return duplicates_; }

  // The normalisation applied to headers and names, exposed for messages.
  static std::string Normalize(absl::string_view name);

 private:
  absl::flat_hash_map<std::string, size_t> first_position_;
  std::vector<std::string> duplicates_;
};

}  // namespace confide::agent
