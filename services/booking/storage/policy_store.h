#pragma once
// PostgreSQL adapter for the two booking settings: a community's booking
// policy (R-SYNC-4 lead time, hold duration, short notice allowed) and a
// region's live-session cap (R-SYNC-7). Absent rows mean the defaults (a
// policy) or inheritance (a cap: see SessionStore::EffectiveCapacity).

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
};

}  // namespace gongtong::booking
