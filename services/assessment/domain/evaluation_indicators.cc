#include "assessment/domain/evaluation_indicators.h"

#include <algorithm>

namespace gongtong::assessment {

int64_t DefaultTarget(av1::ComputedMetric metric) {
  switch (metric) {
    case av1::COMPUTED_METRIC_SYNC_SESSIONS_DELIVERED: return kSyncSessionsTargetPerYear;
    case av1::COMPUTED_METRIC_JOINT_ACTIVITIES_HELD: return kJointActivitiesTargetPerTerm;
    default: return 0;
  }
}

av1::IndicatorValue IndicatorValueOf(const IndicatorKey& key, const Decimal& value,
                                     int64_t target, int64_t event_count,
                                     int64_t last_event_unix_seconds) {
  av1::IndicatorValue v;
  v.set_metric(key.metric);
  v.set_subject(key.subject);
  v.mutable_period()->set_school_year(key.school_year);
  v.mutable_period()->set_term(key.term);
  v.mutable_value()->set_value(value.ToString());
  if (target > 0) {
    v.mutable_target()->set_value(std::to_string(target));
    v.set_target_met(value >= Decimal::FromInt(target));
  }
  v.set_event_count(event_count);
  if (last_event_unix_seconds > 0) v.mutable_last_event_time()->set_seconds(last_event_unix_seconds);
  return v;
}

Decimal MeanOfPairings(const std::vector<int64_t>& per_pairing_counts) {
  if (per_pairing_counts.empty()) return Decimal();
  Decimal sum;
  for (int64_t c : per_pairing_counts) sum += Decimal::FromInt(c);
  return sum / Decimal::FromInt(static_cast<int64_t>(per_pairing_counts.size()));
}

bool IndicatorLedger::Count(std::string_view event_id, const IndicatorKey& key,
                            int64_t event_unix_seconds) {
  if (!seen_.emplace(event_id).second) return false;
  Tally& t = tallies_[key];
  ++t.count;
  t.last_event_unix_seconds = std::max(t.last_event_unix_seconds, event_unix_seconds);
  return true;
}

IndicatorLedger::Tally IndicatorLedger::Get(const IndicatorKey& key) const {
  const auto it = tallies_.find(key);
  return it == tallies_.end() ? Tally{} : it->second;
}

}  // namespace gongtong::assessment
