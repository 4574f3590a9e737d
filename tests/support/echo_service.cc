#include "echo_service.h"

#include <thread>

#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace gongtong::testing {
namespace {
int64_t MillisLeft(std::chrono::system_clock::time_point deadline) {
  if (deadline == std::chrono::system_clock::time_point::max()) return -1;
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::system_clock::now())
      .count();
}
}  // namespace

grpc::ServerUnaryReactor* EchoService::Echo(grpc::CallbackServerContext* ctx,
                                            const gongtong::testing::v1::EchoRequest* request,
                                            gongtong::testing::v1::EchoResponse* response) {
  return edge_->Unary(ctx, "Echo", [this, request, response](const CallContext& call) -> absl::Status {
    if (request->sleep_ms() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(request->sleep_ms()));
    response->set_payload(request->payload());
    response->set_deadline_left_ms(MillisLeft(call.deadline));
    response->set_subject(call.principal.subject);
    response->set_correlation_id(call.correlation_id);
    if (request->forward()) {
      auto channel = grpc::CreateChannel(request->forward_to(), grpc::InsecureChannelCredentials());
      auto stub = gongtong::testing::v1::EchoService::NewStub(channel);
      auto downstream = call.Downstream();
      downstream->AddMetadata("authorization", "Bearer " + token_);
      gongtong::testing::v1::EchoRequest inner;
      gongtong::testing::v1::EchoResponse out;
      grpc::Status s = stub->Echo(downstream.get(), inner, &out);
      if (!s.ok()) return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
      response->set_downstream_deadline_left_ms(out.deadline_left_ms());
      response->set_downstream_correlation_id(out.correlation_id());
    }
    return absl::OkStatus();
  });
}

}  // namespace gongtong::testing
