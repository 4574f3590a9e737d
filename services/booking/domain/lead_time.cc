#include "booking/domain/lead_time.h"

namespace gongtong::booking {

absl::TimeZone ShanghaiZone() {
  static const absl::TimeZone zone = absl::FixedTimeZone(8 * 60 * 60);
  return zone;
}

int LeadDays(absl::CivilDay today, absl::CivilDay date) { return static_cast<int>(date - today); }

bool IsShortNotice(absl::CivilDay today, absl::CivilDay date, int min_lead_days) {
  return LeadDays(today, date) < min_lead_days;
}

absl::CivilDay LocalToday(absl::Time now) { return absl::ToCivilDay(now, ShanghaiZone()); }

absl::Time LocalToInstant(absl::CivilDay day, int minute_of_day) {
  return absl::FromCivil(absl::CivilMinute(day) + minute_of_day, ShanghaiZone());
}

}  // namespace gongtong::booking
