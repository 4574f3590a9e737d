#pragma once
// Delivered synchronous sessions as support-teaching records (R-SUP-3): a
// session DELIVERED in the booking service, hosted by a teacher whose live
// assignment covers its date and lists one of its receiving schools, is one
// TAUGHT lesson of that assignment (source BOOKING_SESSION, source_ref the
// session). Recorded once per assignment and session, however often the event
// is redelivered: the record is unique per source_ref, and the consumer's
// processed_events row de-duplicates the event itself.

#include <pqxx/pqxx>
#include <string>

#include "absl/status/statusor.h"
#include "gongtong/events/v1/booking_events.pb.h"

namespace gongtong::assessment {

// Records `event` inside `tx`; returns the number of records created (0 when
// no assignment matches, the session was recorded already, or the term is
// locked — those are not errors: the event is consumed).
absl::StatusOr<int> IngestDeliveredSession(pqxx::transaction_base& tx,
                                           const gongtong::events::v1::SessionDelivered& event,
                                           const std::string& correlation_id);

}  // namespace gongtong::assessment
