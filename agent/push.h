#pragma once

// `confide-agent push`: validate, pseudonymise and push one extract, resumably.

#include <string>

#include "absl/types/optional.h"
#include "agent/agent_config.h"

namespace confide::agent {

struct PushOptions {
  std::string config_path;
  std::string dataset;
  std::string csv_path;
  // Bad rows with their original fields. Default: <quarantine_dir>/<dataset>-<UTC time>.csv,
  // created only when a row is bad.
  std::string quarantine_path;
  std::string receipt_path;  // optional: JSON receipt of the push
  // Non-empty: write the records that would be sent to this CSV and send nothing (the hub is
  // contacted only for the dataset's schema).
  std::string dry_run_path;
  // Set: validate the whole file first and send nothing if more than this fraction (0..1) of
  // its rows are bad.
  absl::optional<double> max_reject_rate;
};

// Runs `confide-agent push`. Returns the process exit code (0 ok, 1 usage/config/file problem or
// reject rate exceeded, 2 denied, 3 rows quarantined, 4 hub unreachable); prints one summary line
// to stdout and problems and progress to stderr, never identifier values.
int RunPush(const PushOptions& options);

}  // namespace confide::agent
