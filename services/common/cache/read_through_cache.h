#pragma once
// Read-through cache in Redis for hot reads (a school, a pairing, a bell
// schedule), kept correct after updates:
//
//  - Get(key, load): returns the cached bytes, or calls `load` (the system
//    of record) and stores its result with the TTL.
//  - Invalidate(key): called by the event consumer of the owning service's
//    stream (and by the writer right after commit) — deletes the value and
//    bumps the key's generation.
//  - A loader that read the database BEFORE an invalidation cannot store its
//    stale result AFTER it: the store is a compare-and-set on the generation
//    observed before loading (one Lua script, atomic in Redis).
//  - Redis down never fails a read: Get falls back to `load` and reports it
//    via the `cache_errors` counter. NOT_FOUND from the loader is not cached.
//
// Keys are "gongtong:<service>:<entity>:<id>"; the generation lives at
// "<key>:gen". Thread-safe.

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <vector>
#include <string>

#include "absl/status/statusor.h"
#include "common/redis/redis_client.h"

namespace gongtong::cache {

class ReadThroughCache {
 public:
  using Loader = std::function<absl::StatusOr<std::string>()>;

  // A ttl of 0 disables the cache: every Get loads (for measurements).
  ReadThroughCache(redis::ClientPool* redis, std::chrono::seconds ttl);

  absl::StatusOr<std::string> Get(const std::string& key, const Loader& load);

  // Like Get, but a miss loads a whole group of entries at once (e.g. the
  // days of a month, read in one call of the owning service): `group`
  // contains `key`; `load` returns one value per entry of `group`, in its
  // order, and every entry is stored under the same compare-and-set rule as
  // Get's (an entry invalidated during the load is not stored). Returns the
  // value of `key`.
  using GroupLoader = std::function<absl::StatusOr<std::vector<std::string>>()>;
  absl::StatusOr<std::string> GetGroup(const std::string& key, const std::vector<std::string>& group,
                                       const GroupLoader& load);
  // The cached values of `keys` in one MGET (nullopt for a miss, and for
  // every key when Redis is unreachable): for a request that needs several
  // entries at once; misses are then read with Get.
  std::vector<std::optional<std::string>> Peek(const std::vector<std::string>& keys);
  absl::Status Invalidate(const std::string& key);

  redis::ClientPool* redis() const { return redis_; }
  std::chrono::seconds ttl() const { return ttl_; }

  struct Stats {
    int64_t hits, misses, cache_errors;
  };
  Stats stats() const { return {hits_.load(), misses_.load(), errors_.load()}; }

 private:
  // One GET: the cached value and a hit counted, or nullopt on a miss (and
  // *reachable = false when Redis did not answer).
  std::optional<std::string> Lookup(const std::string& key, bool* reachable);
  // After a miss: reads the group's generations (when Redis is reachable),
  // loads, and stores each entry whose generation did not move; returns
  // what `load` returned.
  absl::StatusOr<std::vector<std::string>> LoadAndStore(const std::vector<std::string>& group, const GroupLoader& load,
                                                        bool reachable);

  redis::ClientPool* redis_;
  std::chrono::seconds ttl_;
  std::atomic<int64_t> hits_{0}, misses_{0}, errors_{0};
};

}  // namespace gongtong::cache
