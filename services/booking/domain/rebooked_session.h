#pragma once
// What a live session becomes when it is re-booked (UpdateSession,
// ModifySeries): the freshly resolved session with the stored one's
// identity (name, series, audit, sequence — the store raises it), a HELD
// session stays HELD with its hold time, and receivers that had confirmed
// keep their answer only when the time did not change; a short-notice
// session is then CONFIRMED when every remaining receiver has confirmed.
// Pure.

#include "gongtong/booking/v1/session.pb.h"

namespace gongtong::booking {

v1::Session RebookedSession(const v1::Session& stored, const v1::Session& resolved);

}  // namespace gongtong::booking
