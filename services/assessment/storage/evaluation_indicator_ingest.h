#pragma once
// Indicators computed from events (R-SYNC-5): a synchronous session DELIVERED
// in the booking service counts once towards the sessions delivered of each
// pairing it served in its school year, however often the event is
// redelivered or republished under another event id: the count is keyed by
// session and subject in eval_indicator_events, in the consumer's
// transaction.
//
// Subjects counted per receiving class's pairing p ("communities/{c}/
// pairings/{id}"): p itself, "schools/{host}|p" and "schools/{receiver}|p";
// a school's yearly value is the mean over the pairings it has counts for
// (evaluation_store.cc).

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "gongtong/events/v1/booking_events.pb.h"

namespace gongtong::assessment {

// Counts `delivered` (event time `occurred_unix`); returns how many subjects
// were counted for the first time (0 for a repeat).
absl::StatusOr<int> IngestDeliveredSessionIndicators(pqxx::transaction_base& tx,
                                                     const gongtong::events::v1::SessionDelivered& delivered,
                                                     int64_t occurred_unix);

}  // namespace gongtong::assessment
