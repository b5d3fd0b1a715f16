#pragma once

// The push journal: which batches of an extract the hub has acknowledged, so that a re-run
// after a crash (kill -9, power loss, lost network) skips them instead of sending them again.
//
// One file per (dataset, extract content) in the journal directory, appended and fdatasync'ed
// after every acknowledgement, removed when the push completes. It holds batch ids (keyed
// digests), outcomes, record counts and audit sequence numbers: never identifiers.
//
// Skipping is safe even if a journal outlives its extract: a batch id names the batch's exact
// content, so an acknowledged id means the hub already holds that content. Withdrawing records
// clears the dataset's journals (Clear), since the hub no longer holds what they list.
//
// Not thread-safe.

#include <cstdint>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "confide/v1/ingest.pb.h"

namespace confide::agent {

class PushJournal {
 public:
  // Opens (creating `dir` mode 0700 and the file if needed) the journal for `dataset` and the
  // extract whose SHA-256 is `file_sha256_hex`, and loads its entries. A torn last line (a crash
  // mid-append) is dropped.
  static absl::StatusOr<std::unique_ptr<PushJournal>> Open(const std::string& dir,
                                                           const std::string& dataset,
                                                           const std::string& file_sha256_hex,
                                                           const std::string& file_name);
  ~PushJournal();
  PushJournal(const PushJournal&) = delete;
  PushJournal& operator=(const PushJournal&) = delete;

  // The acknowledgement recorded for `batch_id`, or nullptr.
  const v1::PushAck* Find(const std::string& batch_id) const;
  size_t size() const { return acks_.size(); }

  // Appends the acknowledgement and makes it durable before returning.
  absl::Status Record(const v1::PushAck& ack);
  // The push is complete: removes the journal file.
  absl::Status Complete();
  const std::string& path() const { return path_; }

  // Removes every journal of `dataset` in `dir` (after a withdrawal).
  static absl::Status Clear(const std::string& dir, const std::string& dataset);

 private:
  PushJournal(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}

  int fd_;
  std::string path_;
  absl::flat_hash_map<std::string, v1::PushAck> acks_;
};

}  // namespace confide::agent
