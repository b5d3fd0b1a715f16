#include "hub/hub_config.h"

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/status_macros.h"
#include "common/tls.h"

namespace confide::hub {

absl::StatusOr<v1::HubConfig> LoadHubConfig(const std::string& path) {
  v1::HubConfig config;
  CONFIDE_RETURN_IF_ERROR(ParseTextProtoFile(path, &config));
  auto missing = [&](absl::string_view field) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": required field '", field, "' is not set"));
  };
  if (config.listen_address().empty()) {
    return missing("listen_address");
  }
  if (config.data_dir().empty()) {
    return missing("data_dir");
  }
  if (config.policy_file().empty()) {
    return missing("policy_file");
  }
  if (config.hub_secret_key_file().empty()) {
    return missing("hub_secret_key_file");
  }
  if (config.audit_signing_key_file().empty()) {
    return missing("audit_signing_key_file");
  }
  if (!config.has_tls()) {
    return missing("tls");
  }
  // Revocation is not optional: without a CRL directory a revoked certificate would be served.
  if (config.tls().crl_dir().empty()) {
    return missing("tls.crl_dir");
  }
  config.set_data_dir(ResolvePath(path, config.data_dir()));
  config.set_policy_file(ResolvePath(path, config.policy_file()));
  config.set_hub_secret_key_file(ResolvePath(path, config.hub_secret_key_file()));
  config.set_audit_signing_key_file(ResolvePath(path, config.audit_signing_key_file()));
  config.set_port_file(ResolvePath(path, config.port_file()));
  *config.mutable_tls() = ResolveTlsFiles(path, config.tls());
  if (config.max_batch_records() < 0 || config.max_batch_records() > 100000) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": expected max_batch_records between 1 and 100000, got ",
                     config.max_batch_records()));
  }
  if (config.retention_interval_seconds() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": expected retention_interval_seconds >= 1, got ",
                     config.retention_interval_seconds()));
  }
  if (config.retention_interval_seconds() == 0) {
    config.set_retention_interval_seconds(3600);
  }
  if (config.storage_deadline_ms() < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": expected storage_deadline_ms >= 1, got ", config.storage_deadline_ms()));
  }
  if (config.storage_deadline_ms() == 0) {
    config.set_storage_deadline_ms(10000);
  }
  if (config.max_batch_records() == 0) {
    config.set_max_batch_records(5000);
  }
  return config;
}

}  // namespace confide::hub
