#include "common/server/rpc_edge.h"

#include "common/events/event.h"
#include "common/log/log.h"
#include "common/status/error.h"
#include "common/status/grpc_status.h"

namespace gongtong {
namespace {

constexpr char kRequestIdKey[] = "x-request-id";

std::string Metadata(const grpc::CallbackServerContext* ctx, const char* key) {
  auto range = ctx->client_metadata().equal_range(key);
  if (range.first == range.second) return "";
  return std::string(range.first->second.data(), range.first->second.size());
}

bool IsServerFault(absl::StatusCode code) {
  return code == absl::StatusCode::kInternal || code == absl::StatusCode::kUnknown ||
         code == absl::StatusCode::kDataLoss || code == absl::StatusCode::kUnavailable ||
         code == absl::StatusCode::kDeadlineExceeded;
}

}  // namespace

std::unique_ptr<grpc::ClientContext> CallContext::Downstream() const {
  auto ctx = server_context
                 ? grpc::ClientContext::FromCallbackServerContext(*server_context)
                 : std::make_unique<grpc::ClientContext>();
  if (!server_context && deadline != std::chrono::system_clock::time_point::max()) {
    ctx->set_deadline(deadline);
  }
  ctx->AddMetadata(kRequestIdKey, correlation_id);
  return ctx;
}

RpcEdge::RpcEdge(auth::Authenticator* authenticator, BoundedExecutor* executor)
    : authenticator_(authenticator), executor_(executor) {}

void RpcEdge::Finish(grpc::ServerUnaryReactor* reactor, const char* method, const CallContext& call,
                     const absl::Status& status, std::chrono::steady_clock::time_point start) {
  if (status.ok() && !log::Enabled(log::Level::kDebug)) {  // the hot path: no line to build
    reactor->Finish(grpc::Status::OK);
    return;
  }
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const std::string code = CodeName(status.code());
  if (status.ok()) {
    log::Debug("rpc", {{"method", method}, {"code", code}, {"ms", ms}, {"sub", call.principal.subject},
                       {"request_id", call.correlation_id}});
  } else {
    log::Write(IsServerFault(status.code()) ? log::Level::kWarn : log::Level::kInfo, "rpc",
               {{"method", method}, {"code", code}, {"ms", ms}, {"sub", call.principal.subject},
                {"request_id", call.correlation_id}, {"reason", ReasonOf(status)},
                {"error", std::string(status.message())}});
  }
  reactor->Finish(ToGrpcStatus(status));
}

absl::Status RpcEdge::AuthenticateOnly(grpc::CallbackServerContext* ctx) {
  return authenticator_->Authenticate(Metadata(ctx, "authorization")).status();
}

absl::StatusOr<CallContext> RpcEdge::BeginStream(grpc::CallbackServerContext* ctx) {
  if (draining_) {
    return ErrorBuilder(absl::StatusCode::kUnavailable, "SERVER_DRAINING")
        .Message("server is shutting down; retry on another replica")
        .Zh("服务正在重启，请稍后重试");
  }
  CallContext call;
  call.server_context = ctx;
  call.deadline = ctx->deadline();
  call.correlation_id = Metadata(ctx, kRequestIdKey);
  if (call.correlation_id.empty() || call.correlation_id.size() > 128) call.correlation_id = events::NewEventId();
  GT_ASSIGN_OR_RETURN(call.principal, authenticator_->Authenticate(Metadata(ctx, "authorization")));
  return call;
}

grpc::ServerUnaryReactor* RpcEdge::Unary(grpc::CallbackServerContext* ctx, const char* method,
                                         Handler handler) {
  const auto start = std::chrono::steady_clock::now();
  auto* reactor = ctx->DefaultReactor();
  auto call = std::make_shared<CallContext>();
  call->server_context = ctx;
  call->deadline = ctx->deadline();
  call->correlation_id = Metadata(ctx, kRequestIdKey);
  if (call->correlation_id.empty() || call->correlation_id.size() > 128) {
    call->correlation_id = events::NewEventId();
  }
  ctx->AddInitialMetadata(kRequestIdKey, call->correlation_id);

  if (draining_) {
    Finish(reactor, method, *call,
           ErrorBuilder(absl::StatusCode::kUnavailable, "SERVER_DRAINING")
               .Message("server is shutting down; retry on another replica")
               .Zh("服务正在重启，请稍后重试"),
           start);
    return reactor;
  }
  auto principal = authenticator_->Authenticate(Metadata(ctx, "authorization"));
  if (!principal.ok()) {
    Finish(reactor, method, *call, principal.status(), start);
    return reactor;
  }
  call->principal = std::move(*principal);
  if (call->deadline <= std::chrono::system_clock::now()) {
    Finish(reactor, method, *call,
           ErrorBuilder(absl::StatusCode::kDeadlineExceeded, "DEADLINE_EXCEEDED")
               .Message("deadline passed before the call was started"),
           start);
    return reactor;
  }
  bool admitted = executor_->TrySubmit([this, reactor, method, call, handler = std::move(handler), start] {
    absl::Status status;
    if (call->server_context->IsCancelled()) {
      status = absl::CancelledError("call cancelled by the client before it ran");
    } else if (call->deadline <= std::chrono::system_clock::now()) {
      status = ErrorBuilder(absl::StatusCode::kDeadlineExceeded, "DEADLINE_EXCEEDED")
                   .Message("deadline passed while the call waited for a worker");
    } else {
      status = handler(*call);
    }
    Finish(reactor, method, *call, status, start);
  });
  if (!admitted) {
    Finish(reactor, method, *call,
           ErrorBuilder(absl::StatusCode::kResourceExhausted, "SERVER_OVERLOADED")
               .Message("server is at its concurrency limit; retry with backoff")
               .Zh("服务器繁忙，请稍后重试"),
           start);
  }
  return reactor;
}

}  // namespace gongtong
