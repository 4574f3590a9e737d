// NearCache (common/cache/near_cache.h): the in-process copy in front of the
// Redis cache — closed until opened, invalidation, the ticket rule that
// keeps a load racing an invalidation from storing, expiry, the bound, and a
// many-thread race against a writer with its invariant checked after.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "common/cache/near_cache.h"

namespace gongtong::cache {
namespace {

using namespace std::chrono_literals;

TEST(NearCache, StoresNothingAndServesNothingWhileClosed) {
  NearCache near(64, 60s);
  EXPECT_FALSE(near.Fill("k", "v", near.Ticket("k")));
  EXPECT_FALSE(near.Lookup("k").has_value());
  near.SetOpen(true);
  ASSERT_TRUE(near.Fill("k", "v", near.Ticket("k")));
  EXPECT_EQ(near.Lookup("k").value_or(""), "v");
  near.SetOpen(false);
  EXPECT_FALSE(near.Lookup("k").has_value()) << "closing serves nothing";
  near.SetOpen(true);
  EXPECT_FALSE(near.Lookup("k").has_value()) << "reopening does not bring back what was there before the gap";
  EXPECT_EQ(near.size(), 0u);
}

TEST(NearCache, InvalidateDropsTheEntry) {
  NearCache near(64, 60s);
  near.SetOpen(true);
  ASSERT_TRUE(near.Fill("schools/3310240001", "仙居县第一小学", near.Ticket("schools/3310240001")));
  near.Invalidate("schools/3310240001");
  EXPECT_FALSE(near.Lookup("schools/3310240001").has_value());
}

struct TicketCase {
  const char* name;
  void (*between)(NearCache&);  // what happens between the ticket and the fill
  bool stored;
};

TEST(NearCache, AFillStoresOnlyIfNothingWasInvalidatedSinceItsTicket) {
  const TicketCase cases[] = {
      {"nothing happened", [](NearCache&) {}, true},
      {"the key was invalidated", [](NearCache& n) { n.Invalidate("k"); }, false},
      {"everything was invalidated", [](NearCache& n) { n.InvalidateAll(); }, false},
      {"the cache closed and reopened", [](NearCache& n) { n.SetOpen(false); n.SetOpen(true); }, false},
      {"the cache closed", [](NearCache& n) { n.SetOpen(false); }, false},
  };
  for (const auto& c : cases) {
    NearCache near(64, 60s);
    near.SetOpen(true);
    const uint64_t ticket = near.Ticket("k");
    c.between(near);
    EXPECT_EQ(near.Fill("k", "old", ticket), c.stored) << c.name;
    EXPECT_EQ(near.Lookup("k").has_value(), c.stored) << c.name;
  }
}

TEST(NearCache, GetOrLoadLoadsOnceAndNeverStoresAnError) {
  NearCache near(64, 60s);
  near.SetOpen(true);
  int loads = 0;
  auto load = [&]() -> absl::StatusOr<std::string> { ++loads; return std::string("对垟小学"); };
  EXPECT_EQ(*near.GetOrLoad("k", load), "对垟小学");
  EXPECT_EQ(*near.GetOrLoad("k", load), "对垟小学");
  EXPECT_EQ(loads, 1);
  auto missing = [&]() -> absl::StatusOr<std::string> { ++loads; return absl::NotFoundError("no school"); };
  EXPECT_EQ(near.GetOrLoad("absent", missing).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(near.GetOrLoad("absent", missing).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(loads, 3);
  EXPECT_EQ(near.stats().hits, 1);
}

TEST(NearCache, EntriesExpire) {
  NearCache near(64, 20ms);
  near.SetOpen(true);
  ASSERT_TRUE(near.Fill("k", "v", near.Ticket("k")));
  EXPECT_TRUE(near.Lookup("k").has_value());
  std::this_thread::sleep_for(40ms);
  EXPECT_FALSE(near.Lookup("k").has_value());
}

TEST(NearCache, HoldsAtMostItsCapacity) {
  NearCache near(32, 60s);
  near.SetOpen(true);
  for (int i = 0; i < 1000; ++i) {
    const std::string key = "k" + std::to_string(i);
    near.Fill(key, "v", near.Ticket(key));
  }
  EXPECT_LE(near.size(), 32u);
  EXPECT_GE(near.size(), 16u);  // evicting keeps the shards in use
}

// Readers load "the record" through the cache while a writer changes it and
// invalidates after each change (as a writer does after commit). After the
// writer's last invalidation, no reader may ever see an older version.
TEST(NearCache, ConcurrentReadersNeverSeeAVersionOlderThanTheLastInvalidation) {
  NearCache near(64, 60s);
  near.SetOpen(true);
  std::atomic<int> version{0};
  std::atomic<bool> stop{false};
  auto load = [&]() -> absl::StatusOr<std::string> {
    std::string read = std::to_string(version.load());
    std::this_thread::yield();  // widen the window between read and fill
    return read;
  };
  std::vector<std::thread> readers;
  std::atomic<int64_t> reads{0};
  for (int t = 0; t < 8; ++t) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        for (const char* key : {"a", "b"}) ASSERT_TRUE(near.GetOrLoad(key, load).ok());
        reads.fetch_add(1);
      }
    });
  }
  // At least 2,000 versions, and on until the readers have raced the
  // writer for a while (on a busy machine they may start late).
  int v = 0;
  const int64_t reads_at_start = reads.load();
  while (++v <= 2000 || reads.load() < reads_at_start + 1000) {
    version.store(v);  // commit
    near.Invalidate(v % 2 ? "a" : "b");
    near.Invalidate(v % 2 ? "b" : "a");
    if (v % 256 == 0) std::this_thread::yield();
  }
  stop.store(true);
  for (auto& t : readers) t.join();
  const std::string last = std::to_string(version.load());
  for (const char* key : {"a", "b"}) {
    for (int i = 0; i < 3; ++i) EXPECT_EQ(*near.GetOrLoad(key, load), last) << key;
  }
}

}  // namespace
}  // namespace gongtong::cache
