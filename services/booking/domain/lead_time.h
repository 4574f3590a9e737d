#pragma once
// R-SYNC-4 lead time ("提前一周通报") on local dates, and the conversion of
// local (Asia/Shanghai) civil times to instants. China has had no daylight
// saving since 1991: the zone is a fixed UTC+8 here, so nothing depends on
// the machine's tz database.

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace gongtong::booking {

// The fixed UTC+8 zone used for every local date and time.
absl::TimeZone ShanghaiZone();

// date - today, in days (negative when `date` is past).
int LeadDays(absl::CivilDay today, absl::CivilDay date);
// True when LeadDays(today, date) < min_lead_days: receiving schools must
// confirm (PENDING_CONFIRMATION). Exactly min_lead_days ahead is not short.
bool IsShortNotice(absl::CivilDay today, absl::CivilDay date, int min_lead_days);
// The local date at instant `now`.
absl::CivilDay LocalToday(absl::Time now);
// The instant of local `minute_of_day` (0..1440) on `day`; 1440 is the next
// midnight.
absl::Time LocalToInstant(absl::CivilDay day, int minute_of_day);

}  // namespace gongtong::booking
