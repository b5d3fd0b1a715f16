#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "confide/v1/config.pb.h"

namespace confide::hub {

// Loads and checks the hub config. Relative paths are resolved against the config file's
// directory. Errors name the file, line and what is wrong.
absl::StatusOr<v1::HubConfig> LoadHubConfig(const std::string& path);

}  // namespace confide::hub
