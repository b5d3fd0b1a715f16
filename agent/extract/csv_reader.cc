#include "agent/extract/csv_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "agent/extract/internal/text_encoding.h"

namespace confide::agent {
namespace {

// Chunk size for file reads: large enough for throughput, small enough that
// memory never depends on the file size.
constexpr size_t kChunkBytes = 1 << 20;
// A row with thousands of bad fields still gets a bounded problem list.
constexpr size_t kMaxProblemsPerRow = 50;
constexpr absl::string_view kUtf8Bom = "\xEF\xBB\xBF";

absl::Status ValidateOptions(const CsvOptions& options) {
  const char d = options.delimiter;
  if (d != ',' && d != ';' && d != '\t' && d != '|') {
    return absl::InvalidArgumentError("expected delimiter ',', ';', tab or '|'");
  }
  if (options.max_field_bytes == 0 || options.max_fields_per_row == 0 ||
      options.max_record_bytes == 0) {
    return absl::InvalidArgumentError("expected positive CSV size limits");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<CsvReader>> CsvReader::Open(const std::string& path,
                                                           const CsvOptions& options) {
  if (absl::Status status = ValidateOptions(options); !status.ok()) {
    return status;
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot open CSV file ", path));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int error = errno;
    ::close(fd);
    return absl::ErrnoToStatus(error, absl::StrCat("cannot stat CSV file ", path));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return absl::InvalidArgumentError(absl::StrCat("expected a CSV file, got a directory: ", path));
  }
  const int64_t total = S_ISREG(st.st_mode) ? static_cast<int64_t>(st.st_size) : -1;
  return std::unique_ptr<CsvReader>(new CsvReader(fd, std::string(), total, options));
}

std::unique_ptr<CsvReader> CsvReader::FromString(std::string data, const CsvOptions& options) {
  const auto total = static_cast<int64_t>(data.size());
  return std::unique_ptr<CsvReader>(new CsvReader(-1, std::move(data), total, options));
}

CsvReader::CsvReader(int fd, std::string data, int64_t total_bytes, const CsvOptions& options)
    : options_(options),
      options_status_(ValidateOptions(options)),
      fd_(fd),
      buffer_(std::move(data)),
      total_bytes_(total_bytes),
      eof_(fd < 0) {}

CsvReader::~CsvReader() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

int64_t CsvReader::bytes_consumed() const { return buffer_start_ + static_cast<int64_t>(pos_); }

int64_t CsvReader::total_bytes() const { return total_bytes_; }

void CsvReader::Refill() {
  buffer_start_ += static_cast<int64_t>(buffer_.size());
  buffer_.resize(kChunkBytes);
  size_t filled = 0;
  while (filled < kChunkBytes) {
    const ssize_t n = ::read(fd_, buffer_.data() + filled, kChunkBytes - filled);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      io_status_ = absl::ErrnoToStatus(errno, "cannot read CSV file");
      eof_ = true;
      break;
    }
    if (n == 0) {
      eof_ = true;
      break;
    }
    filled += static_cast<size_t>(n);
  }
  buffer_.resize(filled);
  pos_ = 0;
}

int CsvReader::Peek() {
  while (pos_ >= buffer_.size()) {
    if (eof_) {
      return -1;
    }
    Refill();
  }
  return static_cast<unsigned char>(buffer_[pos_]);
}

void CsvReader::SkipBom() {
  started_ = true;
  if (Peek() < 0 || absl::string_view(buffer_).substr(pos_, 3) != kUtf8Bom) {
    return;  // the first chunk holds at least 3 bytes unless the input is shorter
  }
  if (options_.encoding == Encoding::kUtf8) {
    pos_ += kUtf8Bom.size();
  } else {
    bom_in_single_byte_ = true;  // Reported on the first record, never stripped silently.
  }
}

void CsvReader::AddProblem(CsvRow* row, std::string problem) {
  if (row->problems.size() < kMaxProblemsPerRow) {
    row->problems.push_back(std::move(problem));
  } else {
    ++suppressed_problems_;
  }
}

// Consumes one CRLF, LF or CR.
void CsvReader::ConsumeLineEnd() {
  if (Peek() == '\r') {
    ++pos_;
    if (Peek() == '\n') {
      ++pos_;
    }
  } else {
    ++pos_;
  }
  ++line_;
}

void CsvReader::Append(const char* data, size_t size) {
  if (!keep_field_ || field_truncated_ || record_truncated_) {
    return;
  }
  size_t room = options_.max_field_bytes - raw_.size();
  const size_t record_room = options_.max_record_bytes - record_bytes_;
  if (size > room) {
    field_truncated_ = true;
  }
  if (room > record_room) {
    room = record_room;
  }
  if (size > record_room) {
    record_truncated_ = true;
  }
  const size_t take = size < room ? size : room;
  raw_.append(data, take);
  record_bytes_ += take;
}

void CsvReader::StartField(CsvRow* row) {
  raw_.clear();
  field_truncated_ = false;
  if (keep_field_ && row->fields.size() >= options_.max_fields_per_row) {
    keep_field_ = false;
    AddProblem(row, absl::StrCat("more than ", options_.max_fields_per_row,
                                 " fields; the rest were discarded"));
  }
}

void CsvReader::FinishField(CsvRow* row) {
  if (!keep_field_) {
    return;
  }
  const size_t column = row->fields.size() + 1;
  absl::string_view raw = raw_;
  if (field_truncated_) {
    AddProblem(row, absl::StrCat("column ", column, ": field longer than ",
                                 options_.max_field_bytes, " bytes"));
  }
  if ((field_truncated_ || record_truncated_) && options_.encoding == Encoding::kUtf8) {
    // A cut inside a character is our doing, not an encoding problem.
    raw = raw.substr(0, internal::Utf8CompletePrefixLength(raw));
  }
  std::string& field = row->fields.emplace_back();
  internal::ConversionIssues issues;
  internal::AppendAsUtf8(raw, options_.encoding, &field, &issues);
  std::vector<std::string> problems;
  internal::DescribeIssues(issues, options_.encoding, column, &problems);
  for (std::string& problem : problems) {
    AddProblem(row, std::move(problem));
  }
}

void CsvReader::ReadUnquoted() {
  const char delimiter = options_.delimiter;
  while (Peek() >= 0) {
    const char* begin = buffer_.data() + pos_;
    const char* end = buffer_.data() + buffer_.size();
    const char* p = begin;
    while (p < end && *p != delimiter && *p != '\n' && *p != '\r') {
      ++p;
    }
    Append(begin, static_cast<size_t>(p - begin));
    pos_ += static_cast<size_t>(p - begin);
    if (p < end) {
      return;  // at a delimiter or line end
    }
  }
}

// Called after the opening quote. Leaves pos_ at the delimiter or line end
// that ends the field (or at end of input).
void CsvReader::ReadQuoted(CsvRow* row) {
  const size_t column = row->fields.size() + 1;
  for (;;) {
    const int c = Peek();
    if (c < 0) {
      AddProblem(row,
                 absl::StrCat("column ", column, ": unterminated quoted field at end of file"));
      return;
    }
    const char* begin = buffer_.data() + pos_;
    const char* end = buffer_.data() + buffer_.size();
    const char* p = begin;
    while (p < end && *p != '"' && *p != '\n' && *p != '\r') {
      ++p;
    }
    Append(begin, static_cast<size_t>(p - begin));
    pos_ += static_cast<size_t>(p - begin);
    if (p == end) {
      continue;
    }
    // An embedded line break is kept as it is; CRLF counts as one line.
    if (*p == '\r') {
      ++pos_;
      if (Peek() == '\n') {
        ++pos_;
        Append("\r\n", 2);
      } else {
        Append("\r", 1);
      }
      ++line_;
      continue;
    }
    if (*p == '\n') {
      ++pos_;
      Append("\n", 1);
      ++line_;
      continue;
    }
    ++pos_;  // the quote
    const int next = Peek();
    if (next == '"') {
      Append("\"", 1);
      ++pos_;
      continue;
    }
    if (next < 0 || next == options_.delimiter || next == '\n' || next == '\r') {
      return;
    }
    // Text after the closing quote: kept literally, as most readers do, but
    // reported because the intended value is ambiguous.
    AddProblem(row, absl::StrCat("column ", column, ": unexpected text after closing quote"));
    ReadUnquoted();
    return;
  }
}

absl::StatusOr<bool> CsvReader::Next(CsvRow* row) {
  row->record_number = 0;
  row->line_number = 0;
  row->fields.clear();
  row->problems.clear();
  if (!options_status_.ok()) {
    return options_status_;
  }
  if (!started_) {
    SkipBom();
  }
  // Skip blank lines.
  int c = Peek();
  while (c == '\n' || c == '\r') {
    ConsumeLineEnd();
    c = Peek();
  }
  if (c < 0) {
    if (!io_status_.ok()) {
      return io_status_;
    }
    return false;
  }
  row->record_number = ++records_;
  row->line_number = line_;
  record_bytes_ = 0;
  keep_field_ = true;
  record_truncated_ = false;
  suppressed_problems_ = 0;
  if (bom_in_single_byte_) {
    bom_in_single_byte_ = false;
    AddProblem(row,
               "input starts with a UTF-8 byte order mark but the declared encoding is not "
               "UTF-8");
  }
  for (;;) {
    StartField(row);
    if (Peek() == '"') {
      ++pos_;
      ReadQuoted(row);
    } else {
      ReadUnquoted();
    }
    FinishField(row);
    c = Peek();
    if (c == options_.delimiter) {
      ++pos_;
      continue;
    }
    if (c == '\n' || c == '\r') {
      ConsumeLineEnd();
    }
    break;
  }
  if (record_truncated_) {
    AddProblem(row, absl::StrCat("record longer than ", options_.max_record_bytes,
                                 " bytes; the rest was discarded"));
  }
  if (suppressed_problems_ > 0) {
    row->problems.push_back(absl::StrCat(suppressed_problems_, " more problems not listed"));
  }
  if (!io_status_.ok()) {
    return io_status_;
  }
  return true;
}

}  // namespace confide::agent
