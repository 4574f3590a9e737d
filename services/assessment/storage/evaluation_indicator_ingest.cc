#include "assessment/storage/evaluation_indicator_ingest.h"

#include <set>

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
  const int metric = gongtong::assessment::v1::COMPUTED_METRIC_SYNC_SESSIONS_DELIVERED;
  for (const auto& subject : subjects) {
    auto inserted = tx.exec_params(
        "INSERT INTO eval_indicator_events (event_id, metric, subject, school_year, term, occurred_at) VALUES ($1, "
        "$2, $3, $4, 0, to_timestamp($5)) ON CONFLICT (event_id) DO NOTHING",
        s.name() + "#" + subject, metric, subject, year, occurred_unix);
    if (inserted.affected_rows() == 0) continue;  // this session already counted here
    tx.exec_params(
        "INSERT INTO eval_indicator_counts (metric, subject, school_year, term, event_count, last_event_at) VALUES "
        "($1, $2, $3, 0, 1, to_timestamp($4)) ON CONFLICT (metric, subject, school_year, term) DO UPDATE SET "
        "event_count = eval_indicator_counts.event_count + 1, last_event_at = greatest("
        "eval_indicator_counts.last_event_at, EXCLUDED.last_event_at)",
        metric, subject, year, occurred_unix);
    ++counted;
  }
  return counted;
}

}  // namespace gongtong::assessment
