// Rendering a failed call for people: the gRPC code name and message, and the
// google.rpc.Status details the suite's services attach (ErrorInfo,
// BadRequest, LocalizedMessage, ...) decoded to JSON.
#pragma once

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include <grpcpp/support/status.h>

#include "absl/status/statusor.h"

namespace gongtongctl {

// "INVALID_ARGUMENT", "UNAVAILABLE", ... ("CODE_<n>" for unknown numbers).
std::string CodeName(int code);

// kExitOk for OK, kExitTransport for UNAVAILABLE and DEADLINE_EXCEEDED,
// kExitFailed for every other code.
int ExitCodeFor(grpc::StatusCode code);

struct StatusDetail {
  std::string type_url;
  std::string json;   // pretty JSON with "@type"
  bool decoded = false;  // false: type unknown here, json carries base64 "value"
};

struct RichStatus {
  int code = 0;
  std::string message;
  std::vector<StatusDetail> details;
};

// Decodes the serialized google.rpc.Status of grpc::Status::error_details()
// (the grpc-status-details-bin trailer), resolving each Any's type in the
// generated pool whatever its type-URL prefix.
absl::StatusOr<RichStatus> DecodeStatusDetails(const std::string& serialized);

// The text printed on stderr for a non-OK status:
//   ERROR: INVALID_ARGUMENT: <message>
//   {
//     "@type": "type.googleapis.com/google.rpc.ErrorInfo", ...
//   }
// one JSON object per detail, plus a warning when the details cannot be
// decoded or disagree with the gRPC code.
std::string FormatRpcError(const grpc::Status& status);

}  // namespace gongtongctl
