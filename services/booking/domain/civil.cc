#include "booking/domain/civil.h"

#include "absl/strings/str_format.h"
#include "registry/domain/calendar_rules.h"

namespace gongtong::booking {

bool IsFullDate(const google::type::Date& d) { return registry::IsFullDate(d); }

absl::CivilDay ToCivilDay(const google::type::Date& d) { return absl::CivilDay(d.year(), d.month(), d.day()); }

google::type::Date ToProtoDate(absl::CivilDay day) {
  google::type::Date d;
  d.set_year(static_cast<int>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

std::string FormatDay(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", static_cast<int>(day.year()), day.month(), day.day());
}

std::optional<int> MinuteOfDay(const google::type::TimeOfDay& t) {
  if (t.hours() < 0 || t.hours() > 23 || t.minutes() < 0 || t.minutes() > 59 || t.seconds() != 0 || t.nanos() != 0) {
    return std::nullopt;
  }
  return t.hours() * 60 + t.minutes();
}

google::type::TimeOfDay ToTimeOfDay(int minute_of_day) {
  google::type::TimeOfDay t;
  t.set_hours(minute_of_day / 60);
  t.set_minutes(minute_of_day % 60);
  return t;
}

std::string FormatMinute(int minute_of_day) {
  return absl::StrFormat("%02d:%02d", minute_of_day / 60, minute_of_day % 60);
}

std::optional<absl::Weekday> ToWeekday(google::type::DayOfWeek d) {
  switch (d) {
    case google::type::MONDAY: return absl::Weekday::monday;
    case google::type::TUESDAY: return absl::Weekday::tuesday;
    case google::type::WEDNESDAY: return absl::Weekday::wednesday;
    case google::type::THURSDAY: return absl::Weekday::thursday;
    case google::type::FRIDAY: return absl::Weekday::friday;
    case google::type::SATURDAY: return absl::Weekday::saturday;
    case google::type::SUNDAY: return absl::Weekday::sunday;
    default: return std::nullopt;
  }
}

google::type::DayOfWeek ToDayOfWeek(absl::Weekday w) {
  switch (w) {
    case absl::Weekday::monday: return google::type::MONDAY;
    case absl::Weekday::tuesday: return google::type::TUESDAY;
    case absl::Weekday::wednesday: return google::type::WEDNESDAY;
    case absl::Weekday::thursday: return google::type::THURSDAY;
    case absl::Weekday::friday: return google::type::FRIDAY;
    case absl::Weekday::saturday: return google::type::SATURDAY;
    case absl::Weekday::sunday: return google::type::SUNDAY;
  }
  return google::type::DAY_OF_WEEK_UNSPECIFIED;
}

}  // namespace gongtong::booking
