// confide: the analyst and IG officer's client.

#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace {

constexpr const char kUsage[] =
    "usage:\n"
    "  confide query --config client.textpb --agreement ID --purpose TEXT \"SQL\" "
    "[--format table|csv|json]\n"
    "  confide audit list --config client.textpb [--since D] [--until D] [--user NAME|URI]\n"
    "      [--agency ID] [--agreement ID] [--purpose TEXT] [--action NAME]\n"
    "      [--decision allow|deny|error] [--limit N] [--format table|csv|json]\n"
    "  confide audit report --config client.textpb [--since D] [--until D] --out report.html\n"
    "  confide audit export --config client.textpb [--with-proofs] [--output FILE]\n"
    "  confide audit verify EXPORT [--public-key PEM] [--trusted-head FILE] [--state FILE]\n"
    "  confide audit witness --config client.textpb [--compare WITNESS_STATE_OR_HEAD]...\n"
    "  confide policy check FILE\n"
    "  confide analysis list | show NAME\n"
    "  confide analysis run NAME --config client.textpb --agreement ID --purpose TEXT\n"
    "      [--format table|csv|json] [--share 0.5]\n"
    "  confide report --config client.textpb --agreement ID --purpose TEXT --out report.html\n"
    "      [--share 0.5]\n"
    "dates D are YYYY-MM-DD in Europe/London time, or RFC 3339; "
    "confide audit list --help explains\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << kUsage;
    return 1;
  }
  std::string command = args[0];
  if (command == "query") {
    return confide::cli::QueryCommand({args.begin() + 1, args.end()});
  }
  if (command == "audit" && args.size() >= 2 && args[1] == "list") {
    return confide::cli::AuditListCommand({args.begin() + 2, args.end()});
  }
  if (command == "audit" && args.size() >= 2 && args[1] == "report") {
    return confide::cli::AuditReportCommand({args.begin() + 2, args.end()});
  }
  if (command == "audit" && args.size() >= 2 && args[1] == "export") {
    return confide::cli::AuditExportCommand({args.begin() + 2, args.end()});
  }
  if (command == "audit" && args.size() >= 2 && args[1] == "verify") {
    return confide::cli::AuditVerifyCommand({args.begin() + 2, args.end()});
  }
  if (command == "audit" && args.size() >= 2 && args[1] == "witness") {
    return confide::cli::AuditWitnessCommand({args.begin() + 2, args.end()});
  }
  if (command == "policy" && args.size() >= 2 && args[1] == "check") {
    return confide::cli::PolicyCheckCommand({args.begin() + 2, args.end()});
  }
  if (command == "analysis" && args.size() >= 2 && args[1] == "list") {
    return confide::cli::AnalysisListCommand({args.begin() + 2, args.end()});
  }
  if (command == "analysis" && args.size() >= 2 && args[1] == "show") {
    return confide::cli::AnalysisShowCommand({args.begin() + 2, args.end()});
  }
  if (command == "analysis" && args.size() >= 2 && args[1] == "run") {
    return confide::cli::AnalysisRunCommand({args.begin() + 2, args.end()});
  }
  if (command == "report") {
    return confide::cli::AnalystReportCommand({args.begin() + 1, args.end()});
  }
  std::cerr << kUsage;
  return 1;
}
