#pragma once
// Errors below the RPC edge are absl::Status. An error that a caller can act
// on carries machine-readable details (google.rpc ErrorInfo reason, BadRequest
// field violations, a zh-CN LocalizedMessage) as a status payload, built with
// ErrorBuilder. ToGrpcStatus (grpc_status.h) turns them into google.rpc.Status.

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace gongtong {

// Payload URL under which ErrorBuilder stores a serialized google.rpc.Status
// holding the details; only ToGrpcStatus and DetailsOf read it.
inline constexpr char kDetailsPayloadUrl[] = "type.googleapis.com/google.rpc.Status";
// ErrorInfo.domain of every error the suite raises.
inline constexpr char kErrorDomain[] = "gongtong.edu.cn";

// Builds an absl::Status with details. `reason` is an UPPER_SNAKE_CASE
// constant naming the cause (ErrorInfo.reason), stable across releases so
// integrators can branch on it.
//
//   return ErrorBuilder(absl::StatusCode::kInvalidArgument, "SCHOOL_CODE_INVALID")
//       .Message("school code must be 10 digits")
//       .Zh("学校标识码必须是10位数字")
//       .Field("school.code", "must be 10 digits");
class ErrorBuilder {
 public:
  ErrorBuilder(absl::StatusCode code, std::string reason);

  // English message for logs and developers (grpc-message).
  ErrorBuilder& Message(std::string message);
  // Message for people, in Simplified Chinese (LocalizedMessage zh-CN).
  ErrorBuilder& Zh(std::string message);
  // One BadRequest field violation; `field` is a dotted path into the request.
  ErrorBuilder& Field(std::string field, std::string description);
  // ErrorInfo.metadata entry, e.g. ("conflicting_session", "sessions/42").
  ErrorBuilder& Meta(std::string key, std::string value);

  absl::Status Build() const;
  operator absl::Status() const { return Build(); }  // NOLINT: builder idiom
  template <typename T>
  operator absl::StatusOr<T>() const {  // NOLINT: builder idiom
    return Build();
  }

 private:
  absl::StatusCode code_;
  std::string reason_;
  std::string message_;
  std::string zh_;
  std::vector<std::pair<std::string, std::string>> fields_;
  std::vector<std::pair<std::string, std::string>> meta_;
};

// Shorthand for the most common error: one invalid request field.
absl::Status InvalidField(std::string field, std::string description, std::string zh,
                          std::string reason = "INVALID_ARGUMENT");

// The ErrorInfo.reason carried by `status`, or "" when it has none.
std::string ReasonOf(const absl::Status& status);

// Propagates a non-OK absl::Status from the enclosing function.
#define GT_RETURN_IF_ERROR(expr)                     \
  do {                                               \
    ::absl::Status gt_status_ = (expr);              \
    if (!gt_status_.ok()) return gt_status_;         \
  } while (0)

#define GT_CONCAT_INNER_(a, b) a##b
#define GT_CONCAT_(a, b) GT_CONCAT_INNER_(a, b)
// Declares `lhs` from an absl::StatusOr expression or returns its status.
#define GT_ASSIGN_OR_RETURN(lhs, expr) \
  GT_ASSIGN_OR_RETURN_IMPL_(GT_CONCAT_(gt_statusor_, __LINE__), lhs, expr)
#define GT_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

}  // namespace gongtong
