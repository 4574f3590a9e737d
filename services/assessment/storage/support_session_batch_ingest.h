#pragma once
// Delivered synchronous sessions as support-teaching records (R-SUP-3), a
// whole consumer batch at once: the same records, term voids and outbox
// events as IngestDeliveredSession (support_session_ingest.h) called for each
// session in order, with a few statements for the batch (one to find the
// assignments, one per distinct rules region and year, one to lock the term
// summaries, one insert) instead of about six per session. Exactly once as
// there: a record is unique per assignment and source_ref, a session already
// recorded (before or earlier in the batch) adds nothing.

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gongtong/events/v1/booking_events.pb.h"

namespace gongtong::assessment {

struct DeliveredSession {
  gongtong::events::v1::SessionDelivered event;
  std::string correlation_id;
};

// Records `sessions` inside `tx`, in order; returns the number of records
// created. An error (not a FAILED_PRECONDITION of one assignment, which only
// skips it, as in IngestDeliveredSession) fails the whole batch, with nothing
// written once the caller rolls back.
absl::StatusOr<int> IngestDeliveredSessions(pqxx::transaction_base& tx, const std::vector<DeliveredSession>& sessions);

}  // namespace gongtong::assessment
