#pragma once

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace confide::hub {

// Codes map 1:1 (both follow google.rpc.Code). Internal and DataLoss become a generic message so
// one party never reads another's internals.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace confide::hub
