// Every service binary as a real process against real PostgreSQL and Redis:
// it validates its configuration, migrates, answers health and reflection,
// answers UNIMPLEMENTED for RPCs not built yet, and drains on SIGTERM.
#include <signal.h>
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "common/pg/pool.h"
#include "echo_service.h"
#include "grpcpp/create_channel.h"
#include "local_servers.h"
#include "process.h"
#include "test_keys.h"

namespace gongtong::testing {
namespace {

using namespace std::chrono_literals;

std::map<std::string, std::string> ServiceEnv(int port, const std::string& schema) {
  return {{"GONGTONG_LISTEN", "127.0.0.1:" + std::to_string(port)},
          {"GONGTONG_PG_DSN", LocalPostgres::Shared().dsn()},
          {"GONGTONG_PG_SCHEMA", schema},
          {"GONGTONG_REDIS_ADDR", LocalRedis::Shared().address()},
          {"GONGTONG_JWT_KEYS", TestAuth::Shared().key_file},
          {"GONGTONG_JWT_ISSUER", TestAuth::Shared().issuer},
          {"GONGTONG_DRAIN_TIMEOUT_MS", "5000"}};
}

std::string Binary(const std::string& name) {
  if (name == "echo") return BuildDir() + "/tests/gongtong-echo";
  return BuildDir() + "/services/" + name + "/gongtong-" + name;
}

TEST(EchoProcess, SigtermDrainsTheInFlightCallThenExitsZero) {
  const int port = FreePort();
  ServiceProcess proc(Binary("echo"), ServiceEnv(port, UniqueSchema("echo")));
  const std::string address = "127.0.0.1:" + std::to_string(port);
  ASSERT_TRUE(proc.WaitForHealth(address, "SERVING", 30s)) << proc.log_text();
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());

  auto in_flight = std::async(std::launch::async, [&] {
    auto stub = gongtong::testing::v1::EchoService::NewStub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 10s);
    ctx.AddMetadata("authorization", "Bearer " + TestAuth::Shared().Token());
    gongtong::testing::v1::EchoRequest req;
    req.set_sleep_ms(1500);
    req.set_payload("in flight");
    gongtong::testing::v1::EchoResponse resp;
    grpc::Status s = stub->Echo(&ctx, req, &resp);
    return s.ok() ? resp.payload() : "failed: " + s.error_message();
  });
  std::this_thread::sleep_for(400ms);
  proc.Signal(SIGTERM);
  EXPECT_EQ(in_flight.get(), "in flight");  // answered although SIGTERM came first
  EXPECT_EQ(proc.WaitExit(8s), 0) << proc.log_text();
  std::string log = proc.log_text();
  EXPECT_NE(log.find("\"msg\":\"signal received; draining\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"msg\":\"drained; exiting\""), std::string::npos) << log;
  // Nothing listens any more.
  std::string ignored;
  EXPECT_EQ(CallRaw(channel, "/gongtong.testing.v1.EchoService/Echo", "", TestAuth::Shared().Token(), &ignored)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST(ServiceProcess, BadConfigurationIsRefusedWithEveryReasonAndExitCode2) {
  auto env = ServiceEnv(FreePort(), "x");
  env["GONGTONG_PG_POOL_SIZE"] = "lots";
  env["GONGTONG_JWT_KEYS"] = "/nonexistent/keys.json";
  env["GONGTONG_LOG_LEVEL"] = "chatty";
  ServiceProcess proc(Binary("echo"), env);
  EXPECT_EQ(proc.WaitExit(10s), 2);
  std::string log = proc.log_text();
  EXPECT_NE(log.find("GONGTONG_PG_POOL_SIZE"), std::string::npos) << log;
  EXPECT_NE(log.find("GONGTONG_JWT_KEYS"), std::string::npos) << log;
  EXPECT_NE(log.find("GONGTONG_LOG_LEVEL"), std::string::npos) << log;
}

struct ServiceRow {
  std::string name;
  std::string grpc_service;
  std::string any_method;            // a business RPC: refused without a token
  std::string unimplemented_method;  // one whose issue is still open ("" when all are built)
};

class EachService : public ::testing::TestWithParam<ServiceRow> {};

TEST_P(EachService, StartsMigratesServesAndDrains) {
  const ServiceRow& row = GetParam();
  const int port = FreePort();
  const std::string schema = UniqueSchema(row.name);
  const std::string address = "127.0.0.1:" + std::to_string(port);
  ServiceProcess proc(Binary(row.name), ServiceEnv(port, schema));
  ASSERT_TRUE(proc.WaitForHealth(address, "SERVING", 30s)) << proc.log_text();
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  EXPECT_EQ(CheckHealth(channel, row.grpc_service), "SERVING");
  EXPECT_EQ(CheckHealth(channel, "postgres"), "SERVING");
  EXPECT_EQ(CheckHealth(channel, "redis"), "SERVING");

  auto services = ListServicesByReflection(channel);
  EXPECT_NE(std::find(services.begin(), services.end(), row.grpc_service), services.end())
      << "reflection does not list " << row.grpc_service;

  // Migrated: the schema has the common tables.
  pg::Pool pool({LocalPostgres::Shared().dsn(), schema, 1});
  int64_t applied = 0;
  ASSERT_TRUE(pool.Transact([&](pqxx::work& tx) {
    applied = tx.exec1("SELECT count(*) FROM schema_migrations")[0].as<int64_t>();
    return absl::OkStatus();
  }).ok());
  EXPECT_GE(applied, 1);

  // Authentication comes first, for every business RPC.
  std::string ignored;
  EXPECT_EQ(CallRaw(channel, "/" + row.grpc_service + "/" + row.any_method, "", "", &ignored).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // Not built yet: authenticated first, then UNIMPLEMENTED — never a fake success.
  if (!row.unimplemented_method.empty()) {
    const std::string method = "/" + row.grpc_service + "/" + row.unimplemented_method;
    EXPECT_EQ(CallRaw(channel, method, "", "", &ignored).error_code(), grpc::StatusCode::UNAUTHENTICATED);
    grpc::Status s = CallRaw(channel, method, "", TestAuth::Shared().Token(), &ignored);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNIMPLEMENTED) << s.error_message();
    EXPECT_FALSE(s.error_details().empty());
  }

  // With a client connection still open and idle, the drain must not wait
  // out its whole timeout (5 s here): there is nothing in flight.
  const auto signalled = std::chrono::steady_clock::now();
  proc.Signal(SIGTERM);
  EXPECT_EQ(proc.WaitExit(10s), 0) << proc.log_text();
  EXPECT_LT(std::chrono::steady_clock::now() - signalled, 3s);
  // Every log line is one JSON object.
  std::istringstream lines(proc.log_text());
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    ++count;
    EXPECT_EQ(line.front(), '{') << line;
    EXPECT_EQ(line.back(), '}') << line;
    EXPECT_NE(line.find("\"service\":\"" + row.name + "\""), std::string::npos) << line;
  }
  EXPECT_GT(count, 2);
}

INSTANTIATE_TEST_SUITE_P(
    Suite, EachService,
    ::testing::Values(
        ServiceRow{"registry", "gongtong.registry.v1.RegistryService", "GetSchool", ""},
        ServiceRow{"scheduling", "gongtong.scheduling.v1.SchedulingService", "GetTermPlan", "GetTermPlan"},
        ServiceRow{"booking", "gongtong.booking.v1.BookingService", "GetSession", ""},
        ServiceRow{"assessment", "gongtong.assessment.v1.AssessmentService", "GetSupportRules", ""}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace gongtong::testing
