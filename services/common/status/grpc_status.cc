#include "common/status/grpc_status.h"

#include "common/status/error.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace gongtong {

std::string DefaultZhMessage(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return "成功";
    case absl::StatusCode::kCancelled: return "请求已被取消";
    case absl::StatusCode::kUnknown: return "发生未知错误，请稍后重试";
    case absl::StatusCode::kInvalidArgument: return "请求参数有误，请检查后重新提交";
    case absl::StatusCode::kDeadlineExceeded: return "请求超时，请稍后重试";
    case absl::StatusCode::kNotFound: return "请求的资源不存在";
    case absl::StatusCode::kAlreadyExists: return "资源已存在";
    case absl::StatusCode::kPermissionDenied: return "您没有执行此操作的权限";
    case absl::StatusCode::kResourceExhausted: return "系统繁忙或已达上限，请稍后重试";
    case absl::StatusCode::kFailedPrecondition: return "当前状态不允许此操作";
    case absl::StatusCode::kAborted: return "数据已被他人修改，请刷新后重试";
    case absl::StatusCode::kOutOfRange: return "参数超出允许范围";
    case absl::StatusCode::kUnimplemented: return "该功能尚未实现";
    case absl::StatusCode::kInternal: return "服务内部错误，请联系管理员";
    case absl::StatusCode::kUnavailable: return "服务暂时不可用，请稍后重试";
    case absl::StatusCode::kDataLoss: return "数据损坏，请联系管理员";
    case absl::StatusCode::kUnauthenticated: return "身份认证失败，请重新登录";
    default: return "发生未知错误，请稍后重试";
  }
}

std::string CodeName(absl::StatusCode code) {
  std::string name = absl::StatusCodeToString(code);  // e.g. "INVALID_ARGUMENT"
  return name.empty() ? "UNKNOWN" : name;
}

namespace {

bool HidesMessage(absl::StatusCode code) {
  return code == absl::StatusCode::kInternal || code == absl::StatusCode::kUnknown ||
         code == absl::StatusCode::kDataLoss;
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const absl::StatusCode code = status.code();
  const std::string message =
      HidesMessage(code) ? "internal error; see the server log" : std::string(status.message());

  google::rpc::Status carried;
  if (auto payload = status.GetPayload(kDetailsPayloadUrl)) {
    carried.ParseFromString(std::string(*payload));
  }
  google::rpc::Status out;
  out.set_code(static_cast<int>(code));
  out.set_message(message);
  bool has_info = false, has_zh = false;
  for (const auto& any : carried.details()) {
    has_info |= any.Is<google::rpc::ErrorInfo>();
    has_zh |= any.Is<google::rpc::LocalizedMessage>();
    *out.add_details() = any;
  }
  if (!has_info) {
    google::rpc::ErrorInfo info;
    info.set_reason(CodeName(code));
    info.set_domain(kErrorDomain);
    out.add_details()->PackFrom(info);
  }
  if (!has_zh) {
    google::rpc::LocalizedMessage zh;
    zh.set_locale("zh-CN");
    zh.set_message(DefaultZhMessage(code));
    out.add_details()->PackFrom(zh);
  }
  return grpc::Status(static_cast<grpc::StatusCode>(code), message, out.SerializeAsString());
}

}  // namespace gongtong
