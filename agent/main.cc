// confide-agent: pushes an agency's CSV extract to the hub, pseudonymised at source, and
// withdraws records pushed earlier.

#include <iostream>
#include <string>

#include "absl/strings/numbers.h"
#include "agent/push.h"
#include "agent/withdraw.h"

namespace {

constexpr const char kUsage[] =
    "usage:\n"
    "  confide-agent push --config agent.textpb --dataset NAME [--quarantine FILE]\n"
    "                     [--receipt FILE.json] [--max-reject-rate R] [--dry-run OUT.csv] "
    "FILE.csv\n"
    "  confide-agent withdraw --config agent.textpb --dataset NAME\n"
    "                     (--references FILE | --receipt RECEIPT.json)\n"
    "\n"
    "push: validates, pseudonymises and sends FILE.csv; bad rows go to the quarantine file\n"
    "  (default: quarantine_dir in the config). --max-reject-rate R (0..1) validates the whole\n"
    "  file first and sends nothing if more than that fraction of rows is bad. --dry-run OUT.csv\n"
    "  writes the records that would be sent and sends nothing. An interrupted push resumes\n"
    "  when run again.\n"
    "withdraw: removes your agency's records from the hub, by source reference (a CSV with the\n"
    "  mapped reference column, or one reference per line) or by an earlier push's receipt.\n";

int Usage(const std::string& error) {
  if (!error.empty()) {
    std::cerr << "confide-agent: " << error << "\n";
  }
  std::cerr << kUsage;
  return 1;
}

// Flag parsing shared by both commands: `--name value` pairs plus positional arguments.
class Args {
 public:
  Args(int argc, char** argv) : argc_(argc), argv_(argv) {}
  // Returns false with `error` set when a flag is unknown or lacks its value.
  template <typename Handle>
  bool Parse(Handle handle, std::string* error) {
    for (int i = 2; i < argc_; ++i) {
      std::string arg = argv_[i];
      std::string value;
      bool is_flag = arg.size() > 2 && arg.rfind("--", 0) == 0;
      if (is_flag) {
        if (i + 1 >= argc_) {
          *error = "'" + arg + "' needs a value";
          return false;
        }
        value = argv_[++i];
      }
      if (!handle(is_flag ? arg : "", is_flag ? value : arg)) {
        *error = is_flag ? "unknown option '" + arg + "'" : "unexpected argument '" + arg + "'";
        return false;
      }
    }
    return true;
  }

 private:
  int argc_;
  char** argv_;
};

int Push(int argc, char** argv) {
  confide::agent::PushOptions options;
  std::string error;
  bool bad_rate = false;
  bool parsed = Args(argc, argv)
                    .Parse(
                        [&](const std::string& flag, const std::string& value) {
                          if (flag == "--config") {
                            options.config_path = value;
                          } else if (flag == "--dataset") {
                            options.dataset = value;
                          } else if (flag == "--quarantine") {
                            options.quarantine_path = value;
                          } else if (flag == "--receipt") {
                            options.receipt_path = value;
                          } else if (flag == "--dry-run") {
                            options.dry_run_path = value;
                          } else if (flag == "--max-reject-rate") {
                            double rate = -1;
                            bad_rate = !absl::SimpleAtod(value, &rate) || !(rate >= 0 && rate <= 1);
                            options.max_reject_rate = rate;
                          } else if (flag.empty() && options.csv_path.empty()) {
                            options.csv_path = value;
                          } else {
                            return false;
                          }
                          return true;
                        },
                        &error);
  if (!parsed) {
    return Usage(error);
  }
  if (bad_rate) {
    return Usage("--max-reject-rate expects a fraction from 0 to 1, e.g. 0.05 for 5%");
  }
  if (options.config_path.empty() || options.dataset.empty() || options.csv_path.empty()) {
    return Usage("push needs --config, --dataset and the extract FILE.csv");
  }
  if (!options.dry_run_path.empty() && !options.receipt_path.empty()) {
    return Usage("--receipt records what a push sent; a --dry-run sends nothing");
  }
  return confide::agent::RunPush(options);
}

int Withdraw(int argc, char** argv) {
  confide::agent::WithdrawOptions options;
  std::string error;
  bool parsed = Args(argc, argv)
                    .Parse(
                        [&](const std::string& flag, const std::string& value) {
                          if (flag == "--config") {
                            options.config_path = value;
                          } else if (flag == "--dataset") {
                            options.dataset = value;
                          } else if (flag == "--references") {
                            options.references_path = value;
                          } else if (flag == "--receipt") {
                            options.receipt_path = value;
                          } else {
                            return false;
                          }
                          return true;
                        },
                        &error);
  if (!parsed) {
    return Usage(error);
  }
  if (options.config_path.empty() || options.dataset.empty()) {
    return Usage("withdraw needs --config and --dataset");
  }
  if (options.references_path.empty() == options.receipt_path.empty()) {
    return Usage("withdraw needs exactly one of --references FILE and --receipt RECEIPT.json");
  }
  return confide::agent::RunWithdraw(options);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string command = argc >= 2 ? argv[1] : "";
  if (command == "push") {
    return Push(argc, argv);
  }
  if (command == "withdraw") {
    return Withdraw(argc, argv);
  }
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage;
    return 0;
  }
  return Usage(command.empty() ? "" : "unknown command '" + command + "'");
}
