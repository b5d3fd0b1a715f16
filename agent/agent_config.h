#pragma once

// The agent's configuration file (AgentConfig, protobuf text format) and what follows from it.

#include <string>

#include "absl/status/statusor.h"
#include "agent/extract/csv_reader.h"
#include "confide/v1/config.pb.h"

namespace confide::agent {

// Loads the agent config. Relative paths (key, TLS files, journal_dir, quarantine_dir) resolve
// against the config file's directory; journal_dir defaults to "journal" and quarantine_dir to
// "quarantine" next to the config; batch_size defaults to 1000. InvalidArgument names the file
// and line.
absl::StatusOr<v1::AgentConfig> LoadAgentConfig(const std::string& path);

// The mapping for `dataset`, or nullptr if the config has none.
const v1::DatasetMapping* FindMapping(const v1::AgentConfig& config, absl::string_view dataset);

// Delimiter and encoding of the mapping's files. InvalidArgument for values the reader does not
// support.
absl::StatusOr<CsvOptions> CsvOptionsFor(const v1::DatasetMapping& mapping);

}  // namespace confide::agent
