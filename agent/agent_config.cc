#include "agent/agent_config.h"

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/status_macros.h"
#include "common/tls.h"

namespace confide::agent {

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
  config.set_journal_dir(
      ResolvePath(path, config.journal_dir().empty() ? "journal" : config.journal_dir()));
  config.set_quarantine_dir(
      ResolvePath(path, config.quarantine_dir().empty() ? "quarantine" : config.quarantine_dir()));
  if (config.batch_size() <= 0) {
    config.set_batch_size(1000);
  }
  return config;
}

const v1::DatasetMapping* FindMapping(const v1::AgentConfig& config, absl::string_view dataset) {
  for (const v1::DatasetMapping& candidate : config.datasets()) {
    if (candidate.dataset() == dataset) {
      return &candidate;
    }
  }
  return nullptr;
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

}  // namespace confide::agent
