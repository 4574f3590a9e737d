#include "assessment/storage/evaluation_indicator_ingest.h"

#include <set>

#include "common/status/error.h"
#include "gongtong/assessment/v1/scheme.pb.h"

namespace gongtong::assessment {
namespace {

// The school year of a session: its term's, else from its date (Aug–Dec
// start a school year).
int SchoolYearOf(const gongtong::booking::v1::Session& s) {
  if (s.term().school_year() > 0) return s.term().school_year();
  const auto& d = s.window().date();
  return d.month() >= 8 ? d.year() : d.year() - 1;
}

}  // namespace

absl::StatusOr<bool> CountIndicatorEvent(pqxx::transaction_base& tx, const std::string& count_key,
                                         const IndicatorKey& key, double occurred_unix) {
  const int metric = key.metric;
  const int term = key.term;
  auto inserted = tx.exec_params(
      "INSERT INTO eval_indicator_events (event_id, metric, subject, school_year, term, occurred_at) VALUES ($1, "
      "$2, $3, $4, $5, to_timestamp($6)) ON CONFLICT (event_id) DO NOTHING",
      count_key, metric, key.subject, key.school_year, term, occurred_unix);
  if (inserted.affected_rows() == 0) return false;
  tx.exec_params(
      "INSERT INTO eval_indicator_counts (metric, subject, school_year, term, event_count, last_event_at) VALUES "
      "($1, $2, $3, $4, 1, to_timestamp($5)) ON CONFLICT (metric, subject, school_year, term) DO UPDATE SET "
      "event_count = eval_indicator_counts.event_count + 1, last_event_at = greatest("
      "eval_indicator_counts.last_event_at, EXCLUDED.last_event_at)",
      metric, key.subject, key.school_year, term, occurred_unix);
  return true;
}

absl::StatusOr<bool> UncountIndicatorEvent(pqxx::transaction_base& tx, const std::string& count_key) {
  auto removed = tx.exec_params(
      "WITH gone AS (DELETE FROM eval_indicator_events WHERE event_id = $1 RETURNING metric, subject, "
      "school_year, term) UPDATE eval_indicator_counts c SET event_count = c.event_count - 1, last_event_at = "
      "coalesce((SELECT max(e.occurred_at) FROM eval_indicator_events e WHERE e.metric = c.metric AND e.subject = "
      "c.subject AND e.school_year = c.school_year AND e.term = c.term AND e.event_id <> $1), c.last_event_at) "
      "FROM gone g WHERE c.metric = g.metric AND c.subject = g.subject AND c.school_year = g.school_year AND "
      "c.term = g.term",
      count_key);
  return removed.affected_rows() > 0;
}

absl::StatusOr<int> IngestDeliveredSessionIndicators(pqxx::transaction_base& tx,
                                                     const gongtong::events::v1::SessionDelivered& delivered,
                                                     int64_t occurred_unix) {
  const auto& s = delivered.session();
  if (s.name().empty()) return absl::InvalidArgumentError("SessionDelivered without a session name");
  const int year = SchoolYearOf(s);
  std::set<std::string> subjects;
  for (const auto& r : s.receivers()) {
    if (r.pairing().empty()) continue;
    subjects.insert(r.pairing());
    if (!s.host().school().empty()) subjects.insert(s.host().school() + "|" + r.pairing());
    if (!r.school().empty()) subjects.insert(r.school() + "|" + r.pairing());
  }
  int counted = 0;
  IndicatorKey key;
  key.metric = gongtong::assessment::v1::COMPUTED_METRIC_SYNC_SESSIONS_DELIVERED;
  key.school_year = year;
  for (const auto& subject : subjects) {
    key.subject = subject;
    GT_ASSIGN_OR_RETURN(bool first,
                        CountIndicatorEvent(tx, s.name() + "#" + subject, key, static_cast<double>(occurred_unix)));
    if (first) ++counted;  // else this session already counted here
  }
  return counted;
}

}  // namespace gongtong::assessment
