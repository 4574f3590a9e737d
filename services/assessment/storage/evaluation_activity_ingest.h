#pragma once
// The R-ACT-1 indicator JOINT_ACTIVITIES_HELD from the scheduling service's
// events (stream "gongtong:scheduling:events"), inside the consumer's
// transaction, on the ledger the sessions-delivered indicator uses
// (storage/evaluation_indicator_ingest.h: eval_indicator_events +
// eval_indicator_counts):
//   ActivityHeld       → the activity counts once towards its community's
//                        term when domain/evaluation_activity_rules.h says it
//                        is a concentrated activity (count key: the activity
//                        name, so a republication under another event id
//                        counts nothing)
//   ActivityDeleted    → what the activity counted is taken back, and a fence
//                        "activities/{id}#fence" (metric 0, never a count)
//                        records when: no ActivityHeld older than the fence
//                        counts again, so Held → Deleted → a replay of both
//                        ends at 0
//   ActivityScheduled  → for a deleted activity (UndeleteActivity: PLANNED
//                        again) moves the fence to its time, so a later
//                        MarkActivityHeld counts and the old one does not
// Every event is applied in the order of its occurred_at: a Deleted older
// than the count it would take back (a replay after an undelete and a new
// Held) changes nothing. ActivityCancelled, ActivityChanged and
// AttendanceRecorded change nothing: the API cancels and changes only
// PLANNED activities, so none of them concerns a counted (HELD) one. Other
// events are ignored; a payload that does not parse is INVALID_ARGUMENT (the
// consumer retries, then dead-letters it).

#include <pqxx/pqxx>

#include "absl/status/status.h"
#include "gongtong/events/v1/envelope.pb.h"

namespace gongtong::assessment {

absl::Status ApplyActivityEvent(pqxx::transaction_base& tx, const gongtong::events::v1::EventEnvelope& e);

}  // namespace gongtong::assessment
