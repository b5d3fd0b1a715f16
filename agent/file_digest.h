#pragma once

// Size and SHA-256 of an extract file, streamed in 1 MiB reads: names the extract in receipts
// and journals without recording its contents.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace confide::agent {

struct FileDigest {
  int64_t bytes = 0;
  std::string sha256_hex;
};

// NotFound / PermissionDenied / Unavailable name the path.
absl::StatusOr<FileDigest> DigestFile(const std::string& path);

}  // namespace confide::agent
