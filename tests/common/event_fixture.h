#pragma once
// A schema with the common tables and a `received` table the test handler
// writes to (no unique key, so a duplicate application would show).

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "common/events/event.h"
#include "common/pg/migrations.h"
#include "common/pg/pool.h"
#include "google/protobuf/wrappers.pb.h"
#include "local_servers.h"

namespace gongtong::testing {

class EventFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = UniqueSchema("ev");
    stream_ = "gongtong:test:" + schema_;
    pool_ = std::make_unique<pg::Pool>(pg::PoolOptions{LocalPostgres::Shared().dsn(), schema_, 4});
    static const std::vector<pg::Migration> kTestTables = {
        {"test", 1, "received", "CREATE TABLE received (event_id uuid NOT NULL, body text NOT NULL)"}};
    ASSERT_TRUE(pool_->WithConnection([&](pqxx::connection& c) {
      return pg::ApplyMigrations(c, schema_, {&pg::CommonMigrations(), &kTestTables}).status();
    }).ok());
  }

  // Commits `n` events, one transaction each, bodies prefix+i.
  void Produce(int n, const std::string& prefix = "e") {
    for (int i = 0; i < n; ++i) {
      google::protobuf::StringValue body;
      body.set_value(prefix + std::to_string(i));
      auto event = events::MakeEvent("test", "thing", "things/" + std::to_string(i), 1, body, "corr");
      ASSERT_TRUE(pool_->Transact([&](pqxx::work& tx) {
        events::AppendToOutbox(tx, stream_, event);
        return absl::OkStatus();
      }).ok());
    }
  }

  // The handler every consumer in these tests uses.
  events::EventHandler RecordingHandler() {
    return [](pqxx::work& tx, const events::EventEnvelope& e) -> absl::Status {
      google::protobuf::StringValue body;
      if (!e.payload().UnpackTo(&body)) return absl::InvalidArgumentError("bad payload");
      tx.exec_params("INSERT INTO received (event_id, body) VALUES ($1::uuid, $2)", e.event_id(), body.value());
      return absl::OkStatus();
    };
  }

  int64_t Scalar(const std::string& sql) {
    int64_t n = -1;
    EXPECT_TRUE(pool_->Transact([&](pqxx::work& tx) {
      n = tx.exec1(sql)[0].as<int64_t>();
      return absl::OkStatus();
    }).ok());
    return n;
  }

  std::string schema_, stream_;
  std::unique_ptr<pg::Pool> pool_;
};

}  // namespace gongtong::testing
