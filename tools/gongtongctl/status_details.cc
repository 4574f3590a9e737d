#include "status_details.h"

#include <memory>

#include <google/protobuf/any.pb.h>
#include <google/protobuf/descriptor.h>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "exit_codes.h"
#include "google/rpc/status.pb.h"
#include "json_codec.h"

namespace gongtongctl {

using google::protobuf::Any;
using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;

namespace {

constexpr char kTypeUrlPrefix[] = "type.googleapis.com/";

// JSON-escapes a string for embedding in a hand-built object.
std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      absl::StrAppend(&out, "\\u00", absl::Hex(c, absl::kZeroPad2));
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out + "\"";
}

StatusDetail DecodeDetail(const Any& any) {
  StatusDetail detail;
  detail.type_url = any.type_url();
  const std::string type_name = any.type_url().substr(any.type_url().rfind('/') + 1);
  const Descriptor* type = DescriptorPool::generated_pool()->FindMessageTypeByName(type_name);
  if (type != nullptr) {
    // Re-pack under the standard prefix so the JSON printer (which resolves
    // Any through the generated pool) can render it with "@type".
    Any normalized;
    normalized.set_type_url(absl::StrCat(kTypeUrlPrefix, type->full_name()));
    normalized.set_value(any.value());
    absl::StatusOr<std::string> json = PrintJson(normalized, /*pretty=*/true);
    if (json.ok()) {
      detail.json = *json;
      detail.decoded = true;
      return detail;
    }
  }
  detail.json = absl::StrCat("{\n  \"@type\": ", JsonString(any.type_url()),
                             ",\n  \"value\": \"", absl::Base64Escape(any.value()), "\"\n}");
  return detail;
}

}  // namespace

std::string CodeName(int code) {
  static const char* const kNames[] = {
      "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
      "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
      "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
      "UNAUTHENTICATED"};
  if (code >= 0 && code < static_cast<int>(sizeof(kNames) / sizeof(kNames[0]))) return kNames[code];
  return absl::StrCat("CODE_", code);
}

int ExitCodeFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return kExitOk;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED: return kExitTransport;
    default: return kExitFailed;
  }
}

absl::StatusOr<RichStatus> DecodeStatusDetails(const std::string& serialized) {
  google::rpc::Status proto;
  if (!proto.ParseFromString(serialized)) {
    return absl::DataLossError(absl::StrCat("status details (", serialized.size(),
                                            " bytes) are not a google.rpc.Status"));
  }
  RichStatus rich;
  rich.code = proto.code();
  rich.message = proto.message();
  for (const Any& any : proto.details()) rich.details.push_back(DecodeDetail(any));
  return rich;
}

std::string FormatRpcError(const grpc::Status& status) {
  std::string out = absl::StrCat("ERROR: ", CodeName(status.error_code()), ": ",
                                 status.error_message(), "\n");
  if (status.error_details().empty()) return out;
  absl::StatusOr<RichStatus> rich = DecodeStatusDetails(status.error_details());
  if (!rich.ok()) {
    absl::StrAppend(&out, "warning: ", rich.status().message(), "\n");
    return out;
  }
  if (rich->code != static_cast<int>(status.error_code()) ||
      rich->message != status.error_message()) {
    absl::StrAppend(&out, "warning: the status details say ", CodeName(rich->code), ": ",
                    rich->message, "\n");
  }
  for (const StatusDetail& detail : rich->details) absl::StrAppend(&out, detail.json, "\n");
  return out;
}

}  // namespace gongtongctl
