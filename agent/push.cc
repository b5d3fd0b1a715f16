#include "agent/push.h"

#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "agent/extract/csv_reader.h"
#include "agent/hub_client.h"
#include "agent/record_builder.h"
#include "common/files.h"
#include "common/grpc_client.h"
#include "common/status_macros.h"
#include "common/tls.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace confide::agent {
namespace {

constexpr int kMaxProblemLines = 50;

std::string Deterministic(const v1::Batch& batch) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  for (const v1::WireRecord& record : batch.records()) {
    record.SerializeToCodedStream(&coded);
  }
  coded.Trim();
  return bytes;
}

std::string CsvEscape(absl::string_view text) {
  if (text.find_first_of(",\"\r\n") == absl::string_view::npos) {
    return std::string(text);
  }
  std::string out = "\"";
  for (char c : text) {
    out.push_back(c);
    if (c == '"') {
      out.push_back('"');
    }
  }
  return out + "\"";
}

absl::StatusOr<CsvOptions> CsvOptionsFor(const v1::DatasetMapping& mapping) {
  CsvOptions options;
  const std::string& delimiter = mapping.delimiter();
  if (delimiter.empty() || delimiter == ",") {
    options.delimiter = ',';
  } else if (delimiter == ";" || delimiter == "|") {
    options.delimiter = delimiter[0];
  } else if (delimiter == "\t" || delimiter == "\\t" || delimiter == "tab") {
    options.delimiter = '\t';
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("expected delimiter ',', ';', '|' or tab, got '", delimiter, "'"));
  }
  const std::string& encoding = mapping.encoding();
  if (encoding.empty() || encoding == "utf-8") {
    options.encoding = Encoding::kUtf8;
  } else if (encoding == "windows-1252") {
    options.encoding = Encoding::kWindows1252;
  } else if (encoding == "latin-1") {
    options.encoding = Encoding::kLatin1;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("expected encoding utf-8, windows-1252 or latin-1, got '", encoding, "'"));
  }
  return options;
}

struct Counts {
  int64_t read = 0, sent = 0, stored = 0, duplicate = 0, kept_back = 0, batches = 0;
};

int Fail(absl::string_view what, const absl::Status& status) {
  std::string message;
  int code = ExitCodeFor(status, &message);
  std::cerr << "confide-agent: " << what << ": " << message << "\n";
  return code;
}

}  // namespace

absl::StatusOr<v1::AgentConfig> LoadAgentConfig(const std::string& path) {
  v1::AgentConfig config;
  CONFIDE_RETURN_IF_ERROR(ParseTextProtoFile(path, &config));
  if (config.hub_address().empty() || config.linkage_key_file().empty() ||
      config.linkage_key_version().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": hub_address, linkage_key_file and linkage_key_version must all be set"));
  }
  config.set_linkage_key_file(ResolvePath(path, config.linkage_key_file()));
  *config.mutable_tls() = ResolveTlsFiles(path, config.tls());
  if (config.batch_size() <= 0) {
    config.set_batch_size(1000);
  }
  return config;
}

