// The server runner in-process, against real PostgreSQL and Redis: health
// follows PostgreSQL, callers are authenticated, overload is refused,
// deadlines are honoured and propagated downstream.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "common/auth/authenticator.h"
#include "common/pg/migrations.h"
#include "common/server/rpc_edge.h"
#include "common/server/service_host.h"
#include "echo_service.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "local_servers.h"
#include "test_keys.h"

namespace gongtong::testing {
namespace {

using namespace std::chrono_literals;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using gongtong::testing::v1::EchoRequest;
using gongtong::testing::v1::EchoResponse;

// One echo server on the common runner, with its own executor bounds.
class EchoServer {
 public:
  EchoServer(int workers, int max_inflight)
      : pool_({LocalPostgres::Shared().dsn(), UniqueSchema("srv"), 2}),
        authenticator_(std::make_unique<auth::JwtVerifier>(
            TestAuth::Shared().KeySet(), auth::JwtPolicy{TestAuth::Shared().issuer, TestAuth::Shared().audience})),
        executor_(workers, max_inflight),
        edge_(&authenticator_, &executor_),
        service_(&edge_, TestAuth::Shared().Token(auth::Role::kService)) {
    HostOptions options;
    options.service = "echo";
    options.listen = "127.0.0.1:0";
    options.handle_signals = false;
    options.drain_timeout = 5s;
    options.health_names = {"gongtong.testing.v1.EchoService"};
    host_ = std::make_unique<ServiceHost>(options, &pool_, LocalRedis::Shared().options());
    host_->AddService(&service_);
    host_->SetEdge(&edge_);
    runner_ = std::thread([this] { host_->Run(); });
    EXPECT_TRUE(host_->WaitUntilStarted());
    address_ = "127.0.0.1:" + std::to_string(host_->port());
    channel_ = grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
  }
  ~EchoServer() {
    host_->RequestShutdown();
    runner_.join();
  }

  std::string Health(const std::string& name) {
    auto stub = grpc::health::v1::Health::NewStub(channel_);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 2s);
    HealthCheckRequest req;
    req.set_service(name);
    HealthCheckResponse resp;
    grpc::Status s = stub->Check(&ctx, req, &resp);
    if (!s.ok()) return "ERROR " + s.error_message();
    return HealthCheckResponse::ServingStatus_Name(resp.status());
  }

  grpc::Status Echo(const EchoRequest& req, EchoResponse* resp, const std::string& token,
                    std::chrono::milliseconds timeout = 5000ms) {
    auto stub = gongtong::testing::v1::EchoService::NewStub(channel_);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + timeout);
    if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
    ctx.AddMetadata("x-request-id", "req-42");
    return stub->Echo(&ctx, req, resp);
  }

  const std::string& address() const { return address_; }

 private:
  pg::Pool pool_;
  auth::Authenticator authenticator_;
  BoundedExecutor executor_;
  RpcEdge edge_;
  EchoService service_;
  std::unique_ptr<ServiceHost> host_;
  std::thread runner_;
  std::string address_;
  std::shared_ptr<grpc::Channel> channel_;
};

