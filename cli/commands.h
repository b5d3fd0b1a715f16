#pragma once

// Subcommands of `confide`, the analyst and IG officer's client. Each returns a process exit
// code (see common/grpc_client.h).

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "confide/v1/audit.grpc.pb.h"
#include "confide/v1/config.pb.h"

namespace confide::cli {

int QueryCommand(const std::vector<std::string>& args);
// cli/audit_commands.cc: list the audit log through the hub's filters, paging through every
// matching event; and write the IG officer's HTML report on a period of the log.
int AuditListCommand(const std::vector<std::string>& args);
int AuditReportCommand(const std::vector<std::string>& args);
// cli/audit_commands.cc: export the audit log with its signed tree head, and verify an export
// offline (keeping the last verified head as a witness would).
int AuditExportCommand(const std::vector<std::string>& args);
int AuditVerifyCommand(const std::vector<std::string>& args);
// cli/audit_witness_command.cc: check the hub's signed tree head against the last one this CLI
// verified and, with --compare, against other witnesses' heads (split view).
int AuditWitnessCommand(const std::vector<std::string>& args);
// The same check, run first by every `confide audit` command that talks to the hub. Returns
// kExitOk, or the exit code after printing why (kExitAuditVerifyFailed when history was
// rewritten).
int WitnessHubOrExplain(const v1::ClientConfig& config, v1::Audit::StubInterface& hub);

// Shared by the subcommands.
absl::StatusOr<v1::ClientConfig> LoadClientConfig(const std::string& path);
// Prints "confide: what: message" and returns the exit code for `status`.
int Report(absl::string_view what, const absl::Status& status);
// Prints the error and usage line; returns kExitUsage.
int Usage(const std::string& error, absl::string_view usage);
int PolicyCheckCommand(const std::vector<std::string>& args);
// cli/report_command.cc: the built-in analyses (cli/analyses.h), one at a time or as the
// analyst's HTML report.
int AnalysisListCommand(const std::vector<std::string>& args);
int AnalysisShowCommand(const std::vector<std::string>& args);
int AnalysisRunCommand(const std::vector<std::string>& args);
int AnalystReportCommand(const std::vector<std::string>& args);

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
