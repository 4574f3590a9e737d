// The read-through cache against real Redis, including invalidation driven
// by events through the real outbox → stream → consumer path.
#include <gtest/gtest.h>

#include "common/cache/read_through_cache.h"
#include "common/status/error.h"
#include "common/events/outbox_relay.h"
#include "common/events/stream_consumer.h"
#include "event_fixture.h"

namespace gongtong::testing {
namespace {

using namespace std::chrono_literals;

class Cache : public EventFixture {
 protected:
  redis::ClientPool redis_{LocalRedis::Shared().options(), 2};
  cache::ReadThroughCache cache_{&redis_, 60s};
  std::string key_ = "gongtong:test:school:" + UniqueSchema("k");
};

TEST_F(Cache, LoadsOnceThenServesFromRedis) {
  int loads = 0;
  auto load = [&]() -> absl::StatusOr<std::string> { ++loads; return std::string("仙居县第一小学"); };
  EXPECT_EQ(*cache_.Get(key_, load), "仙居县第一小学");
  EXPECT_EQ(*cache_.Get(key_, load), "仙居县第一小学");
  EXPECT_EQ(loads, 1);
  EXPECT_EQ(cache_.stats().hits, 1);
}

TEST_F(Cache, NotFoundIsNotCached) {
  int loads = 0;
  auto load = [&]() -> absl::StatusOr<std::string> { ++loads; return absl::NotFoundError("no school"); };
  EXPECT_EQ(cache_.Get(key_, load).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(cache_.Get(key_, load).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(loads, 2);
}

TEST_F(Cache, ALoadThatRacesAnInvalidationDoesNotStoreItsStaleValue) {
  std::string db = "old name";
  auto racing_load = [&]() -> absl::StatusOr<std::string> {
    std::string read = db;  // read the record...
    db = "new name";        // ...a writer commits and invalidates meanwhile
    EXPECT_TRUE(cache_.Invalidate(key_).ok());
    return read;
  };
  EXPECT_EQ(*cache_.Get(key_, racing_load), "old name");
  auto load = [&]() -> absl::StatusOr<std::string> { return db; };
  EXPECT_EQ(*cache_.Get(key_, load), "new name");  // the stale value was not cached
}

TEST_F(Cache, AnUpdateEventInvalidatesThroughTheStream) {
  auto load = [&]() -> absl::StatusOr<std::string> {
    std::string v;
    GT_RETURN_IF_ERROR(pool_->Transact([&](pqxx::work& tx) {
      auto r = tx.exec("SELECT body FROM received ORDER BY body DESC LIMIT 1");
      v = r.empty() ? "none" : r[0][0].as<std::string>();
      return absl::OkStatus();
    }));
    return v;
  };
  EXPECT_EQ(*cache_.Get(key_, load), "none");
  // The writer changes the record and emits the event in one transaction.
  google::protobuf::StringValue body;
  body.set_value("v2");
  auto event = events::MakeEvent("test", "school", key_, 2, body, "c");
  ASSERT_TRUE(pool_->Transact([&](pqxx::work& tx) {
    tx.exec("INSERT INTO received VALUES (gen_random_uuid(), 'v2')");
    events::AppendToOutbox(tx, stream_, event);
    return absl::OkStatus();
  }).ok());
  EXPECT_EQ(*cache_.Get(key_, load), "none");  // still cached: no invalidation yet
  events::OutboxRelay relay(pool_.get(), LocalRedis::Shared().options());
  ASSERT_EQ(*relay.PublishBatch(), 1);
  events::ConsumerOptions options;
  options.stream = stream_;
  options.group = "cache-invalidator";
  options.consumer_name = "c";
  options.block = 100ms;
  events::StreamConsumer invalidator(pool_.get(), LocalRedis::Shared().options(), options,
                                     [&](pqxx::work&, const events::EventEnvelope& e) {
                                       return cache_.Invalidate(e.aggregate_id());
                                     });
  ASSERT_EQ(*invalidator.PollOnce(), 1);
  EXPECT_EQ(*cache_.Get(key_, load), "v2");
}

TEST_F(Cache, PeekReadsManyEntriesInOneRoundTripAndMissesAreNullopt) {
  auto load = []() -> absl::StatusOr<std::string> { return std::string("对垟小学"); };
  ASSERT_TRUE(cache_.Get(key_, load).ok());
  auto values = cache_.Peek({key_, key_ + ":absent", key_});
  ASSERT_EQ(values.size(), 3u);
  EXPECT_EQ(values[0].value_or(""), "对垟小学");
  EXPECT_FALSE(values[1].has_value());
  EXPECT_EQ(values[2].value_or(""), "对垟小学");
  ASSERT_TRUE(cache_.Invalidate(key_).ok());
  EXPECT_FALSE(cache_.Peek({key_})[0].has_value()) << "an invalidated entry is gone for Peek too";
}

TEST_F(Cache, AGroupMissFillsEveryEntryOfTheGroupButNotOneInvalidatedDuringTheLoad) {
  const std::vector<std::string> days = {key_ + ":d1", key_ + ":d2", key_ + ":d3"};
  int loads = 0;
  auto load_month = [&]() -> absl::StatusOr<std::vector<std::string>> {
    ++loads;
    // A writer invalidates day 3 while the month is being read.
    EXPECT_TRUE(cache_.Invalidate(days[2]).ok());
    return std::vector<std::string>{"上课", "调休补课", "放假"};
  };
  EXPECT_EQ(*cache_.GetGroup(days[1], days, load_month), "调休补课");
  EXPECT_EQ(loads, 1);
  auto peeked = cache_.Peek(days);
  EXPECT_EQ(peeked[0].value_or("-"), "上课") << "a sibling of the missed entry was filled";
  EXPECT_EQ(peeked[1].value_or("-"), "调休补课");
  EXPECT_FALSE(peeked[2].has_value()) << "an entry invalidated during the load is not stored";
  // A hit on a filled sibling does not load again.
  EXPECT_EQ(*cache_.GetGroup(days[0], days, load_month), "上课");
  EXPECT_EQ(loads, 1);
  // A loader that answers the wrong number of entries is an error, not a guess.
  auto short_load = []() -> absl::StatusOr<std::vector<std::string>> { return std::vector<std::string>{"x"}; };
  EXPECT_EQ(cache_.GetGroup(days[2], days, short_load).status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(cache_.GetGroup("absent", days, short_load).status().code(), absl::StatusCode::kInternal);
}

TEST(CacheWithoutRedis, FallsBackToTheLoader) {
  redis::Options dead;
  dead.port = FreePort();  // nothing listens there
  dead.connect_timeout = 200ms;
  redis::ClientPool pool(dead, 1);
  cache::ReadThroughCache cache(&pool, 60s);
  auto value = cache.Get("k", []() -> absl::StatusOr<std::string> { return std::string("from db"); });
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, "from db");
  EXPECT_GE(cache.stats().cache_errors, 1);
  // Peek answers "not cached" for every key rather than failing.
  auto peeked = cache.Peek({"a", "b"});
  ASSERT_EQ(peeked.size(), 2u);
  EXPECT_FALSE(peeked[0].has_value());
  EXPECT_FALSE(peeked[1].has_value());
  // A group read falls back to its loader too.
  auto day = cache.GetGroup("b", {"a", "b"}, []() -> absl::StatusOr<std::vector<std::string>> {
    return std::vector<std::string>{"from db a", "from db b"};
  });
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(*day, "from db b");
}

}  // namespace
}  // namespace gongtong::testing