bool WaitForHealth(EchoServer& s, const std::string& name, const std::string& want) {
  for (int i = 0; i < 100; ++i) {
    if (s.Health(name) == want) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

TEST(Server, HealthFollowsPostgres) {
  EchoServer server(2, 16);
  EXPECT_EQ(server.Health(""), "SERVING");
  EXPECT_EQ(server.Health("gongtong.testing.v1.EchoService"), "SERVING");
  EXPECT_EQ(server.Health("postgres"), "SERVING");
  EXPECT_EQ(server.Health("redis"), "SERVING");
  LocalPostgres::Shared().Stop();
  EXPECT_TRUE(WaitForHealth(server, "", "NOT_SERVING"));
  EXPECT_EQ(server.Health("gongtong.testing.v1.EchoService"), "NOT_SERVING");
  EXPECT_EQ(server.Health("postgres"), "NOT_SERVING");
  EXPECT_EQ(server.Health("redis"), "SERVING");  // named separately
  EXPECT_EQ(server.Health("liveness"), "SERVING");  // alive: no restart for a DB outage
  LocalPostgres::Shared().Start();
  EXPECT_TRUE(WaitForHealth(server, "", "SERVING"));
  EXPECT_EQ(server.Health("postgres"), "SERVING");
}

TEST(Server, RedisDownShowsOnItsOwnStatusOnly) {
  EchoServer server(2, 16);
  LocalRedis::Shared().Stop();
  EXPECT_TRUE(WaitForHealth(server, "redis", "NOT_SERVING"));
  EXPECT_EQ(server.Health(""), "SERVING");
  LocalRedis::Shared().Start();
  EXPECT_TRUE(WaitForHealth(server, "redis", "SERVING"));
}

TEST(Server, RefusesCallersWithoutAValidTokenWithDetails) {
  EchoServer server(2, 16);
  EchoRequest req;
  EchoResponse resp;
  grpc::Status s = server.Echo(req, &resp, "");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(s.error_details()));
  bool zh = false, reason = false;
  for (const auto& any : details.details()) {
    google::rpc::LocalizedMessage m;
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&m)) zh = m.locale() == "zh-CN" && !m.message().empty();
    if (any.UnpackTo(&info)) reason = info.reason() == "TOKEN_MISSING";
  }
  EXPECT_TRUE(zh);
  EXPECT_TRUE(reason);
  EXPECT_EQ(server.Echo(req, &resp, "not.a.token").error_code(), grpc::StatusCode::UNAUTHENTICATED);

  req.set_payload("你好");
  s = server.Echo(req, &resp, TestAuth::Shared().Token());
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.payload(), "你好");
  EXPECT_EQ(resp.subject(), "test-user");
  EXPECT_EQ(resp.correlation_id(), "req-42");
}

TEST(Server, RefusesBeyondItsConcurrencyBoundWithResourceExhausted) {
  EchoServer server(/*workers=*/1, /*max_inflight=*/1);
  EchoRequest slow;
  slow.set_sleep_ms(800);
  auto first = std::async(std::launch::async, [&] {
    EchoResponse r;
    return server.Echo(slow, &r, TestAuth::Shared().Token()).error_code();
  });
  std::this_thread::sleep_for(200ms);
  EchoResponse r;
  grpc::Status second = server.Echo(EchoRequest(), &r, TestAuth::Shared().Token());
  EXPECT_EQ(second.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(first.get(), grpc::StatusCode::OK);
  EXPECT_TRUE(server.Echo(EchoRequest(), &r, TestAuth::Shared().Token()).ok());  // capacity is back
}

TEST(Server, DeadlinesAreHonouredAndPropagatedDownstream) {
  EchoServer server(4, 16);
  EchoRequest req;
  EchoResponse resp;
  req.set_forward(true);
  req.set_forward_to(server.address());
  grpc::Status s = server.Echo(req, &resp, TestAuth::Shared().Token(), 2000ms);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_GT(resp.deadline_left_ms(), 0);
  // gRPC sends the timeout rounded up, so the server may see a few ms more.
  EXPECT_LE(resp.deadline_left_ms(), 2000 + 50);
  // The downstream call carries the caller's deadline (not none, not a fresh
  // one): at most what the upstream handler had left, give or take gRPC's
  // rounding of the timeout on the wire.
  EXPECT_GT(resp.downstream_deadline_left_ms(), 0);
  EXPECT_LE(resp.downstream_deadline_left_ms(), resp.deadline_left_ms() + 20);
  EXPECT_EQ(resp.downstream_correlation_id(), "req-42");

  EchoRequest slow;
  slow.set_sleep_ms(1000);
  EXPECT_EQ(server.Echo(slow, &resp, TestAuth::Shared().Token(), 200ms).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
}

}  // namespace
}  // namespace gongtong::testing
