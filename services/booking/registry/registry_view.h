#pragma once
// The booking service's view of the registry: teachers, classrooms, classes,
// schools, pairings and school days (calendar + bell schedule of a date),
// read over gRPC from the registry service THROUGH the Redis read-through
// cache, so a booking costs a few cache hits, not registry round trips.
//
// Correct after updates: Invalidate() is fed by the consumer of the
// registry's event stream (main.cc) and drops exactly the keys a change can
// affect — a teacher, classroom, class or school by name; the pairings of a
// core/member pair; the school days of a school (bell schedule change) or of
// every school (calendar change: calendars are per region and rare). A
// missing school day is read with the rest of its month, which fills the
// month's entries (one registry call per school-month).
//
// Errors: the registry's NOT_FOUND and FAILED_PRECONDITION pass through (the
// caller names its own field); registry unreachable is UNAVAILABLE.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/cache/read_through_cache.h"
#include "common/pg/pool.h"
#include "gongtong/events/v1/envelope.pb.h"
#include "gongtong/registry/v1/registry_service.grpc.pb.h"
#include "grpcpp/channel.h"

namespace gongtong::booking {

namespace rv1 = gongtong::registry::v1;

class RegistryView {
 public:
  // `token` returns the bearer token (ROLE_SERVICE) for calls to the registry.
  RegistryView(std::shared_ptr<grpc::Channel> channel, std::function<std::string()> token,
               cache::ReadThroughCache* cache, redis::ClientPool* redis);

  absl::StatusOr<rv1::Teacher> Teacher(const std::string& name, pg::Deadline deadline);
  absl::StatusOr<rv1::Classroom> Classroom(const std::string& name, pg::Deadline deadline);
  absl::StatusOr<rv1::SchoolClass> SchoolClass(const std::string& name, pg::Deadline deadline);
  absl::StatusOr<rv1::Community> Community(const std::string& name, pg::Deadline deadline);
  absl::StatusOr<rv1::School> School(const std::string& code, pg::Deadline deadline);
  // Live pairings with `core_code` as core and `member_code` as member, in any
  // community (usually zero or one).
  absl::StatusOr<std::vector<rv1::Pairing>> Pairings(const std::string& core_code, const std::string& member_code,
                                                     pg::Deadline deadline);
  // The school's day `date`: kind, timetable weekday, term, periods (read
  // with the rest of its month).
  absl::StatusOr<rv1::SchoolDay> SchoolDay(const std::string& code, absl::CivilDay date, pg::Deadline deadline);
  // A range of days (for series and free slots), read in one registry call
  // and not cached as a whole.
  absl::StatusOr<std::vector<rv1::SchoolDay>> SchoolDays(const std::string& code, absl::CivilDay first,
                                                         absl::CivilDay last, pg::Deadline deadline);

  // Every live pairing across communities matching a ListPairings `filter`,
  // paged through, uncached (registry/pairing_list.cc).
  absl::StatusOr<std::vector<rv1::Pairing>> AllPairings(const std::string& filter, pg::Deadline deadline);

  // Reads the cache entries of one request (RegistryCacheKey) in one MGET
  // and keeps the hits for the calling thread while it lives: the getters
  // above use them instead of asking Redis again. A miss is read as usual.
  class Prefetch {
   public:
    Prefetch(RegistryView* view, const std::vector<std::string>& keys);
    ~Prefetch();
    Prefetch(const Prefetch&) = delete;
    Prefetch& operator=(const Prefetch&) = delete;

   private:
    std::map<std::string, std::string> entries_;
    std::map<std::string, std::string>* previous_;
  };

  // Drops what a registry event may have changed.
  absl::Status Invalidate(const gongtong::events::v1::EventEnvelope& event);

 private:
  std::unique_ptr<grpc::ClientContext> Context(pg::Deadline deadline) const;
  template <typename Resp>
  absl::StatusOr<Resp> Cached(const std::string& key,
                              const std::function<grpc::Status(grpc::ClientContext*, Resp*)>& call,
                              pg::Deadline deadline);
  absl::Status DropMatching(const std::string& pattern);

  std::unique_ptr<rv1::RegistryService::Stub> stub_;
  std::function<std::string()> token_;
  cache::ReadThroughCache* cache_;
  redis::ClientPool* redis_;  // for dropping keys by pattern
};

// Cache keys: what ∈ teacher, classroom, class (by resource name), school
// (by code), community (by name), pairings ("{core}:{member}"), day
// (SchoolDayCacheKey).
std::string RegistryCacheKey(const std::string& what, const std::string& id);
// The entry of a school's day ("day", "{code}:{YYYY-MM-DD}").
std::string SchoolDayCacheKey(const std::string& code, absl::CivilDay date);

}  // namespace gongtong::booking
