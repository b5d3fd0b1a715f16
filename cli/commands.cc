#include "cli/commands.h"

#include <chrono>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cli/output.h"
#include "common/files.h"
#include "common/grpc_client.h"
#include "common/tls.h"
#include "confide/v1/query.grpc.pb.h"
#include "policy/summary.h"

namespace confide::cli {

absl::StatusOr<v1::ClientConfig> LoadClientConfig(const std::string& path) {
  if (path.empty()) {
    return absl::InvalidArgumentError("--config client.textpb is required");
  }
  v1::ClientConfig config;
  absl::Status parsed = ParseTextProtoFile(path, &config);
  if (!parsed.ok()) {
    return parsed;
  }
  *config.mutable_tls() = ResolveTlsFiles(path, config.tls());
  if (!config.audit_public_key_file().empty()) {
    config.set_audit_public_key_file(ResolvePath(path, config.audit_public_key_file()));
  }
  config.set_audit_witness_state_file(ResolvePath(path, config.audit_witness_state_file().empty()
                                                            ? "audit-witness.json"
                                                            : config.audit_witness_state_file()));
  return config;
}

int Report(absl::string_view what, const absl::Status& status) {
  std::string message;
  int code = ExitCodeFor(status, &message);
  std::cerr << "confide: " << what << ": " << message << "\n";
  return code;
}

int Usage(const std::string& error, absl::string_view usage) {
  std::cerr << "confide: " << error << "\nusage: " << usage << "\n";
  return kExitUsage;
}

std::string ParsedArgs::Get(const std::string& name, const std::string& fallback) const {
  for (const auto& [flag, value] : flags) {
    if (flag == name) {
      return value;
    }
  }
  return fallback;
}

ParsedArgs ParseArgs(const std::vector<std::string>& args, const std::vector<std::string>& known) {
  ParsedArgs parsed;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0) {
      parsed.positional.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2), value;
    size_t equals = name.find('=');
    if (equals != std::string::npos) {
      value = name.substr(equals + 1);
      name = name.substr(0, equals);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      parsed.error = absl::StrCat("--", name, " needs a value");
      return parsed;
    }
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      parsed.error = absl::StrCat("unknown option --", name);
      return parsed;
    }
    parsed.flags.emplace_back(name, value);
  }
  return parsed;
}

int QueryCommand(const std::vector<std::string>& args) {
  constexpr absl::string_view kUsage =
      "confide query --config client.textpb --agreement ID --purpose TEXT \"SQL\" "
      "[--format table|csv|json]";
  ParsedArgs parsed = ParseArgs(args, {"config", "agreement", "purpose", "format"});
  if (!parsed.error.empty()) {
    return Usage(parsed.error, kUsage);
  }
  if (parsed.positional.size() != 1 || parsed.Get("agreement").empty() ||
      parsed.Get("purpose").empty()) {
    return Usage("expected --agreement, --purpose and one SQL statement", kUsage);
  }
  absl::StatusOr<Format> format = ParseFormat(parsed.Get("format", "table"));
  if (!format.ok()) {
    return Usage(std::string(format.status().message()), kUsage);
  }
  absl::StatusOr<v1::ClientConfig> config = LoadClientConfig(parsed.Get("config"));
  if (!config.ok()) {
    return Usage(std::string(config.status().message()), kUsage);
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      MakeHubChannel(config->hub_address(), config->tls());
  if (!channel.ok()) {
    return Usage(std::string(channel.status().message()), kUsage);
  }
  v1::QueryRequest request;
  request.set_agreement(parsed.Get("agreement"));
  request.set_purpose(parsed.Get("purpose"));
  request.set_sql(parsed.positional[0]);
  v1::QueryResult result;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(5));
  absl::Status status =
      FromGrpcStatus(v1::Query::NewStub(*channel)->Run(&context, request, &result));
  if (!status.ok()) {
    return Report("query refused", status);
  }
  std::cout << RenderQueryResult(result, *format);
  if (*format == Format::kCsv) {
    for (const std::string& note : result.notes()) {
      std::cerr << "note: " << note << "\n";
    }
  }
  return kExitOk;
}

int PolicyCheckCommand(const std::vector<std::string>& args) {
  constexpr absl::string_view kUsage = "confide policy check FILE";
  ParsedArgs parsed = ParseArgs(args, {});
  if (!parsed.error.empty() || parsed.positional.size() != 1) {
    return Usage(parsed.error.empty() ? "expected one policy file" : parsed.error, kUsage);
  }
  absl::StatusOr<std::shared_ptr<const policy::Policy>> loaded = policy::Policy::FromFile(
      parsed.positional[0], absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()));
  if (!loaded.ok()) {
    std::cerr << loaded.status().message() << "\n";
    return kExitUsage;
  }
  std::cout << policy::SummarisePolicy(**loaded);
  return kExitOk;
}

}  // namespace confide::cli
