// NearCacheInvalidator against real Redis and the real outbox → relay →
// stream path: it opens the near caches only once positioned on the stream,
// invalidates what each event names (the shared tier first), closes the
// caches on any Redis error and, after the gap, applies the events it
// missed before reopening.
#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "common/cache/near_cache_invalidator.h"
#include "common/events/outbox_relay.h"
#include "common/events/stream_consumer.h"
#include "event_fixture.h"

namespace gongtong::testing {
namespace {

using namespace std::chrono_literals;

class NearCacheEvents : public EventFixture {
 protected:
  cache::NearCacheInvalidatorOptions Options() {
    cache::NearCacheInvalidatorOptions o;
    o.stream = stream_;
    o.block = 50ms;
    o.error_backoff = 50ms;
    return o;
  }
  // The handler: records the shared-tier invalidation, then drops the key.
  cache::InvalidateForEvent Handler() {
    return [this](const events::EventEnvelope& e) -> absl::Status {
      if (fail_shared_ > 0) {
        --fail_shared_;
        return absl::UnavailableError("shared tier down");
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        shared_invalidations_.push_back(e.aggregate_id());
      }
      near_.Invalidate(e.aggregate_id());
      return absl::OkStatus();
    };
  }
  void Publish() {
    events::OutboxRelay relay(pool_.get(), LocalRedis::Shared().options());
    ASSERT_TRUE(relay.PublishBatch().ok());
  }
  bool Fill(const std::string& key, const std::string& value) { return near_.Fill(key, value, near_.Ticket(key)); }

  cache::NearCache near_{1024, 60s};
  int fail_shared_ = 0;
  std::mutex mu_;  // the handler runs on the invalidator's thread in the last test
  std::vector<std::string> shared_invalidations_;
};

TEST_F(NearCacheEvents, OpensOncePositionedAndInvalidatesWhatEachLaterEventNames) {
  Produce(1);  // before the invalidator started: not its business
  Publish();
  cache::NearCacheInvalidator invalidator({&near_}, LocalRedis::Shared().options(), Options(), Handler());
  EXPECT_FALSE(Fill("things/0", "stale")) << "closed until positioned";
  ASSERT_EQ(*invalidator.PollOnce(), 0) << "events older than the start are not replayed";
  ASSERT_TRUE(near_.open());
  ASSERT_TRUE(Fill("things/0", "v0"));
  ASSERT_TRUE(Fill("things/1", "v1"));
  ASSERT_TRUE(Fill("things/9", "v9"));
  Produce(2);  // things/0 and things/1 change
  Publish();
  ASSERT_EQ(*invalidator.PollOnce(), 2);
  EXPECT_EQ(shared_invalidations_, (std::vector<std::string>{"things/0", "things/1"}));
  EXPECT_FALSE(near_.Lookup("things/0").has_value());
  EXPECT_FALSE(near_.Lookup("things/1").has_value());
  EXPECT_EQ(near_.Lookup("things/9").value_or(""), "v9") << "an entry no event named stays";
}

TEST_F(NearCacheEvents, AFailedSharedInvalidationClosesTheCachesAndTheEventIsAppliedAgain) {
  cache::NearCacheInvalidator invalidator({&near_}, LocalRedis::Shared().options(), Options(), Handler());
  ASSERT_TRUE(invalidator.PollOnce().ok());
  ASSERT_TRUE(Fill("things/0", "v0"));
  ASSERT_TRUE(Fill("things/9", "v9"));
  Produce(1);
  Publish();
  fail_shared_ = 1;
  EXPECT_EQ(invalidator.PollOnce().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(near_.open());
  EXPECT_FALSE(near_.Lookup("things/9").has_value()) << "a gap drops every entry";
  ASSERT_EQ(*invalidator.PollOnce(), 1) << "the failed event is read again";
  EXPECT_EQ(shared_invalidations_, (std::vector<std::string>{"things/0"}));
  EXPECT_TRUE(near_.open());
}

TEST_F(NearCacheEvents, ACorruptEntryDropsEverything) {
  cache::NearCacheInvalidator invalidator({&near_}, LocalRedis::Shared().options(), Options(), Handler());
  ASSERT_TRUE(invalidator.PollOnce().ok());
  ASSERT_TRUE(Fill("things/9", "v9"));
  redis::Client client(LocalRedis::Shared().options());
  ASSERT_TRUE(client.Command({"XADD", stream_, "*", "envelope", "not a protobuf \xff\xff"}).ok());
  ASSERT_EQ(*invalidator.PollOnce(), 1);
  EXPECT_FALSE(near_.Lookup("things/9").has_value());
  EXPECT_TRUE(near_.open());
}

// Running on its own thread: Redis goes away, the cache closes; Redis comes
// back (AOF keeps the stream), the events committed during the gap are
// applied and the cache reopens.
TEST_F(NearCacheEvents, RedisDownClosesTheCacheUntilTheGapIsApplied) {
  cache::NearCacheInvalidator invalidator({&near_}, LocalRedis::Shared().options(), Options(), Handler());
  invalidator.Start();
  auto wait_for = [](const std::function<bool()>& done) {
    for (int i = 0; i < 200 && !done(); ++i) std::this_thread::sleep_for(25ms);
    return done();
  };
  ASSERT_TRUE(wait_for([&] { return near_.open(); }));
  ASSERT_TRUE(Fill("things/0", "v0"));
  LocalRedis::Shared().Stop();
  EXPECT_TRUE(wait_for([&] { return !near_.open(); })) << "Redis down closes the cache";
  EXPECT_FALSE(near_.Lookup("things/0").has_value());
  Produce(1);  // committed while Redis is down: published after it is back
  LocalRedis::Shared().Start();
  ASSERT_TRUE(wait_for([&] { return near_.open(); })) << "reopens once Redis answers";
  Publish();
  EXPECT_TRUE(wait_for([&] {
    std::lock_guard<std::mutex> lock(mu_);
    return shared_invalidations_.size() == 1;
  }))
      << "the event published after the gap is applied";
  invalidator.Stop();
}

}  // namespace
}  // namespace gongtong::testing
