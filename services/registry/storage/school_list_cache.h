#pragma once
// Cached ListSchools pages in Redis, kept correct after writes by
// generation: every entry's key carries the generation current when it was
// loaded ("gongtong:registry:school-lists:{schema}:{gen}:{query hash}"; the
// registry's PostgreSQL schema keeps registries on different databases
// apart when they share a Redis, e.g. in tests), and any
// school write bumps the generation (SchoolListsChanged: by the writer right
// after commit, and by the consumer of the registry's events for writes committed
// anywhere, e.g. bulk imports). A page loaded before a write can only be
// stored under the old generation, where no reader looks again — no
// compare-and-set is needed. Entries expire with the TTL.
//
// Reads cost one Redis round trip (a script returns the generation and the
// entry). A hit is the page as protobuf wire bytes (`ListSchoolsResponse`
// field 1 only), so answering it parses nothing; the page token and total
// are appended per call. Redis down: Lookup misses and Store is skipped
// (reads go to PostgreSQL), never an error.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/redis/redis_client.h"

namespace gongtong::registry {

// Pages one replica keeps in memory at most (in front of Redis; a county
// page of 50 schools is ≈ 17 KB).
inline constexpr size_t kNearSchoolListPages = 4096;

struct CachedSchoolPage {
  std::string schools_wire;  // ListSchoolsResponse wire bytes holding field 1 (schools) only
  std::vector<std::string> last_key;  // sort key of the last school (for the next page's token)
  bool more = false;
  int64_t total = -1;  // counted total (first pages), -1 when not counted
};

class SchoolListCache {
 public:
  // A ttl of 0 disables the cache (Lookup always misses).
  SchoolListCache(redis::ClientPool* redis, std::chrono::seconds ttl, std::string schema)
      : redis_(redis), ttl_(ttl), schema_(std::move(schema)) {}

  // The page cached for `query` (a canonical text of everything the page
  // depends on: filter, order, scope, page size, position), and the
  // generation to store a freshly loaded page under.
  std::optional<CachedSchoolPage> Lookup(const std::string& query, std::string* generation);
  void Store(const std::string& query, const std::string& generation, const CachedSchoolPage& page);

 private:
  redis::ClientPool* redis_;
  std::chrono::seconds ttl_;
  std::string schema_;
};

// Bumps the generation of the registry on `schema`: every cached page is
// obsolete.
absl::Status SchoolListsChanged(redis::ClientPool& redis, const std::string& schema);

// Entry encoding (exposed for tests): the query is stored inside the entry
// and checked on a hit, so a hash collision is a miss, never a wrong page.
std::string EncodeCachedSchoolPage(const std::string& query, const CachedSchoolPage& page);
std::optional<CachedSchoolPage> DecodeCachedSchoolPage(const std::string& query, const std::string& bytes);

}  // namespace gongtong::registry
