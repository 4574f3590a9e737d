#pragma once
// Indicators computed from events, not typed in (DOMAIN §3 R-SYNC-5, §5
// R-ACT-1; evaluation_input.proto IndicatorValue). Pure.
//
//   SYNC_SESSIONS_DELIVERED   per pairing per school year, target 100
//                             (R-SYNC-5); a school's value is the mean over
//                             its pairings (exact, e.g. 87.5).
//   JOINT_ACTIVITIES_HELD     per community per term, target 4 concentrated
//                             activities (R-ACT-1).
//
// IndicatorLedger counts events idempotently: an event id counted once is
// never counted again, so replaying the whole stream (twice, or from any
// point) gives the same totals as once.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "assessment/domain/decimal.h"
#include "gongtong/assessment/v1/evaluation_input.pb.h"

namespace gongtong::assessment {

namespace av1 = gongtong::assessment::v1;

inline constexpr int64_t kSyncSessionsTargetPerYear = 100;  // R-SYNC-5
inline constexpr int64_t kJointActivitiesTargetPerTerm = 4;  // R-ACT-1

// What a count is about: metric, subject ("communities/{c}/pairings/{p}",
// "communities/{c}", "schools/{code}"), school year and term (UNSPECIFIED for
// yearly metrics).
struct IndicatorKey {
  av1::ComputedMetric metric = av1::COMPUTED_METRIC_UNSPECIFIED;
  std::string subject;
  int school_year = 0;
  gongtong::common::v1::TermKind term = gongtong::common::v1::TERM_KIND_UNSPECIFIED;

  friend bool operator<(const IndicatorKey& a, const IndicatorKey& b) {
    return std::tie(a.metric, a.subject, a.school_year, a.term) <
           std::tie(b.metric, b.subject, b.school_year, b.term);
  }
};

// The default target of a metric (100 sessions a year, 4 activities a
// term); 0 for metrics without one.
int64_t DefaultTarget(av1::ComputedMetric metric);

// The figure as returned by the API: value, target, target_met (value ≥
// target), event count and last event time (Unix seconds, 0 = none).
av1::IndicatorValue IndicatorValueOf(const IndicatorKey& key, const Decimal& value,
                                     int64_t target, int64_t event_count,
                                     int64_t last_event_unix_seconds);

// A school's sync-session value: the mean of its pairings' counts (0 when it
// has no pairing).
Decimal MeanOfPairings(const std::vector<int64_t>& per_pairing_counts);

class IndicatorLedger {
 public:
  // Counts event `event_id` towards `key`; false, changing nothing, when the
  // event was counted before.
  bool Count(std::string_view event_id, const IndicatorKey& key, int64_t event_unix_seconds);

  struct Tally {
    int64_t count = 0;
    int64_t last_event_unix_seconds = 0;
  };
  // The tally of `key` (zero when no event counted).
  Tally Get(const IndicatorKey& key) const;
  const std::map<IndicatorKey, Tally>& tallies() const { return tallies_; }

 private:
  std::set<std::string> seen_;
  std::map<IndicatorKey, Tally> tallies_;
};

}  // namespace gongtong::assessment
