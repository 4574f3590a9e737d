// Schema migrations against a real PostgreSQL: idempotent, safe with many
// concurrent starters, and append-only.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "common/pg/migrations.h"
#include "common/pg/pool.h"
#include "common/status/error.h"
#include "local_servers.h"

namespace gongtong::pg {
namespace {

using gongtong::testing::LocalPostgres;
using gongtong::testing::UniqueSchema;

const std::vector<Migration>& DemoMigrations() {
  static const std::vector<Migration> m = {
      {"demo", 1, "things", "CREATE TABLE things (id int PRIMARY KEY, name text NOT NULL)"},
      {"demo", 2, "seed", "INSERT INTO things VALUES (1, '仙居县第一小学')"},
  };
  return m;
}

int64_t Count(Pool& pool, const std::string& sql) {
  int64_t n = -1;
  EXPECT_TRUE(pool.Transact([&](pqxx::work& tx) {
    n = tx.exec1(sql)[0].as<int64_t>();
    return absl::OkStatus();
  }).ok());
  return n;
}

absl::StatusOr<int> Apply(Pool& pool, const std::vector<Migration>& extra) {
  absl::StatusOr<int> result = 0;
  absl::Status s = pool.WithConnection([&](pqxx::connection& conn) {
    result = ApplyMigrations(conn, pool.schema(), {&CommonMigrations(), &extra});
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return result;
}

TEST(Migrations, ApplyOnceThenNothing) {
  Pool pool({LocalPostgres::Shared().dsn(), UniqueSchema("mig"), 2});
  auto first = Apply(pool, DemoMigrations());
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, static_cast<int>(CommonMigrations().size() + DemoMigrations().size()));
  auto second = Apply(pool, DemoMigrations());
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(*second, 0);
  EXPECT_EQ(Count(pool, "SELECT count(*) FROM things"), 1);  // the seed ran once
  EXPECT_EQ(Count(pool, "SELECT count(*) FROM outbox"), 0);  // common tables exist
}

TEST(Migrations, ConcurrentStartersApplyEachMigrationExactlyOnce) {
  const std::string schema = UniqueSchema("race");
  constexpr int kStarters = 8;
  std::vector<std::thread> threads;
  std::vector<absl::StatusOr<int>> results(kStarters, 0);
  for (int i = 0; i < kStarters; ++i) {
    threads.emplace_back([&, i] {
      Pool pool({LocalPostgres::Shared().dsn(), schema, 1});  // a separate "replica"
      results[i] = Apply(pool, DemoMigrations());
    });
  }
  for (auto& t : threads) t.join();
  int total = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status();
    total += *r;
  }
  // Exactly one starter applied everything; the others found it done.
  EXPECT_EQ(total, static_cast<int>(CommonMigrations().size() + DemoMigrations().size()));
  Pool pool({LocalPostgres::Shared().dsn(), schema, 1});
  EXPECT_EQ(Count(pool, "SELECT count(*) FROM things"), 1);
  EXPECT_EQ(Count(pool, "SELECT count(*) FROM schema_migrations"), total);
}

TEST(Migrations, AChangedAppliedMigrationIsRefused) {
  Pool pool({LocalPostgres::Shared().dsn(), UniqueSchema("sum"), 1});
  ASSERT_TRUE(Apply(pool, DemoMigrations()).ok());
  std::vector<Migration> edited = DemoMigrations();
  edited[1].sql = "INSERT INTO things VALUES (2, 'edited')";
  auto r = Apply(pool, edited);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(r.status()), "MIGRATION_CHECKSUM_MISMATCH");
  EXPECT_EQ(Count(pool, "SELECT count(*) FROM things"), 1);
}

TEST(Migrations, AFailingMigrationLeavesNothingBehind) {
  Pool pool({LocalPostgres::Shared().dsn(), UniqueSchema("fail"), 1});
  std::vector<Migration> broken = DemoMigrations();
  broken.push_back({"demo", 3, "broken", "ALTER TABLE no_such_table ADD COLUMN x int"});
  EXPECT_FALSE(Apply(pool, broken).ok());
  // All in one transaction: not even the common migrations were recorded.
  EXPECT_EQ(Count(pool, "SELECT count(*) FROM information_schema.tables WHERE table_schema = '" +
                            pool.schema() + "' AND table_name = 'things'"),
            0);
  EXPECT_TRUE(Apply(pool, DemoMigrations()).ok());
}

TEST(Pool, TransactRollsBackOnErrorAndMapsConstraintViolations) {
  Pool pool({LocalPostgres::Shared().dsn(), UniqueSchema("tx"), 2});
  ASSERT_TRUE(Apply(pool, DemoMigrations()).ok());
  absl::Status s = pool.Transact([](pqxx::work& tx) {
    tx.exec("INSERT INTO things VALUES (7, 'half')");
    return absl::InvalidArgumentError("validation failed after the insert");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Count(pool, "SELECT count(*) FROM things WHERE id = 7"), 0);
  s = pool.Transact([](pqxx::work& tx) {
    tx.exec("INSERT INTO things VALUES (1, 'duplicate')");
    return absl::OkStatus();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ReasonOf(s), "DB_UNIQUE_VIOLATION");
  s = pool.Transact([](pqxx::work& tx) {
    tx.exec("SELECT pg_sleep(2)");
    return absl::OkStatus();
  }, std::chrono::system_clock::now() + std::chrono::milliseconds(200));
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded) << s;
}

TEST(Pool, AFreedConnectionGoesToTheLongestWaitingCaller) {
  Pool pool({LocalPostgres::Shared().dsn(), UniqueSchema("fifo"), 1});
  std::mutex mu;
  std::vector<int> order;
  std::atomic<bool> release{false};
  std::thread holder([&] {
    ASSERT_TRUE(pool.WithConnection([&](pqxx::connection&) {
      while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return absl::OkStatus();
    }).ok());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::vector<std::thread> waiters;
  for (int i = 0; i < 6; ++i) {
    waiters.emplace_back([&, i] {
      EXPECT_TRUE(pool.WithConnection([&](pqxx::connection&) {
        std::lock_guard<std::mutex> lock(mu);
        order.push_back(i);
        return absl::OkStatus();
      }).ok());
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(30));  // waiter i queues before i + 1
  }
  release = true;
  holder.join();
  for (auto& t : waiters) t.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5}));
}

TEST(Pool, AWaiterThatTimesOutLeavesTheQueueAndTheNextOneIsServed) {
  PoolOptions options{LocalPostgres::Shared().dsn(), UniqueSchema("fifo"), 1};
  options.acquire_timeout = std::chrono::milliseconds(100);
  Pool pool(options);
  std::atomic<bool> release{false};
  std::thread holder([&] {
    (void)pool.WithConnection([&](pqxx::connection&) {
      while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return absl::OkStatus();
    });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  absl::Status timed_out = pool.WithConnection([](pqxx::connection&) { return absl::OkStatus(); });
  EXPECT_EQ(timed_out.code(), absl::StatusCode::kUnavailable);
  release = true;
  holder.join();
  EXPECT_TRUE(pool.WithConnection([](pqxx::connection&) { return absl::OkStatus(); }).ok())
      << "the connection went back to the pool, not to the waiter that gave up";
}

TEST(Pool, CoarseStatementTimeoutRoundsUpByLessThanASixteenth) {
  struct Row {
    int64_t left_ms, want;
  };
  for (const Row& r : std::vector<Row>{{-5, 0},
                                       {0, 0},
                                       {1, 1},
                                       {31, 31},      // step 1 below 32 ms
                                       {33, 34},      // step 2
                                       {100, 100},    // step 4, already a multiple
                                       {101, 104},
                                       {10000, 10240},  // step 512
                                       {29990, 30720},  // a 30 s client deadline, 10 ms spent: step 1024
                                       {29000, 29696}}) {
    const int64_t got = CoarseStatementTimeoutMs(r.left_ms);
    EXPECT_EQ(got, r.want) << r.left_ms;
    if (r.left_ms > 0) {
      EXPECT_GE(got, r.left_ms);
      EXPECT_LT(got - r.left_ms, std::max<int64_t>(1, r.left_ms / 16)) << r.left_ms;
    }
  }
}

TEST(Pool, EachTransactionRunsUnderItsDeadlinesTimeoutSetOnlyWhenItChanges) {
  Pool pool({LocalPostgres::Shared().dsn(), UniqueSchema("timeout"), 1});
  auto timeout_in_tx = [&](Deadline deadline) {
    int64_t ms = -1;
    EXPECT_TRUE(pool.Transact([&](pqxx::work& tx) {
      ms = tx.exec("SELECT setting::bigint FROM pg_settings WHERE name = 'statement_timeout'")[0][0].as<int64_t>();
      return absl::OkStatus();
    }, deadline).ok());
    return ms;
  };
  const auto in = [](int ms) { return std::chrono::system_clock::now() + std::chrono::milliseconds(ms); };
  EXPECT_EQ(timeout_in_tx(in(30000)), 30720);
  EXPECT_EQ(timeout_in_tx(in(30000)), 30720) << "kept on the connection";
  EXPECT_EQ(timeout_in_tx(NoDeadline()), 0) << "no deadline: no limit, even after one that had";
  EXPECT_EQ(timeout_in_tx(in(5000)), 5120);
  // A rolled-back transaction undoes a SET: the next one must not trust it.
  EXPECT_FALSE(pool.Transact([](pqxx::work& tx) {
    tx.exec("SELECT 1");
    return absl::InternalError("refused");
  }, in(60000)).ok());
  EXPECT_EQ(timeout_in_tx(in(60000)), 61440) << "the rolled-back SET of the same value is made again";
  // The limit still stops a statement that outlives the deadline.
  absl::Status s = pool.Transact([](pqxx::work& tx) {
    tx.exec("SELECT pg_sleep(2)");
    return absl::OkStatus();
  }, in(300));
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(timeout_in_tx(in(5000)), 5120);
}

}  // namespace
}  // namespace gongtong::pg
