// confide-agent: pushes an agency's CSV extract to the hub, pseudonymised at source.

#include <iostream>
#include <string>

#include "agent/push.h"

namespace {

constexpr const char kUsage[] =
    "usage: confide-agent push --config agent.textpb --dataset NAME [--quarantine FILE] "
    "FILE.csv\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) != "push") {
    std::cerr << kUsage;
    return 1;
  }
  confide::agent::PushOptions options;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) {
        return false;
      }
      *out = argv[++i];
      return true;
    };
    bool ok = true;
    if (arg == "--config") {
      ok = value(&options.config_path);
    } else if (arg == "--dataset") {
      ok = value(&options.dataset);
    } else if (arg == "--quarantine") {
      ok = value(&options.quarantine_path);
    } else if (!arg.empty() && arg[0] != '-' && options.csv_path.empty()) {
      options.csv_path = arg;
    } else {
      ok = false;
    }
    if (!ok) {
      std::cerr << "confide-agent: unexpected argument '" << arg << "'\n" << kUsage;
      return 1;
    }
  }
  if (options.config_path.empty() || options.dataset.empty() || options.csv_path.empty()) {
    std::cerr << kUsage;
    return 1;
  }
  return confide::agent::RunPush(options);
}
