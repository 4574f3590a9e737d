#pragma once
// Adds a further API detail message (e.g. booking's BookingConflictDetails)
// to an error built with ErrorBuilder, after its ErrorInfo, BadRequest and
// LocalizedMessage; ToGrpcStatus sends it in google.rpc.Status.details.

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace gongtong {

absl::Status WithDetail(absl::Status status, const google::protobuf::Message& detail);

}  // namespace gongtong
