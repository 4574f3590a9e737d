#include "registry_test_server.h"

#include <gtest/gtest.h>

#include <pqxx/binarystring>
#include "common/pg/migrations.h"
#include "gongtong/events/v1/envelope.pb.h"
#include "grpcpp/create_channel.h"
#include "local_servers.h"
#include "test_keys.h"

namespace gongtong::pg {
const std::vector<Migration>& RegistryMigrations();
}

namespace gongtong::registry::testing {

using gongtong::testing::LocalPostgres;
using gongtong::testing::LocalRedis;
using gongtong::testing::TestAuth;

RegistryServer::RegistryServer(const std::string& schema_prefix)
    : RegistryServer(gongtong::testing::UniqueSchema(schema_prefix), /*migrate=*/true) {}

RegistryServer::RegistryServer(ReplicaOf replica) : RegistryServer(replica.first.pool_.schema(), /*migrate=*/false) {}

RegistryServer::RegistryServer(const std::string& schema, bool migrate)
    : pool_({LocalPostgres::Shared().dsn(), schema, 4}),
      redis_(LocalRedis::Shared().options(), 4),
      cache_(&redis_, std::chrono::seconds(300)),
      authenticator_(std::make_unique<auth::JwtVerifier>(
          TestAuth::Shared().KeySet(), auth::JwtPolicy{TestAuth::Shared().issuer, TestAuth::Shared().audience})),
      executor_(4, 64),
      edge_(&authenticator_, &executor_),
      schools_(&pool_),
      feed_(&pool_),
      communities_(&pool_),
      calendars_(&pool_),
      roster_(&pool_),
      party_(&pool_),
      joint_buildings_(&pool_),
      studios_(&pool_) {
  if (migrate) {
    EXPECT_TRUE(pool_.WithConnection([&](pqxx::connection& c) {
      return pg::ApplyMigrations(c, pool_.schema(), {&pg::CommonMigrations(), &pg::RegistryMigrations()}).status();
    }).ok());
  }
  near_ = std::make_unique<RegistryNearCaches>(std::chrono::seconds(30), 100000, &cache_, pool_.schema(),
                                               LocalRedis::Shared().options());
  RegistryStores stores{&schools_, &feed_, &cache_};
  stores.near_cache = near_->schools();
  stores.near_school_lists = near_->school_lists();
  stores.communities = &communities_;
  stores.calendars = &calendars_;
  stores.roster = &roster_;
  stores.party = &party_;
  stores.joint_buildings = &joint_buildings_;
  stores.studios = &studios_;
  stores.pool = &pool_;
  service_ = std::make_unique<RegistryServiceImpl>(&edge_, stores);
  HostOptions options;
  options.service = "registry";
  options.listen = "127.0.0.1:0";
  options.handle_signals = false;
  host_ = std::make_unique<ServiceHost>(options, &pool_, LocalRedis::Shared().options());
  host_->AddService(service_.get());
  host_->AddBackgroundTask(near_->invalidator());
  host_->SetEdge(&edge_);
  runner_ = std::thread([this] { host_->Run(); });
  EXPECT_TRUE(host_->WaitUntilStarted());
  stub_ = rv1::RegistryService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(host_->port()), grpc::InsecureChannelCredentials()));
}

RegistryServer::~RegistryServer() {
  host_->RequestShutdown();
  runner_.join();
}

int64_t RegistryServer::Count(const std::string& sql) {
  int64_t n = -1;
  EXPECT_TRUE(pool_.Transact([&](pqxx::work& tx) {
    n = tx.exec1(sql)[0].as<int64_t>();
    return absl::OkStatus();
  }).ok());
  return n;
}

std::vector<std::string> RegistryServer::EventTypes(const std::string& name) {
  std::vector<std::string> out;
  EXPECT_TRUE(pool_.Transact([&](pqxx::work& tx) {
    for (const auto& row : tx.exec_params("SELECT envelope FROM outbox WHERE aggregate_id = $1 ORDER BY id", name)) {
      gongtong::events::v1::EventEnvelope e;
      e.ParseFromString(pqxx::binarystring(row[0]).str());
      out.push_back(e.aggregate_type() + ":" + e.event_type().substr(e.event_type().rfind('.') + 1));
    }
    return absl::OkStatus();
  }).ok());
  return out;
}

std::string Token(const Caller& c) {
  auto r = TestAuth::Shared().Request(c.role);
  if (!c.region.empty()) r.region = c.region;
  if (!c.school.empty()) r.school = c.school;
  return *auth::MintToken(r);
}

ImportRun Import(Stub* stub, const rv1::ImportHeader& header, const std::vector<std::string>& rows,
                 const Caller& caller, int batch_size) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  ctx.AddMetadata("authorization", "Bearer " + Token(caller));
  return StreamImport(&ctx, stub, header, rows, batch_size);
}

ImportRun StreamImport(grpc::ClientContext* ctx, Stub* stub, const rv1::ImportHeader& header,
                       const std::vector<std::string>& rows, int batch_size, int cut_after) {
  auto stream = stub->ImportRows(ctx);
  ImportRun run;
  rv1::ImportRowsRequest req;
  *req.mutable_header() = header;
  stream->Write(req);
  rv1::ImportRowsResponse resp;
  int answered = 0;
  for (size_t i = 0; i < rows.size(); i += batch_size) {
    if (answered == cut_after) {
      ctx->TryCancel();
      run.status = stream->Finish();
      return run;
    }
    req.Clear();
    for (size_t j = i; j < std::min(rows.size(), i + batch_size); ++j) {
      auto* row = req.mutable_batch()->add_rows();
      row->set_row_number(static_cast<int64_t>(j) + 2);  // line 1 is the CSV header
      row->set_text(rows[j]);
    }
    if (!stream->Write(req) || !stream->Read(&resp)) break;
    for (const auto& r : resp.batch_result().results()) run.results.push_back(r);
    ++answered;
  }
  stream->WritesDone();
  while (stream->Read(&resp)) {
    for (const auto& r : resp.batch_result().results()) run.results.push_back(r);
    if (resp.has_summary()) run.summary = resp.summary();
  }
  run.status = stream->Finish();
  return run;
}

}  // namespace gongtong::registry::testing
