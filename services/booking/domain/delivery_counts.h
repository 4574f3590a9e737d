#pragma once
// R-SYNC-5: the yearly count of delivered sessions per pairing (target ≥ 100
// a school year), as ListPairingDeliveryCounts reports it. Pure: which bucket
// a session falls in, and the tally of one pairing's sessions. The storage
// layer's SQL must count the same way (a session counts once per pairing
// however many of the member school's classes received it).

#include "absl/time/civil_time.h"
#include "gongtong/booking/v1/booking_requests.pb.h"
#include "gongtong/booking/v1/session.pb.h"

namespace gongtong::booking {

// "each school year ≥ 100 quality lessons sent to the two schools" (Xianju).
inline constexpr int kYearlyDeliveredTarget = 100;

enum class CountBucket {
  kNone,          // HELD, a hold expiry, a live session whose window has started but is not marked
  kDelivered,     // DELIVERED
  kNotDelivered,  // NOT_DELIVERED
  kCancelled,     // CANCELLED after being booked (CANCELLATION_REASON_HOLD_EXPIRED excluded)
  kUpcoming,      // PENDING_CONFIRMATION or CONFIRMED with the window still ahead
};

// The bucket of a session in `state`; `reason` matters for CANCELLED only,
// `window_ahead` (the window starts after now) for live states only.
CountBucket BucketOf(v1::SessionState state, v1::CancellationReason reason, bool window_ahead);

// Adds one session of `subject` in `bucket` to `count` (delivered sessions
// also to its subject's entry in subject_counts, created on first use).
void Tally(CountBucket bucket, const common::v1::Subject& subject, v1::PairingDeliveryCount* count);

// True when the pairing met the yearly target (R-SYNC-5).
bool MeetsTarget(const v1::PairingDeliveryCount& count);

// The school year (学年) of a date when no calendar says otherwise: years
// start on 1 September, so 2025-03-02 is in 2024学年. Prefer Session.term's
// school_year, which comes from the host region's calendar.
int SchoolYearOf(absl::CivilDay date);

}  // namespace gongtong::booking
