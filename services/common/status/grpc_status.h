#pragma once
// The one place an absl::Status becomes a grpc::Status.

#include <string>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace gongtong {

// Maps `status` to a grpc::Status whose binary details are a google.rpc.Status
// with the same code and message and these details, always present:
//  - ErrorInfo {reason, domain "gongtong.edu.cn", metadata}: the builder's
//    reason, or the code's name (e.g. "UNAVAILABLE") when none was given;
//  - LocalizedMessage {locale "zh-CN"}: the builder's text, or the default
//    for the code (DefaultZhMessage);
//  - BadRequest, when field violations were given.
// INTERNAL, UNKNOWN and DATA_LOSS messages are replaced by a generic text so
// that no internals leak; callers log the original first.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The zh-CN message used when an error carries none, one per code.
std::string DefaultZhMessage(absl::StatusCode code);

// Name of a status code as gRPC spells it ("INVALID_ARGUMENT").
std::string CodeName(absl::StatusCode code);

}  // namespace gongtong
