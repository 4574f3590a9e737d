#pragma once
// PostgreSQL adapter for the two booking settings: a community's booking
// policy (R-SYNC-4 lead time, hold duration, short notice allowed) and a
// region's live-session cap (R-SYNC-7). Absent rows mean the defaults (a
// policy) or inheritance (a cap: see SessionStore::EffectiveCapacity).

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "booking/storage/session_store.h"
#include "gongtong/booking/v1/policy.pb.h"

namespace gongtong::booking {

// The deployment's defaults (configuration).
struct PolicyDefaults {
  int min_lead_days = 7;
  absl::Duration hold_duration = absl::Minutes(15);
  bool allow_short_notice = true;
};

class PolicyStore {
 public:
  PolicyStore(pg::Pool* pool, PolicyDefaults defaults, SessionStore* sessions)
      : pool_(pool), defaults_(defaults), sessions_(sessions) {}

  // The community's policy, or the defaults (etag "" until first updated).
  absl::StatusOr<bv1::BookingPolicy> GetPolicy(const std::string& community, pg::Deadline deadline);
  // The same for a booking: served from memory for up to kPolicyFreshness,
  // so a booking costs no extra database round trip for a setting that
  // changes a few times a year (an update is in force everywhere within
  // that time, at once on the replica that made it).
  absl::StatusOr<bv1::BookingPolicy> PolicyForBooking(const std::string& community, pg::Deadline deadline);
  static constexpr absl::Duration kPolicyFreshness = absl::Seconds(5);
  // Replaces `paths` of the policy (already checked) with `values`'.
  absl::StatusOr<bv1::BookingPolicy> UpdatePolicy(const std::string& community, const bv1::BookingPolicy& values,
                                                  const std::vector<std::string>& paths,
                                                  const std::string& expected_etag, const pg::WriteContext& ctx);

  // The effective cap of a region (own, inherited or default).
  absl::StatusOr<bv1::RegionCapacity> GetCapacity(const std::string& region, pg::Deadline deadline);
  absl::StatusOr<bv1::RegionCapacity> UpdateCapacity(const std::string& region, int max_concurrent_sessions,
                                                     const std::string& expected_etag, const pg::WriteContext& ctx);

  const PolicyDefaults& defaults() const { return defaults_; }

 private:
  bv1::BookingPolicy Defaults(const std::string& community) const;

  pg::Pool* pool_;
  PolicyDefaults defaults_;
  SessionStore* sessions_;
  std::mutex mu_;
  std::map<std::string, std::pair<bv1::BookingPolicy, absl::Time>> recent_;  // community → (policy, read at)
};

}  // namespace gongtong::booking
