#pragma once
// The RPC edge: every unary business method of every service goes through
// RpcEdge::Unary, which in order
//   1. authenticates the caller (Authenticator; UNAUTHENTICATED on failure),
//   2. refuses a call whose deadline already passed (DEADLINE_EXCEEDED),
//   3. admits it to the bounded executor (RESOURCE_EXHAUSTED when full),
//   4. runs the handler on a worker with a CallContext (principal, deadline,
//      correlation id) — the handler returns absl::Status,
//   5. maps the result with ToGrpcStatus (google.rpc.Status details, zh-CN),
//   6. logs one JSON line (method, code, ms, subject, request id).
// Handlers hold no gRPC types except the response they fill.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "common/auth/authenticator.h"
#include "common/auth/principal.h"
#include "common/server/bounded_executor.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/callback_common.h"
#include "grpcpp/server_context.h"

namespace gongtong {

struct CallContext {
  auth::Principal principal;
  std::chrono::system_clock::time_point deadline;  // max() when none
  std::string correlation_id;                      // x-request-id, or minted
  grpc::CallbackServerContext* server_context = nullptr;

  // A client context for a downstream call made on behalf of this call: the
  // deadline and cancellation propagate, and x-request-id is forwarded. The
  // caller adds its own service credentials.
  std::unique_ptr<grpc::ClientContext> Downstream() const;
};

class RpcEdge {
 public:
  using Handler = std::function<absl::Status(const CallContext&)>;

  RpcEdge(auth::Authenticator* authenticator, BoundedExecutor* executor);

  grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* ctx, const char* method,
                                  Handler handler);

  // Authentication alone, for streaming methods that answer at once.
  absl::Status AuthenticateOnly(grpc::CallbackServerContext* ctx);
  // The call context of a streaming call (authenticated principal, deadline,
  // correlation id); UNAUTHENTICATED or UNAVAILABLE (draining) otherwise.
  absl::StatusOr<CallContext> BeginStream(grpc::CallbackServerContext* ctx);
  // Runs blocking work of a streaming call on the bounded executor; false
  // when the server is at its limit (answer RESOURCE_EXHAUSTED).
  bool Submit(std::function<void()> work) { return executor_->TrySubmit(std::move(work)); }

  // Drain: from now on new calls get UNAVAILABLE SERVER_DRAINING (clients
  // retry on another replica); calls already admitted run to completion.
  void StartDraining() { draining_ = true; }
  // Calls admitted and not yet finished.
  int inflight() const { return executor_->admitted(); }

 private:
  void Finish(grpc::ServerUnaryReactor* reactor, const char* method, const CallContext& call,
              const absl::Status& status, std::chrono::steady_clock::time_point start);

  auth::Authenticator* authenticator_;
  BoundedExecutor* executor_;
  std::atomic<bool> draining_{false};
};

}  // namespace gongtong
