// `confide analysis list|show|run` and `confide report`: the built-in analyses (cli/analyses.h)
// over the same Query RPC as `confide query`, so the hub authorises, disclosure-controls and
// audits each of their queries exactly as if the analyst had typed it.

#include <algorithm>
#include <chrono>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "cli/analyses.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/report.h"
#include "common/files.h"
#include "common/grpc_client.h"
#include "confide/v1/query.grpc.pb.h"

namespace confide::cli {
namespace {

constexpr absl::string_view kRunUsage =
    "confide analysis run NAME --config client.textpb --agreement ID --purpose TEXT "
    "[--format table|csv|json] [--share 0.5]";
constexpr absl::string_view kShowUsage = "confide analysis show NAME";
constexpr absl::string_view kReportUsage =
    "confide report --config client.textpb --agreement ID --purpose TEXT --out report.html "
    "[--share 0.5]";

bool WantsHelp(const std::vector<std::string>& args) {
  return std::find(args.begin(), args.end(), "--help") != args.end() ||
         std::find(args.begin(), args.end(), "-h") != args.end();
}

// "0.5" or "50%": the share of the published total harm hot spots must hold.
absl::StatusOr<double> ParseShare(const std::string& text) {
  absl::string_view number = text;
  const bool percent = absl::ConsumeSuffix(&number, "%");
  double share = 0;
  if (!absl::SimpleAtod(number, &share)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--share expects a fraction such as 0.5 (or 50%), got '", text, "'"));
  }
  if (percent) {
    share /= 100;
  }
  if (!(share > 0 && share <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--share must be more than 0 and at most 1 (100%), got '", text, "'"));
  }
  return share;
}

// The same call `confide query` makes: one Query.Run per query, five minutes each.
QueryRunner HubRunner(v1::Query::StubInterface& stub) {
  return [&stub](const v1::QueryRequest& request) -> absl::StatusOr<v1::QueryResult> {
    v1::QueryResult result;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(5));
    absl::Status status = FromGrpcStatus(stub.Run(&context, request, &result));
    if (!status.ok()) {
      return status;
    }
    return result;
  };
}

// Checks --agreement/--purpose, loads the config and opens the channel. On failure `*exit_code`
// is set (after printing usage) and null is returned.
std::unique_ptr<v1::Query::Stub> Connect(const ParsedArgs& parsed, absl::string_view usage,
                                         int* exit_code) {
  if (parsed.Get("agreement").empty() || parsed.Get("purpose").empty()) {
    *exit_code = Usage("expected --agreement and --purpose", usage);
    return nullptr;
  }
  absl::StatusOr<v1::ClientConfig> config = LoadClientConfig(parsed.Get("config"));
  if (!config.ok()) {
    *exit_code = Usage(std::string(config.status().message()), usage);
    return nullptr;
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      MakeHubChannel(config->hub_address(), config->tls());
  if (!channel.ok()) {
    *exit_code = Usage(std::string(channel.status().message()), usage);
    return nullptr;
  }
  return v1::Query::NewStub(*channel);
}

std::string AnalysisNames() {
  std::vector<std::string> names;
  for (const Analysis& analysis : BuiltInAnalyses()) {
    names.push_back(analysis.name);
  }
  return absl::StrJoin(names, ", ");
}

}  // namespace

int AnalysisListCommand(const std::vector<std::string>& args) {
  ParsedArgs parsed = ParseArgs(args, {});
  if (!parsed.error.empty() || !parsed.positional.empty()) {
    return Usage(parsed.error.empty() ? "unexpected argument" : parsed.error,
                 "confide analysis list");
  }
  for (const Analysis& analysis : BuiltInAnalyses()) {
    std::cout << analysis.name << "  (" << absl::StrJoin(analysis.datasets, ", ") << ")\n    "
              << analysis.description << "\n";
  }
  std::cout << "\nrun one: " << kRunUsage << "\nits SQL: " << kShowUsage << "\n";
  return kExitOk;
}

int AnalysisShowCommand(const std::vector<std::string>& args) {
  ParsedArgs parsed = ParseArgs(args, {});
  if (!parsed.error.empty() || parsed.positional.size() != 1) {
    return Usage(parsed.error.empty() ? "expected one analysis name" : parsed.error, kShowUsage);
  }
  const Analysis* analysis = FindAnalysis(parsed.positional[0]);
  if (analysis == nullptr) {
    return Usage(absl::StrCat("no analysis named '", parsed.positional[0],
                              "'; expected one of: ", AnalysisNames()),
                 kShowUsage);
  }
  std::cout << analysis->name << ": " << analysis->title << "\n"
            << analysis->description << "\ndatasets: " << absl::StrJoin(analysis->datasets, ", ")
            << "\n";
  for (const AnalysisQuery& query : analysis->queries) {
    std::cout << "\n"
              << (query.label.empty() ? "" : absl::StrCat("-- ", query.label, "\n")) << query.sql
              << "\n";
  }
  if (analysis->post_process != nullptr) {
    std::cout << "\nThen post-processed by confide from the published values (--share).\n";
  }
  return kExitOk;
}

int AnalysisRunCommand(const std::vector<std::string>& args) {
  if (WantsHelp(args)) {
    std::cout << "usage: " << kRunUsage << "\nanalyses: " << AnalysisNames() << "\n";
    return kExitOk;
  }
  ParsedArgs parsed = ParseArgs(args, {"config", "agreement", "purpose", "format", "share"});
  if (!parsed.error.empty()) {
    return Usage(parsed.error, kRunUsage);
  }
  if (parsed.positional.size() != 1) {
    return Usage("expected one analysis name (confide analysis list shows them)", kRunUsage);
  }
  const Analysis* analysis = FindAnalysis(parsed.positional[0]);
  if (analysis == nullptr) {
    return Usage(absl::StrCat("no analysis named '", parsed.positional[0],
                              "'; expected one of: ", AnalysisNames()),
                 kRunUsage);
  }
  absl::StatusOr<Format> format = ParseFormat(parsed.Get("format", "table"));
  if (!format.ok()) {
    return Usage(std::string(format.status().message()), kRunUsage);
  }
  AnalysisOptions options;
  if (const std::string share = parsed.Get("share"); !share.empty()) {
    if (analysis->post_process == nullptr) {
      return Usage(absl::StrCat("--share applies to harm-hot-spots, not ", analysis->name),
                   kRunUsage);
    }
    absl::StatusOr<double> parsed_share = ParseShare(share);
    if (!parsed_share.ok()) {
      return Usage(std::string(parsed_share.status().message()), kRunUsage);
    }
    options.hot_spot_share = *parsed_share;
  }
  int exit_code = kExitOk;
  std::unique_ptr<v1::Query::Stub> stub = Connect(parsed, kRunUsage, &exit_code);
  if (stub == nullptr) {
    return exit_code;
  }
  absl::StatusOr<v1::QueryResult> result =
      RunAnalysis(*analysis, HubRunner(*stub), parsed.Get("agreement"), parsed.Get("purpose"));
  if (result.ok() && analysis->post_process != nullptr) {
    result = analysis->post_process(*result, options);
  }
  if (!result.ok()) {
    return Report(absl::StrCat("analysis ", analysis->name, " refused"), result.status());
  }
  if (*format == Format::kTable) {
    std::cout << analysis->title << "\n\n";
  }
  std::cout << RenderQueryResult(*result, *format);
  if (*format == Format::kCsv) {
    for (const std::string& note : result->notes()) {
      std::cerr << "note: " << note << "\n";
    }
  }
  return kExitOk;
}

int AnalystReportCommand(const std::vector<std::string>& args) {
  if (WantsHelp(args)) {
    std::cout << "usage: " << kReportUsage
              << "\nRuns every built-in analysis (confide analysis list) under the agreement and "
                 "writes one self-contained HTML file\n(inline SVG charts, no scripts or links). "
                 "Exit code 3 when some analyses were refused: the report says which.\n";
    return kExitOk;
  }
  ParsedArgs parsed = ParseArgs(args, {"config", "agreement", "purpose", "out", "share"});
  if (!parsed.error.empty() || !parsed.positional.empty()) {
    return Usage(parsed.error.empty() ? "unexpected argument" : parsed.error, kReportUsage);
  }
  const std::string out = parsed.Get("out");
  if (out.empty()) {
    return Usage("--out report.html is required", kReportUsage);
  }
  AnalysisOptions options;
  if (const std::string share = parsed.Get("share"); !share.empty()) {
    absl::StatusOr<double> parsed_share = ParseShare(share);
    if (!parsed_share.ok()) {
      return Usage(std::string(parsed_share.status().message()), kReportUsage);
    }
    options.hot_spot_share = *parsed_share;
  }
  int exit_code = kExitOk;
  std::unique_ptr<v1::Query::Stub> stub = Connect(parsed, kReportUsage, &exit_code);
  if (stub == nullptr) {
    return exit_code;
  }
  ReportInput input =
      CollectReport(HubRunner(*stub), parsed.Get("agreement"), parsed.Get("purpose"), options);
  input.generated = absl::Now();
  if (!absl::LoadTimeZone("Europe/London", &input.zone)) {
    input.zone = absl::UTCTimeZone();
  }
  absl::Status first_failure;
  for (const Analysis& analysis : BuiltInAnalyses()) {
    auto failure = input.failures.find(analysis.name);
    if (failure == input.failures.end()) {
      std::cerr << "confide: " << analysis.name << ": ok\n";
      continue;
    }
    std::cerr << "confide: " << analysis.name << ": failed ("
              << absl::StatusCodeToString(failure->second.code())
              << "): " << failure->second.message() << "\n";
    if (first_failure.ok()) {
      first_failure = failure->second;
    }
  }
  if (input.results.empty()) {
    // Nothing to show: most likely a wrong agreement or purpose, or no hub. Say so plainly
    // instead of writing an empty report.
    return Report("report not written, no analysis could run", first_failure);
  }
  // Partnership-internal figures: readable by their owner until deliberately shared.
  if (absl::Status written = WriteFileAtomic(out, RenderAnalystReport(input), 0600);
      !written.ok()) {
    return Usage(std::string(written.message()), kReportUsage);
  }
  std::cerr << "confide: wrote " << out << ": " << input.results.size() << " of "
            << BuiltInAnalyses().size() << " analyses\n";
  return input.failures.empty() ? kExitOk : kExitPartial;
}

}  // namespace confide::cli
