#include "common/tls.h"

#include <sys/stat.h>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/status_macros.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"

namespace confide {
namespace {

absl::Status RequireSet(const std::string& value, absl::string_view name) {
  if (value.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("tls.", name, " is not set"));
  }
  return absl::OkStatus();
}

struct LoadedFiles {
  std::string ca;
  std::string cert;
  std::string key;
};

absl::StatusOr<LoadedFiles> Load(const v1::TlsFiles& files) {
  CONFIDE_RETURN_IF_ERROR(RequireSet(files.ca_cert(), "ca_cert"));
  CONFIDE_RETURN_IF_ERROR(RequireSet(files.cert(), "cert"));
  CONFIDE_RETURN_IF_ERROR(RequireSet(files.key(), "key"));
  LoadedFiles loaded;
  CONFIDE_ASSIGN_OR_RETURN(loaded.ca, ReadFile(files.ca_cert()));
  CONFIDE_ASSIGN_OR_RETURN(loaded.cert, ReadFile(files.cert()));
  CONFIDE_ASSIGN_OR_RETURN(loaded.key, ReadSecretFile(files.key()));
  return loaded;
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const v1::TlsFiles& files) {
  CONFIDE_ASSIGN_OR_RETURN(LoadedFiles loaded, Load(files));
  auto provider = std::make_shared<grpc::experimental::StaticDataCertificateProvider>(
      loaded.ca, std::vector<grpc::experimental::IdentityKeyCertPair>{{loaded.key, loaded.cert}});
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  if (!files.crl_dir().empty()) {
    struct stat info;
    if (::stat(files.crl_dir().c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
      return absl::NotFoundError(
          absl::StrCat("tls.crl_dir ", files.crl_dir(), " is not a directory"));
    }
    options.set_crl_directory(files.crl_dir());
  }
  return grpc::experimental::TlsServerCredentials(options);
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const v1::TlsFiles& files) {
  CONFIDE_ASSIGN_OR_RETURN(LoadedFiles loaded, Load(files));
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = loaded.ca;
  options.pem_private_key = loaded.key;
  options.pem_cert_chain = loaded.cert;
  return grpc::SslCredentials(options);
}

v1::TlsFiles ResolveTlsFiles(const std::string& config_path, const v1::TlsFiles& files) {
  v1::TlsFiles resolved = files;
  resolved.set_ca_cert(ResolvePath(config_path, files.ca_cert()));
  resolved.set_cert(ResolvePath(config_path, files.cert()));
  resolved.set_key(ResolvePath(config_path, files.key()));
  resolved.set_crl_dir(ResolvePath(config_path, files.crl_dir()));
  return resolved;
}

}  // namespace confide
