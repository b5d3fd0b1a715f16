#include "common/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"

namespace confide {
namespace {

absl::Status ErrnoStatus(absl::string_view what, const std::string& path) {
  int err = errno;
  std::string message = absl::StrCat(what, " ", path, ": ", std::strerror(err));
  if (err == ENOENT) {
    return absl::NotFoundError(message);
  }
  if (err == EACCES || err == EPERM) {
    return absl::PermissionDeniedError(message);
  }
  return absl::UnavailableError(message);
}

class CollectingErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  explicit CollectingErrorCollector(std::string source) : source_(std::move(source)) {}
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    errors_.push_back(absl::StrFormat("%s:%d:%d: %s", source_, line + 1, column + 1, message));
  }
  void AddWarning(int line, google::protobuf::io::ColumnNumber column,
                  const std::string& message) override {
    errors_.push_back(
        absl::StrFormat("%s:%d:%d: warning: %s", source_, line + 1, column + 1, message));
  }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::string source_;
  std::vector<std::string> errors_;
};

}  // namespace

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return ErrnoStatus("cannot open", path);
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) {
    return ErrnoStatus("cannot read", path);
  }
  return contents.str();
}

absl::Status WriteFileAtomic(const std::string& path, absl::string_view contents, int mode) {
  std::string tmp = absl::StrCat(path, ".tmp.", getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) {
    return ErrnoStatus("cannot create", tmp);
  }
  size_t written = 0;
  while (written < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      absl::Status status = ErrnoStatus("cannot write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return status;
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    absl::Status status = ErrnoStatus("cannot fsync", tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return status;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    absl::Status status = ErrnoStatus("cannot rename to", path);
    ::unlink(tmp.c_str());
    return status;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadSecretFile(const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    return ErrnoStatus("cannot stat secret file", path);
  }
  if (!S_ISREG(info.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("secret file ", path, " is not a regular file"));
  }
  if ((info.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(
        absl::StrFormat("secret file %s has mode %04o; expected 0600 (run: chmod 600 %s)", path,
                        info.st_mode & 07777, path));
  }
  return ReadFile(path);
}

absl::StatusOr<std::string> ReadHexKeyFile(const std::string& path, size_t min_bytes) {
  absl::StatusOr<std::string> contents = ReadSecretFile(path);
  if (!contents.ok()) {
    return contents.status();
  }
  std::string hex;
  for (char c : *contents) {
    if (!absl::ascii_isspace(static_cast<unsigned char>(c))) {
      hex.push_back(c);
    }
  }
  bool all_hex = !hex.empty() && hex.size() % 2 == 0;
  for (char c : hex) {
    all_hex = all_hex && absl::ascii_isxdigit(static_cast<unsigned char>(c));
  }
  if (!all_hex) {
    return absl::InvalidArgumentError(
        absl::StrCat("key file ", path, " must hold an even number of hex digits"));
  }
  std::string key = absl::HexStringToBytes(hex);
  if (key.size() < min_bytes) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "key file %s holds %d bytes; expected at least %d", path, key.size(), min_bytes));
  }
  return key;
}

absl::Status ParseTextProto(absl::string_view text, absl::string_view source_name,
                            google::protobuf::Message* message) {
  CollectingErrorCollector errors{std::string(source_name)};
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  bool ok = parser.ParseFromString(std::string(text), message);
  if (!ok || !errors.errors().empty()) {
    std::string joined = absl::StrJoin(errors.errors(), "\n");
    if (joined.empty()) {
      joined = absl::StrCat(source_name, ": not valid protobuf text format");
    }
    return absl::InvalidArgumentError(joined);
  }
  return absl::OkStatus();
}

absl::Status ParseTextProtoFile(const std::string& path, google::protobuf::Message* message) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) {
    return text.status();
  }
  return ParseTextProto(*text, path, message);
}

std::string ResolvePath(const std::string& relative_to_file, const std::string& path) {
  if (path.empty() || path[0] == '/') {
    return path;
  }
  size_t slash = relative_to_file.rfind('/');
  if (slash == std::string::npos) {
    return path;
  }
  return absl::StrCat(relative_to_file.substr(0, slash + 1), path);
}

}  // namespace confide
