#include "assessment/storage/evaluation_activity_ingest.h"

#include <string>

#include "assessment/domain/evaluation_activity_rules.h"
#include "assessment/storage/evaluation_indicator_ingest.h"
#include "common/status/error.h"
#include "gongtong/events/v1/scheduling_events.pb.h"

namespace gongtong::assessment {
namespace {

namespace ev1 = gongtong::events::v1;

// When the event was committed, Unix seconds with fractions.
double InstantOf(const ev1::EventEnvelope& e) {
  return static_cast<double>(e.occurred_at().seconds()) + e.occurred_at().nanos() / 1e9;
}

std::string FenceKey(const std::string& activity) { return activity + "#fence"; }

// True when the activity's fence is at or after `at`: the event is older
// than its deletion (or undeletion) and changes nothing.
bool FencedOff(pqxx::transaction_base& tx, const std::string& activity, double at) {
  return !tx.exec_params("SELECT 1 FROM eval_indicator_events WHERE event_id = $1 AND occurred_at >= to_timestamp($2)",
                         FenceKey(activity), at)
              .empty();
}

// Moves the fence forward to `at` (inserting it when `create`); `why` is the
// event kind that set it, kept for reading.
void MoveFence(pqxx::transaction_base& tx, const std::string& activity, const char* why, double at, bool create) {
  const std::string sql =
      create ? "INSERT INTO eval_indicator_events (event_id, metric, subject, school_year, term, occurred_at) VALUES "
               "($1, 0, $2, 0, 0, to_timestamp($3)) ON CONFLICT (event_id) DO UPDATE SET subject = EXCLUDED.subject, "
               "occurred_at = EXCLUDED.occurred_at WHERE eval_indicator_events.occurred_at < EXCLUDED.occurred_at"
             : "UPDATE eval_indicator_events SET subject = $2, occurred_at = to_timestamp($3) WHERE event_id = $1 AND "
               "occurred_at < to_timestamp($3)";
  tx.exec_params(sql, FenceKey(activity), why, at);
}

template <typename Payload>
absl::StatusOr<Payload> Unpack(const ev1::EventEnvelope& e) {
  Payload p;
  if (!e.payload().UnpackTo(&p)) {
    return absl::InvalidArgumentError(e.event_type() + " payload does not parse");
  }
  return p;
}

absl::Status Held(pqxx::transaction_base& tx, const ev1::ActivityHeld& held, double at) {
  const auto& a = held.activity();
  if (a.name().empty()) return absl::InvalidArgumentError("ActivityHeld without an activity name");
  const ActivityCount count = JointActivityCountOf(a);
  if (count.verdict != ActivityVerdict::kCounts || FencedOff(tx, a.name(), at)) return absl::OkStatus();
  return CountIndicatorEvent(tx, a.name(), count.key, at).status();
}

absl::Status Deleted(pqxx::transaction_base& tx, const std::string& activity, double at) {
  if (activity.empty()) return absl::InvalidArgumentError("ActivityDeleted without an activity name");
  if (FencedOff(tx, activity, at)) return absl::OkStatus();
  const bool counted_later =
      !tx.exec_params("SELECT 1 FROM eval_indicator_events WHERE event_id = $1 AND occurred_at > to_timestamp($2)",
                      activity, at)
           .empty();
  if (counted_later) return absl::OkStatus();  // held again after an undelete
  GT_RETURN_IF_ERROR(UncountIndicatorEvent(tx, activity).status());
  MoveFence(tx, activity, "deleted", at, /*create=*/true);
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyActivityEvent(pqxx::transaction_base& tx, const ev1::EventEnvelope& e) {
  const std::string& type = e.event_type();
  const double at = InstantOf(e);
  if (type == ev1::ActivityHeld::descriptor()->full_name()) {
    GT_ASSIGN_OR_RETURN(auto held, Unpack<ev1::ActivityHeld>(e));
    return Held(tx, held, at);
  }
  if (type == ev1::ActivityDeleted::descriptor()->full_name()) {
    GT_ASSIGN_OR_RETURN(auto deleted, Unpack<ev1::ActivityDeleted>(e));
    return Deleted(tx, deleted.name(), at);
  }
  if (type == ev1::ActivityScheduled::descriptor()->full_name()) {
    GT_ASSIGN_OR_RETURN(auto scheduled, Unpack<ev1::ActivityScheduled>(e));
    if (!scheduled.activity().name().empty()) {
      MoveFence(tx, scheduled.activity().name(), "undeleted", at, /*create=*/false);
    }
    return absl::OkStatus();
  }
  return absl::OkStatus();
}

}  // namespace gongtong::assessment
