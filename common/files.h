#pragma once

// File helpers shared by hub, agent and CLI.

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace confide {

absl::StatusOr<std::string> ReadFile(const std::string& path);

// Writes via a temporary file, fsync and rename, so readers never see a partial file.
absl::Status WriteFileAtomic(const std::string& path, absl::string_view contents, int mode = 0644);

// Reads a file holding secret material. Refuses (FailedPrecondition) a file that is readable or
// writable by group or others, so a leaked-permission key is never used silently.
absl::StatusOr<std::string> ReadSecretFile(const std::string& path);

// Reads a hex-encoded key file (whitespace ignored) of at least `min_bytes` bytes.
absl::StatusOr<std::string> ReadHexKeyFile(const std::string& path, size_t min_bytes);

// Parses protobuf text format. Errors name the file, line and column:
// "hub.textpb:3:5: Message type "confide.v1.HubConfig" has no field named "listen"."
absl::Status ParseTextProtoFile(const std::string& path, google::protobuf::Message* message);
absl::Status ParseTextProto(absl::string_view text, absl::string_view source_name,
                            google::protobuf::Message* message);

// Resolves `path` against the directory of `relative_to_file` unless it is absolute or empty.
std::string ResolvePath(const std::string& relative_to_file, const std::string& path);

}  // namespace confide
