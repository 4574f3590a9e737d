#pragma once
// Runs a service whose business RPCs are not built yet. The generated
// service is registered (so reflection lists and describes it), and every
// method — unary or streaming — is routed through the RPC edge: the caller
// is authenticated first (UNAUTHENTICATED otherwise), then gets
// UNIMPLEMENTED with google.rpc.Status details, never a fake success.
// A service replaces this with its own wiring when its issue is built.

#include <memory>
#include <set>
#include <string>

#include "common/server/service_main.h"
#include "grpcpp/impl/codegen/server_callback_handlers.h"

namespace gongtong {

// The status every skeleton method answers after authentication.
absl::Status NotBuiltYet(const std::string& method);

// Marks every method of `service` (named `full_name`) except those in
// `implemented` as answered by the edge with NotBuiltYet. `mark` is the
// service's protected MarkMethodRawCallback. A service that implements some
// of its methods calls this in its constructor.
void RouteAllMethodsToEdge(
    const std::string& full_name, RpcEdge* edge,
    const std::function<void(int index, grpc::internal::MethodHandler* handler)>& mark,
    const std::set<std::string>& implemented = {});

template <typename GeneratedService>
int RunSkeletonService(ServiceDefinition def, int argc, char** argv) {
  class Skeleton final : public GeneratedService::CallbackService {
   public:
    Skeleton(const std::string& name, RpcEdge* edge) {
      RouteAllMethodsToEdge(name, edge, [this](int i, grpc::internal::MethodHandler* h) {
        this->MarkMethodRawCallback(i, h);
      });
    }
  };
  const std::string name = def.grpc_service;
  def.wire = [name](ServiceRuntime& rt) {
    rt.host->AddService(rt.Own(std::make_unique<Skeleton>(name, rt.edge)));
    return absl::OkStatus();
  };
  return RunService(def, argc, argv);
}

}  // namespace gongtong
