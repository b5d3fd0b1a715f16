#pragma once

// mTLS credentials. The hub requires and verifies a client certificate from the partnership CA on
// every connection (checked against the CRL directory when configured); clients verify the hub's
// certificate and host name. There is deliberately no way to turn verification off.

#include <memory>

#include "absl/status/statusor.h"
#include "confide/v1/config.pb.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"

namespace confide {

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const v1::TlsFiles& files);

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const v1::TlsFiles& files);

// Resolves every relative path in `files` against the directory of `config_path`.
v1::TlsFiles ResolveTlsFiles(const std::string& config_path, const v1::TlsFiles& files);

}  // namespace confide
