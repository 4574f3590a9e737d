#pragma once
// This replica's in-process caches (common/cache/near_cache.h) in front of
// the Redis caches: schools (keyed like the Redis cache, SchoolCacheKey)
// and ListSchools pages (keyed by the page's query text), with the
// invalidator that keeps both correct from the registry's event stream —
// every school event drops that school (Redis first, then this copy) and
// every cached page (the Redis page generation first, then this copy).
//
// What it promises: this replica sees its own writes at once (the writer
// invalidates after commit, RegistryServiceImpl::Forget); other replicas'
// writes within the relay's poll (50 ms) plus delivery; nothing older than
// `ttl` even when events stop; nothing at all while the stream is
// unreachable (the caches close).

#include <chrono>
#include <memory>
#include <string>

#include "common/cache/near_cache.h"
#include "common/cache/near_cache_invalidator.h"
#include "common/cache/read_through_cache.h"
#include "gongtong/events/v1/envelope.pb.h"

namespace gongtong::registry {

// The school a registry event changed, "" for events about anything else.
std::string ChangedSchoolCode(const events::v1::EventEnvelope& event);
// Drops school `code` and every ListSchools page of the registry on
// `schema` from Redis (the shared tier every replica reads through); both
// are attempted, the first error is returned.
absl::Status ForgetSchoolInRedis(cache::ReadThroughCache& cache, const std::string& schema, const std::string& code);

class RegistryNearCaches {
 public:
  // `shared`: the Redis cache behind (also holds the Redis connection
  // options' pool for the page generation); `schema`: the registry's
  // PostgreSQL schema (names its page generation).
  RegistryNearCaches(std::chrono::milliseconds ttl, size_t school_entries, cache::ReadThroughCache* shared,
                     std::string schema, redis::Options redis);

  cache::NearCache* schools() { return &schools_; }
  cache::NearCache* school_lists() { return &school_lists_; }
  // To run on the service host (AddBackgroundTask).
  cache::NearCacheInvalidator* invalidator() { return invalidator_.get(); }

 private:
  cache::NearCache schools_;
  cache::NearCache school_lists_;
  std::unique_ptr<cache::NearCacheInvalidator> invalidator_;
};

}  // namespace gongtong::registry
