#pragma once

// Client-side helpers shared by the agent and the `confide` CLI.

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "confide/v1/config.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/support/status.h"

namespace confide {

// An mTLS channel to the hub that verifies the hub's certificate against the partnership CA.
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeHubChannel(const std::string& address,
                                                              const v1::TlsFiles& tls);

absl::Status FromGrpcStatus(const grpc::Status& status);

// Process exit codes shared by every Confide command (see docs): 0 ok, 1 usage/config error,
// 2 denied, 3 partial (rows quarantined), 4 hub unreachable, 5 the audit log failed
// verification (tampering, rollback, split view).
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 1;
inline constexpr int kExitDenied = 2;
inline constexpr int kExitPartial = 3;
inline constexpr int kExitUnreachable = 4;
inline constexpr int kExitAuditVerifyFailed = 5;

// Exit code for a failed hub call, with a hint of what to do next appended to `message`.
int ExitCodeFor(const absl::Status& status, std::string* message);

}  // namespace confide
