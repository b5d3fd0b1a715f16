#include "agent/agent_config.h"

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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
  if (config.next_linkage_key_file().empty() != config.next_linkage_key_version().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path,
        ": next_linkage_key_file and next_linkage_key_version go together; set both during "
        "a key rotation, neither otherwise"));
  }
  if (config.next_linkage_key_version() == config.linkage_key_version()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": next_linkage_key_version is '", config.linkage_key_version(),
                     "', the same as linkage_key_version; a rotation needs a new version"));
  }
  if (!config.next_linkage_key_file().empty()) {
    config.set_next_linkage_key_file(ResolvePath(path, config.next_linkage_key_file()));
  }
  if (!config.record_id_key_file().empty()) {
    config.set_record_id_key_file(ResolvePath(path, config.record_id_key_file()));
  }
  *config.mutable_tls() = ResolveTlsFiles(path, config.tls());
  config.set_journal_dir(
      ResolvePath(path, config.journal_dir().empty() ? "journal" : config.journal_dir()));
  config.set_quarantine_dir(
      ResolvePath(path, config.quarantine_dir().empty() ? "quarantine" : config.quarantine_dir()));
  if (!config.audit_public_key_file().empty()) {
    config.set_audit_public_key_file(ResolvePath(path, config.audit_public_key_file()));
  }
  if (config.batch_size() <= 0) {
    config.set_batch_size(1000);
  }
  return config;
}

absl::StatusOr<LinkageKeys> LoadLinkageKeys(const v1::AgentConfig& config) {
  constexpr size_t kMinKeyBytes = 32;
  LinkageKeys keys;
  auto read = [&](const std::string& setting, const std::string& file,
                  std::string* secret) -> absl::Status {
    absl::StatusOr<std::string> bytes = ReadHexKeyFile(file, kMinKeyBytes);
    if (!bytes.ok()) {
      return absl::Status(bytes.status().code(),
                          absl::StrCat(setting, ": ", bytes.status().message()));
    }
    *secret = *std::move(bytes);
    return absl::OkStatus();
  };
  CONFIDE_RETURN_IF_ERROR(
      read("linkage_key_file", config.linkage_key_file(), &keys.versions.emplace_back().secret));
  keys.versions.back().version = config.linkage_key_version();
  if (!config.next_linkage_key_file().empty()) {
    CONFIDE_RETURN_IF_ERROR(read("next_linkage_key_file", config.next_linkage_key_file(),
                                 &keys.versions.emplace_back().secret));
    keys.versions.back().version = config.next_linkage_key_version();
  }
  if (!config.record_id_key_file().empty()) {
    CONFIDE_RETURN_IF_ERROR(
        read("record_id_key_file", config.record_id_key_file(), &keys.record_id_secret));
  }
  CONFIDE_RETURN_IF_ERROR(ValidateLinkageKeys(keys));
  return keys;
}

absl::Status CheckKeyVersionsAccepted(const v1::AgentConfig& config,
                                      const v1::LinkageRecipe& recipe) {
  if (recipe.key_versions().empty()) {
    return absl::OkStatus();
  }
  const std::string accepted = absl::StrJoin(recipe.key_versions(), ", ");
  for (const auto& [setting, version] :
       {std::pair<absl::string_view, absl::string_view>{"linkage_key_version",
                                                        config.linkage_key_version()},
        {"next_linkage_key_version", config.next_linkage_key_version()}}) {
    if (version.empty() || absl::c_linear_search(recipe.key_versions(), version)) {
      continue;
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "the hub's linkage recipe accepts key versions [", accepted, "] but this agent's ", setting,
        " is '", version,
        "': ask your key custodian for the current key and version (docs/operator-guide.md, "
        "\"Rotating the linkage key\"); nothing was sent"));
  }
  return absl::OkStatus();
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
