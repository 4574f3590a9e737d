#include "common/server/skeleton_service.h"

#include <cstdlib>

#include "common/log/log.h"
#include "common/status/error.h"
#include "common/status/grpc_status.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/support/byte_buffer.h"

namespace gongtong {
namespace {

using grpc::ByteBuffer;
using grpc::CallbackServerContext;

// A streaming call is answered at once: authenticate, then finish.
template <typename Reactor>
class FinishAtOnce final : public Reactor {
 public:
  FinishAtOnce(RpcEdge* edge, CallbackServerContext* ctx, const std::string& method) {
    absl::Status status = edge->AuthenticateOnly(ctx);
    if (status.ok()) status = NotBuiltYet(method);
    this->Finish(ToGrpcStatus(status));
  }
  void OnDone() override { delete this; }
};

}  // namespace

absl::Status NotBuiltYet(const std::string& method) {
  return ErrorBuilder(absl::StatusCode::kUnimplemented, "NOT_IMPLEMENTED_YET")
      .Message(method + " is designed but not implemented yet")
      .Zh("该功能尚未上线");
}

void RouteAllMethodsToEdge(
    const std::string& full_name, RpcEdge* edge,
    const std::function<void(int index, grpc::internal::MethodHandler* handler)>& mark,
    const std::set<std::string>& implemented) {
  const auto* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(full_name);
  if (service == nullptr) {  // the proto library was not linked whole: a build error
    log::Error("service descriptor missing", {{"service", full_name}});
    std::abort();
  }
  for (int i = 0; i < service->method_count(); ++i) {
    const auto* m = service->method(i);
    const std::string name = m->name();
    if (implemented.count(name) > 0) continue;
    if (!m->client_streaming() && !m->server_streaming()) {
      mark(i, new grpc::internal::CallbackUnaryHandler<ByteBuffer, ByteBuffer>(
                  [edge, name](CallbackServerContext* ctx, const ByteBuffer*, ByteBuffer*) {
                    return edge->Unary(ctx, name.c_str(),
                                       [name](const CallContext&) { return NotBuiltYet(name); });
                  }));
    } else if (m->client_streaming() && !m->server_streaming()) {
      mark(i, new grpc::internal::CallbackClientStreamingHandler<ByteBuffer, ByteBuffer>(
                  [edge, name](CallbackServerContext* ctx, ByteBuffer*) {
                    return new FinishAtOnce<grpc::ServerReadReactor<ByteBuffer>>(edge, ctx, name);
                  }));
    } else if (!m->client_streaming()) {
      mark(i, new grpc::internal::CallbackServerStreamingHandler<ByteBuffer, ByteBuffer>(
                  [edge, name](CallbackServerContext* ctx, const ByteBuffer*) {
                    return new FinishAtOnce<grpc::ServerWriteReactor<ByteBuffer>>(edge, ctx, name);
                  }));
    } else {
      mark(i, new grpc::internal::CallbackBidiHandler<ByteBuffer, ByteBuffer>(
                  [edge, name](CallbackServerContext* ctx) {
                    return new FinishAtOnce<grpc::ServerBidiReactor<ByteBuffer, ByteBuffer>>(edge, ctx, name);
                  }));
    }
  }
}

}  // namespace gongtong
