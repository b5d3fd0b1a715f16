#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "confide/v1/config.pb.h"

namespace confide::agent {

// Loads the agent config; relative paths resolve against the config file's directory.
absl::StatusOr<v1::AgentConfig> LoadAgentConfig(const std::string& path);

struct PushOptions {
  std::string config_path;
  std::string dataset;
  std::string csv_path;
  std::string quarantine_path;  // optional: rows kept back, with row number, column and reason
};

// Runs `confide-agent push`. Returns the process exit code; prints a one-line summary to stdout
// and problems to stderr, never identifier values.
int RunPush(const PushOptions& options);

}  // namespace confide::agent
