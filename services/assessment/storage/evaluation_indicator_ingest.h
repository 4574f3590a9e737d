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

#include <string>

#include "absl/status/statusor.h"
#include "assessment/domain/evaluation_indicators.h"
#include "gongtong/events/v1/booking_events.pb.h"

namespace gongtong::assessment {

// The ledger every computed indicator shares (eval_indicator_events +
// eval_indicator_counts): counts the fact `count_key` (a session and
// subject, an activity, …; at most one count each) towards `key` at
// `occurred_unix` (Unix seconds, fractions kept); false, changing nothing,
// when it is counted already.
absl::StatusOr<bool> CountIndicatorEvent(pqxx::transaction_base& tx, const std::string& count_key,
                                         const IndicatorKey& key, double occurred_unix);

// Takes back what `count_key` counted (the count goes down by one and its
// last event time is that of the remaining facts); false when it counted
// nothing. `count_key` may then be counted again.
absl::StatusOr<bool> UncountIndicatorEvent(pqxx::transaction_base& tx, const std::string& count_key);

// Counts `delivered` (event time `occurred_unix`); returns how many subjects
// were counted for the first time (0 for a repeat).
absl::StatusOr<int> IngestDeliveredSessionIndicators(pqxx::transaction_base& tx,
                                                     const gongtong::events::v1::SessionDelivered& delivered,
                                                     int64_t occurred_unix);

}  // namespace gongtong::assessment
