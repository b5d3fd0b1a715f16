#pragma once

// The agent's configuration file (AgentConfig, protobuf text format) and what follows from it.

#include <string>

#include "absl/status/statusor.h"
#include "agent/extract/csv_reader.h"
#include "agent/pseudonymiser.h"
#include "confide/v1/config.pb.h"

namespace confide::agent {

// Loads the agent config. Relative paths (key, TLS files, journal_dir, quarantine_dir) resolve
// against the config file's directory; journal_dir defaults to "journal" and quarantine_dir to
// "quarantine" next to the config; batch_size defaults to 1000. InvalidArgument names the file
// and line, and refuses a next linkage key without its version (or the reverse) and a next
// version equal to the current one.
absl::StatusOr<v1::AgentConfig> LoadAgentConfig(const std::string& path);

// Reads the linkage key file, the next one during a rotation and the record-id key file if set
// (hex, at least 32 bytes, each refused unless mode 0600). Errors name the file, never its
// contents; InvalidArgument when two versions hold the same key.
absl::StatusOr<LinkageKeys> LoadLinkageKeys(const v1::AgentConfig& config);

// FailedPrecondition, naming both sides, when the hub's recipe lists key versions and one of the
// agent's is not among them: tokens under a version the hub does not accept could never link.
absl::Status CheckKeyVersionsAccepted(const v1::AgentConfig& config,
                                      const v1::LinkageRecipe& recipe);

// The mapping for `dataset`, or nullptr if the config has none.
const v1::DatasetMapping* FindMapping(const v1::AgentConfig& config, absl::string_view dataset);

// Delimiter and encoding of the mapping's files. InvalidArgument for values the reader does not
// support.
absl::StatusOr<CsvOptions> CsvOptionsFor(const v1::DatasetMapping& mapping);

}  // namespace confide::agent
