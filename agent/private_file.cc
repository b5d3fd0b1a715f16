#include "agent/private_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/text_escaping.h"

namespace confide::agent {
namespace {

constexpr size_t kFlushBytes = 1 << 20;

absl::Status ErrnoStatus(absl::string_view what, const std::string& path, int err) {
  std::string message = absl::StrCat("cannot ", what, " ", path, ": ", std::strerror(err));
  if (err == ENOENT) {
    return absl::NotFoundError(message);
  }
  if (err == EACCES || err == EPERM) {
    return absl::PermissionDeniedError(message);
  }
  return absl::UnavailableError(message);
}

}  // namespace

absl::StatusOr<std::unique_ptr<PrivateFileWriter>> PrivateFileWriter::Create(
    const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return ErrnoStatus("write", path, errno);
  }
  if (fchmod(fd, 0600) != 0) {
    int err = errno;
    close(fd);
    return ErrnoStatus("restrict the permissions of", path, err);
  }
  return std::unique_ptr<PrivateFileWriter>(new PrivateFileWriter(fd, path));
}

PrivateFileWriter::~PrivateFileWriter() { Close().IgnoreError(); }

void PrivateFileWriter::Write(absl::string_view text) {
  buffer_.append(text.data(), text.size());
  if (buffer_.size() >= kFlushBytes) {
    Flush();
  }
}

void PrivateFileWriter::Flush() {
  size_t done = 0;
  while (status_.ok() && fd_ >= 0 && done < buffer_.size()) {
    ssize_t n = write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      status_ = ErrnoStatus("write", path_, n < 0 ? errno : EIO);
      break;
    }
    done += static_cast<size_t>(n);
  }
  buffer_.clear();
}

absl::Status PrivateFileWriter::Close() {
  if (fd_ < 0) {
    return status_;
  }
  Flush();
  if (status_.ok() && fsync(fd_) != 0) {
    status_ = ErrnoStatus("sync", path_, errno);
  }
  if (close(fd_) != 0 && status_.ok()) {
    status_ = ErrnoStatus("close", path_, errno);
  }
  fd_ = -1;
  return status_;
}

std::string CsvLine(const std::vector<std::string>& fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) {
      line.push_back(',');
    }
    line += CsvField(fields[i]);
  }
  line.push_back('\n');
  return line;
}

absl::Status MakePrivateDirs(const std::string& dir) {
  std::error_code error;
  std::filesystem::path path(dir);
  if (std::filesystem::is_directory(path, error)) {
    return absl::OkStatus();
  }
  // Parents first (default permissions), then the directory itself owner-only.
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), error);
  }
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoStatus("create directory", dir, errno);
  }
  return absl::OkStatus();
}

}  // namespace confide::agent
