#pragma once

// Subcommands of `confide`, the analyst and IG officer's client. Each returns a process exit
// code (see common/grpc_client.h).

#include <string>
#include <vector>

namespace confide::cli {

int QueryCommand(const std::vector<std::string>& args);
int AuditListCommand(const std::vector<std::string>& args);
int PolicyCheckCommand(const std::vector<std::string>& args);

// Parses "--name value" / "--name=value" flags and positional arguments. Unknown flags are an
// error so a mistyped option is never silently ignored.
struct ParsedArgs {
  std::vector<std::pair<std::string, std::string>> flags;
  std::vector<std::string> positional;
  std::string error;
  std::string Get(const std::string& name, const std::string& fallback = "") const;
};
ParsedArgs ParseArgs(const std::vector<std::string>& args, const std::vector<std::string>& known);

}  // namespace confide::cli
