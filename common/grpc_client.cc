#include "common/grpc_client.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/tls.h"
#include "grpcpp/create_channel.h"

namespace confide {

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeHubChannel(const std::string& address,
                                                              const v1::TlsFiles& tls) {
  if (address.empty()) {
    return absl::InvalidArgumentError("hub_address is not set");
  }
  CONFIDE_ASSIGN_OR_RETURN(std::shared_ptr<grpc::ChannelCredentials> credentials,
                           MakeChannelCredentials(tls));
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(16 * 1024 * 1024);
  return grpc::CreateCustomChannel(address, credentials, arguments);
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) {
    return absl::OkStatus();
  }
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

int ExitCodeFor(const absl::Status& status, std::string* message) {
  *message = std::string(status.message());
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
      absl::StrAppend(message,
                      "\n(denied: ask your information governance officer whether an agreement "
                      "covers this, or check that you are using the right certificate)");
      return kExitDenied;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      absl::StrAppend(message,
                      "\n(the hub could not be reached or is not accepting requests: check "
                      "hub_address, that the hub is running, and that your certificate is from "
                      "the partnership CA and not revoked; then retry)");
      return kExitUnreachable;
    default:
      return kExitUsage;
  }
}

}  // namespace confide
