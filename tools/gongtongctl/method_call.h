// `call`: invoking any method of the compiled descriptors through
// grpc::GenericStub, with JSON requests in and JSON responses out.
#pragma once

#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include "absl/strings/string_view.h"

#include <google/protobuf/descriptor.h>
#include <grpcpp/channel.h>

#include "absl/status/statusor.h"
#include "args.h"

namespace gongtongctl {

struct CallIo {
  std::istream* in;
  std::ostream* out;
  std::ostream* err;
};

// JSON → the serialized request of `method` (its input type).
absl::StatusOr<std::string> EncodeRequest(const google::protobuf::MethodDescriptor& method,
                                          absl::string_view json);

// Serialized response of `method` (its output type) → JSON.
absl::StatusOr<std::string> DecodeResponse(const google::protobuf::MethodDescriptor& method,
                                           const std::string& bytes, bool pretty);

// Runs one call and returns the process exit code (exit_codes.h).
//
// Requests: for unary and server-streaming methods `request_arg` is the JSON
// request, "-" reads one JSON object from `io.in`, absent means "{}". For
// client- and bidi-streaming methods the requests are a sequence of JSON
// objects (newline-delimited, or pretty ones back to back) from `request_arg`
// or, when it is "-" or absent, from `io.in`. A client-streaming call reads
// and checks every request before it sends anything; a bidi call sends each
// request as soon as it is read.
//
// Responses: pretty JSON for a single response; one compact JSON line per
// message for server- and bidi-streaming methods. Errors go to `io.err` as
// rendered by FormatRpcError.
int RunCall(const std::shared_ptr<grpc::Channel>& channel,
            const google::protobuf::MethodDescriptor& method, const GlobalOptions& options,
            const std::optional<std::string>& request_arg, const CallIo& io);

}  // namespace gongtongctl
