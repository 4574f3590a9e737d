#include "assessment_test_server.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/pg/migrations.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/create_channel.h"
#include "local_servers.h"
#include "test_keys.h"

namespace gongtong::pg {
const std::vector<Migration>& AssessmentMigrations();
}

namespace gongtong::assessment::testing {

using gongtong::testing::LocalPostgres;
using gongtong::testing::LocalRedis;
using gongtong::testing::TestAuth;

AssessmentServer::AssessmentServer(const std::string& schema_prefix)
    : pool_({LocalPostgres::Shared().dsn(), gongtong::testing::UniqueSchema(schema_prefix), 4}),
      redis_(LocalRedis::Shared().options(), 4),
      authenticator_(std::make_unique<auth::JwtVerifier>(
          TestAuth::Shared().KeySet(), auth::JwtPolicy{TestAuth::Shared().issuer, TestAuth::Shared().audience})),
      executor_(4, 64),
      edge_(&authenticator_, &executor_) {
  EXPECT_TRUE(pool_
                  .WithConnection([&](pqxx::connection& c) {
                    return pg::ApplyMigrations(c, pool_.schema(),
                                               {&pg::CommonMigrations(), &pg::AssessmentMigrations()})
                        .status();
                  })
                  .ok());
  deps_.edge = &edge_;
  deps_.pool = &pool_;
  deps_.redis_pool = &redis_;
  service_ = std::make_unique<AssessmentServiceImpl>(deps_);
  HostOptions options;
  options.service = "assessment";
  options.listen = "127.0.0.1:0";
  options.handle_signals = false;
  host_ = std::make_unique<ServiceHost>(options, &pool_, LocalRedis::Shared().options());
  host_->AddService(service_.get());
  host_->SetEdge(&edge_);
  runner_ = std::thread([this] { host_->Run(); });
  EXPECT_TRUE(host_->WaitUntilStarted());
  stub_ = av1::AssessmentService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(host_->port()), grpc::InsecureChannelCredentials()));
}

AssessmentServer::~AssessmentServer() {
  host_->RequestShutdown();
  runner_.join();
}

redis::Options AssessmentServer::redis_options() const { return LocalRedis::Shared().options(); }

int64_t AssessmentServer::Count(const std::string& sql) {
  int64_t n = -1;
  EXPECT_TRUE(pool_
                  .Transact([&](pqxx::work& tx) {
                    n = tx.exec1(sql)[0].as<int64_t>();
                    return absl::OkStatus();
                  })
                  .ok());
  return n;
}

std::string Token(const Caller& c) {
  auto r = TestAuth::Shared().Request(c.role);
  if (!c.region.empty()) r.region = c.region;
  if (!c.school.empty()) r.school = c.school;
  if (!c.teacher.empty()) r.teacher = c.teacher;
  return *auth::MintToken(r);
}

}  // namespace gongtong::assessment::testing
