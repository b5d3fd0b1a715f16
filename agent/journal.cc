#include "agent/journal.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "agent/private_file.h"
#include "common/status_macros.h"

namespace confide::agent {
namespace {

constexpr char kSuffix[] = ".journal";

absl::Status ErrnoStatus(absl::string_view what, const std::string& path) {
  return absl::UnavailableError(
      absl::StrCat("journal: cannot ", what, " ", path, ": ", std::strerror(errno)));
}

// Keeps names filesystem- and line-safe (dataset ids are policy ids; file names are anything).
std::string Safe(absl::string_view text) {
  std::string out;
  for (char c : text.substr(0, 100)) {
    out.push_back(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
                          c == '.'
                      ? c
                      : '_');
  }
  return out;
}

absl::Status WriteAll(int fd, absl::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return ErrnoStatus("append to", path);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

absl::Status SyncDirectory(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return ErrnoStatus("open directory", dir);
  }
  int result = fsync(fd);
  close(fd);
  return result == 0 ? absl::OkStatus() : ErrnoStatus("sync directory", dir);
}

bool ParseEntry(absl::string_view line, v1::PushAck* ack) {
  std::vector<absl::string_view> parts = absl::StrSplit(line, ' ');
  int64_t records = 0;
  uint64_t sequence = 0;
  if (parts.size() != 4 || parts[0].empty() || !absl::SimpleAtoi(parts[2], &records) ||
      !absl::SimpleAtoi(parts[3], &sequence)) {
    return false;
  }
  v1::PushAck::Outcome outcome;
  if (!v1::PushAck::Outcome_Parse(std::string(parts[1]), &outcome) ||
      outcome == v1::PushAck::OUTCOME_UNSPECIFIED) {
    return false;
  }
  ack->set_batch_id(std::string(parts[0]));
  ack->set_outcome(outcome);
  ack->set_records(records);
  ack->set_audit_sequence(sequence);
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PushJournal>> PushJournal::Open(const std::string& dir,
                                                               const std::string& dataset,
                                                               const std::string& file_sha256_hex,
                                                               const std::string& file_name) {
  CONFIDE_RETURN_IF_ERROR(MakePrivateDirs(dir));
  const std::string path =
      absl::StrCat(dir, "/", Safe(dataset), ".", Safe(file_sha256_hex.substr(0, 16)), kSuffix);
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return ErrnoStatus("open", path);
  }
  std::unique_ptr<PushJournal> journal(new PushJournal(fd, path));
  // Two pushes of the same extract at once would race on the journal; the lock is released
  // when the process ends, however it ends.
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("another push of this extract is running (", path, " is locked)"));
  }
  std::string contents;
  char buffer[65536];
  while (true) {
    ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return ErrnoStatus("read", path);
    }
    if (n == 0) {
      break;
    }
    contents.append(buffer, static_cast<size_t>(n));
  }
  // A crash mid-append can leave a partial last line: drop it so the next append starts clean.
  size_t complete = contents.rfind('\n');
  complete = complete == std::string::npos ? 0 : complete + 1;
  if (complete != contents.size()) {
    if (ftruncate(fd, static_cast<off_t>(complete)) != 0) {
      return ErrnoStatus("truncate", path);
    }
    contents.resize(complete);
  }
  if (lseek(fd, 0, SEEK_END) < 0) {
    return ErrnoStatus("seek in", path);
  }
  if (contents.empty()) {
    CONFIDE_RETURN_IF_ERROR(
        WriteAll(fd,
                 absl::StrCat("# confide-agent push journal v1: dataset ", Safe(dataset), ", file ",
                              Safe(file_name), ", sha256 ", Safe(file_sha256_hex), "\n"),
                 path));
    if (fdatasync(fd) != 0) {
      return ErrnoStatus("sync", path);
    }
    CONFIDE_RETURN_IF_ERROR(SyncDirectory(dir));
  }
  for (absl::string_view line : absl::StrSplit(contents, '\n', absl::SkipEmpty())) {
    v1::PushAck ack;
    // Comment lines and anything unreadable are ignored: at worst a batch is sent again and
    // the hub answers DUPLICATE.
    if (!absl::StartsWith(line, "#") && ParseEntry(line, &ack)) {
      journal->acks_[ack.batch_id()] = ack;
    }
  }
  return journal;
}

PushJournal::~PushJournal() {
  if (fd_ >= 0) {
    close(fd_);
  }
}

const v1::PushAck* PushJournal::Find(const std::string& batch_id) const {
  auto it = acks_.find(batch_id);
  return it == acks_.end() ? nullptr : &it->second;
}

absl::Status PushJournal::Record(const v1::PushAck& ack) {
  if (fd_ < 0) {
    return absl::FailedPreconditionError("journal: already completed");
  }
  // One write() per line, so a crash leaves at most a torn last line (dropped by Open).
  CONFIDE_RETURN_IF_ERROR(
      WriteAll(fd_,
               absl::StrCat(ack.batch_id(), " ", v1::PushAck::Outcome_Name(ack.outcome()), " ",
                            ack.records(), " ", ack.audit_sequence(), "\n"),
               path_));
  if (fdatasync(fd_) != 0) {
    return ErrnoStatus("sync", path_);
  }
  acks_[ack.batch_id()] = ack;
  return absl::OkStatus();
}

absl::Status PushJournal::Complete() {
  if (fd_ >= 0) {
    close(fd_);
    fd_ = -1;
  }
  if (unlink(path_.c_str()) != 0 && errno != ENOENT) {
    return ErrnoStatus("remove", path_);
  }
  return absl::OkStatus();
}

absl::Status PushJournal::Clear(const std::string& dir, const std::string& dataset) {
  std::error_code error;
  std::filesystem::directory_iterator it(dir, error);
  if (error) {
    return absl::OkStatus();  // no journal directory: nothing to clear
  }
  const std::string prefix = absl::StrCat(Safe(dataset), ".");
  for (const std::filesystem::directory_entry& entry : it) {
    std::string name = entry.path().filename().string();
    if (absl::StartsWith(name, prefix) && absl::EndsWith(name, kSuffix) &&
        name.size() == prefix.size() + 16 + sizeof(kSuffix) - 1) {
      std::filesystem::remove(entry.path(), error);
      if (error) {
        return absl::UnavailableError(
            absl::StrCat("journal: cannot remove ", entry.path().string(), ": ", error.message()));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace confide::agent
