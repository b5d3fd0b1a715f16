#pragma once

// Maps a rocksdb::Status to the canonical absl code (shared by the RocksDbStore .cc files).

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "rocksdb/status.h"

namespace confide::hub::internal {

inline absl::Status FromRocks(const rocksdb::Status& status, absl::string_view what) {
  if (status.ok()) {
    return absl::OkStatus();
  }
  std::string message = absl::StrCat(what, ": ", status.ToString());
  if (status.IsNotFound()) {
    return absl::NotFoundError(message);
  }
  if (status.IsBusy() || status.IsTryAgain() || status.IsIOError() || status.IsNoSpace()) {
    return absl::UnavailableError(message);
  }
  if (status.IsCorruption()) {
    return absl::DataLossError(message);
  }
  return absl::InternalError(message);
}

}  // namespace confide::hub::internal