int RunPush(const PushOptions& options) {
  absl::Time started = absl::Now();
  absl::StatusOr<v1::AgentConfig> config = LoadAgentConfig(options.config_path);
  if (!config.ok()) {
    std::cerr << "confide-agent: " << config.status().message() << "\n";
    return kExitUsage;
  }
  const v1::DatasetMapping* mapping = nullptr;
  for (const v1::DatasetMapping& candidate : config->datasets()) {
    if (candidate.dataset() == options.dataset) {
      mapping = &candidate;
    }
  }
  if (mapping == nullptr) {
    std::cerr << "confide-agent: " << options.config_path << " has no mapping for dataset '"
              << options.dataset << "'\n";
    return kExitUsage;
  }
  absl::StatusOr<CsvOptions> csv_options = CsvOptionsFor(*mapping);
  if (!csv_options.ok()) {
    std::cerr << "confide-agent: " << csv_options.status().message() << "\n";
    return kExitUsage;
  }
  // The linkage key is read before anything else touches the network: a key file with loose
  // permissions is refused outright.
  absl::StatusOr<std::string> linkage_key = ReadHexKeyFile(config->linkage_key_file(), 32);
  if (!linkage_key.ok()) {
    std::cerr << "confide-agent: linkage key: " << linkage_key.status().message() << "\n";
    return kExitUsage;
  }
  absl::StatusOr<std::unique_ptr<CsvReader>> reader =
      CsvReader::Open(options.csv_path, *csv_options);
  if (!reader.ok()) {
    std::cerr << "confide-agent: " << reader.status().message() << "\n";
    return kExitUsage;
  }
  CsvRow header;
  absl::StatusOr<bool> has_header = (*reader)->Next(&header);
  if (!has_header.ok() || !*has_header) {
    std::cerr << "confide-agent: " << options.csv_path << " is empty: expected a header row\n";
    return kExitUsage;
  }

  absl::StatusOr<std::unique_ptr<HubClient>> client = HubClient::Connect(*config);
  if (!client.ok()) {
    std::cerr << "confide-agent: " << client.status().message() << "\n";
    return kExitUsage;
  }
  absl::StatusOr<v1::GetDatasetResponse> schema = (*client)->GetDataset(options.dataset);
  if (!schema.ok()) {
    return Fail(absl::StrCat("fetching the schema of '", options.dataset, "'"), schema.status());
  }
  absl::StatusOr<std::unique_ptr<RecordBuilder>> builder =
      RecordBuilder::Create(schema->dataset(), *mapping, header.fields);
  if (!builder.ok()) {
    std::cerr << "confide-agent: " << options.csv_path << ": " << builder.status().message()
              << "\n";
    return kExitUsage;
  }
  Pseudonymiser pseudonymiser(*linkage_key, config->linkage_key_version(), schema->linkage());
  linkage_key->assign(linkage_key->size(), '\0');

  std::ofstream quarantine;
  if (!options.quarantine_path.empty()) {
    quarantine.open(options.quarantine_path, std::ios::trunc);
    if (!quarantine) {
      std::cerr << "confide-agent: cannot write " << options.quarantine_path << "\n";
      return kExitUsage;
    }
    quarantine << "row,line,column,reason\n";
  }

  Counts counts;
  std::unique_ptr<PushSession> session = (*client)->StartPush();
  v1::Batch batch;
  batch.set_dataset(options.dataset);
  auto flush = [&]() -> absl::Status {
    if (batch.records().empty()) {
      return absl::OkStatus();
    }
    batch.set_batch_id(pseudonymiser.BatchId(options.dataset, Deterministic(batch)));
    CONFIDE_ASSIGN_OR_RETURN(v1::PushAck ack, session->Send(batch));
    counts.sent += batch.records_size();
    ++counts.batches;
    (ack.outcome() == v1::PushAck::DUPLICATE ? counts.duplicate : counts.stored) += ack.records();
    batch.clear_records();
    return absl::OkStatus();
  };

  CsvRow row;
  std::vector<RowProblem> problems;
  while (true) {
    absl::StatusOr<bool> more = (*reader)->Next(&row);
    if (!more.ok()) {
      std::cerr << "confide-agent: reading " << options.csv_path << ": " << more.status().message()
                << "\n";
      return kExitUsage;
    }
    if (!*more) {
      break;
    }
    ++counts.read;
    v1::WireRecord* record = batch.add_records();
    if (!(*builder)->Build(row, pseudonymiser, record, &problems)) {
      batch.mutable_records()->RemoveLast();
      ++counts.kept_back;
      for (const RowProblem& problem : problems) {
        std::string where =
            problem.column.empty() ? "" : absl::StrCat(", column '", problem.column, "'");
        if (counts.kept_back <= kMaxProblemLines) {
          std::cerr << "row " << row.record_number - 1 << " (line " << row.line_number << ")"
                    << where << ": " << problem.reason << "\n";
        }
        if (quarantine.is_open()) {
          quarantine << row.record_number - 1 << "," << row.line_number << ","
                     << CsvEscape(problem.column) << "," << CsvEscape(problem.reason) << "\n";
        }
      }
      continue;
    }
    if (batch.records_size() >= config->batch_size()) {
      absl::Status sent = flush();
      if (!sent.ok()) {
        return Fail("pushing", sent);
      }
    }
  }
  absl::Status sent = flush();
  if (sent.ok()) {
    sent = session->Finish();
  }
  if (!sent.ok()) {
    return Fail("pushing", sent);
  }
  if (counts.kept_back > kMaxProblemLines) {
    std::cerr << "... " << counts.kept_back - kMaxProblemLines << " more rows kept back"
              << (quarantine.is_open() ? "; see the quarantine file" : "") << "\n";
  }
  std::cout << absl::StrFormat(
      "pushed %s: %d rows read, %d sent in %d batches (%d stored, %d already at the hub), %d "
      "kept back, %.1f s\n",
      options.dataset, counts.read, counts.sent, counts.batches, counts.stored, counts.duplicate,
      counts.kept_back, absl::ToDoubleSeconds(absl::Now() - started));
  return counts.kept_back > 0 ? kExitPartial : kExitOk;
}

}  // namespace confide::agent
