#pragma once
// The test echo service (echo.proto) on the common RPC edge.

#include <memory>

#include "common/server/rpc_edge.h"
#include "echo.grpc.pb.h"

namespace gongtong::testing {

class EchoService final : public gongtong::testing::v1::EchoService::CallbackService {
 public:
  // `token` is sent on forwarded calls (service credentials).
  EchoService(RpcEdge* edge, std::string token) : edge_(edge), token_(std::move(token)) {}

  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* ctx,
                                 const gongtong::testing::v1::EchoRequest* request,
                                 gongtong::testing::v1::EchoResponse* response) override;

 private:
  RpcEdge* edge_;
  std::string token_;
};

}  // namespace gongtong::testing
