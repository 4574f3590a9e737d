// gongtong-echo: the echo test service as a real process on RunService, for
// the drain test and the benchmarks' ceiling. Same flags and variables as
// every service (listen, pg_dsn, jwt_keys, ...), plus echo_forward_token.
#include "common/server/service_main.h"
#include "echo_service.h"

int main(int argc, char** argv) {
  gongtong::ServiceDefinition def;
  def.name = "echo";
  def.default_port = 50059;
  def.grpc_service = "gongtong.testing.v1.EchoService";
  def.extra_keys.push_back({"echo_forward_token", "", false, "token for forwarded calls", {}, true});
  def.wire = [](gongtong::ServiceRuntime& rt) {
    auto* svc = rt.Own(std::make_unique<gongtong::testing::EchoService>(
        rt.edge, rt.config->Get("echo_forward_token")));
    rt.host->AddService(svc);
    return absl::OkStatus();
  };
  return gongtong::RunService(def, argc, argv);
}
