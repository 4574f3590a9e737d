#pragma once
// An in-process copy of hot cache entries for one replica, in front of the
// shared ReadThroughCache in Redis: a hit costs a hash lookup instead of a
// Redis round trip.
//
// Correctness is the Redis cache's, with one difference stated here:
//  - This replica's own writes: the writer calls Invalidate(key) right after
//    commit, before answering, so it never reads its own write stale.
//  - Other replicas' writes reach this copy as events (NearCacheInvalidator
//    reads the owning service's stream, every entry, no consumer group).
//    Until the event arrives — the outbox relay's poll (50 ms) plus
//    delivery — this replica may still serve the previous version.
//  - Entries also expire after `ttl`, which bounds staleness when events
//    stop (Redis down, relay stuck).
//  - The copy is "closed" (every lookup misses, nothing is stored) while its
//    invalidator is not positioned on the stream; opening and closing drop
//    every entry, so nothing stored before a gap in the events survives it.
//  - A load that started before an invalidation cannot store its result
//    after it: Fill() takes the ticket read before loading and stores only
//    if no invalidation (of any key of the same shard) happened since.
//
// Bounded: at most `capacity` entries (an arbitrary other entry of the shard
// is evicted when a shard is full). Thread-safe.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "absl/status/statusor.h"

namespace gongtong::cache {

class NearCache {
 public:
  NearCache(size_t capacity, std::chrono::milliseconds ttl);

  // The value of `key`, or nullopt (missing, expired, or the copy closed).
  std::optional<std::string> Lookup(const std::string& key);

  // To pass to Fill: read BEFORE loading the value from the next tier.
  uint64_t Ticket(const std::string& key) const;
  // Stores `value` unless the copy is closed or an invalidation happened
  // after `ticket` was taken. Returns whether it stored.
  bool Fill(const std::string& key, std::string value, uint64_t ticket);

  // Lookup, else `load` (the next tier) and Fill. Errors of `load` are
  // returned and nothing is stored.
  template <typename Load>
  absl::StatusOr<std::string> GetOrLoad(const std::string& key, Load&& load) {
    if (auto hit = Lookup(key)) return std::move(*hit);
    const uint64_t ticket = Ticket(key);
    absl::StatusOr<std::string> value = load();
    if (value.ok()) Fill(key, *value, ticket);
    return value;
  }

  void Invalidate(const std::string& key);
  void InvalidateAll();
  // Opens (events are flowing) or closes (they may have been missed) the
  // copy; either drops every entry.
  void SetOpen(bool open);
  bool open() const { return open_.load(std::memory_order_acquire); }

  size_t size() const;
  struct Stats {
    int64_t hits, misses, invalidations;
  };
  Stats stats() const { return {hits_.load(), misses_.load(), invalidations_.load()}; }

 private:
  struct Entry {
    std::string value;
    std::chrono::steady_clock::time_point expires;
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, Entry> entries;
    // Bumped by every invalidation in this shard (and by open/close):
    // a Fill whose ticket is older does not store.
    std::atomic<uint64_t> generation{0};
  };
  static constexpr size_t kShards = 16;

  Shard& ShardOf(const std::string& key);
  const Shard& ShardOf(const std::string& key) const;

  const size_t per_shard_capacity_;
  const std::chrono::milliseconds ttl_;
  std::array<Shard, kShards> shards_;
  std::atomic<bool> open_{false};
  std::atomic<int64_t> hits_{0}, misses_{0}, invalidations_{0};
};

}  // namespace gongtong::cache
