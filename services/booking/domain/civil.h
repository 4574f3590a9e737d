#pragma once
// Conversions between the API's google.type values and the civil types the
// booking rules use (absl::CivilDay, minutes since midnight, absl::Weekday).
// Pure.

#include <optional>
#include <string>

#include "absl/time/civil_time.h"
#include "google/type/date.pb.h"
#include "google/type/dayofweek.pb.h"
#include "google/type/timeofday.pb.h"

namespace gongtong::booking {

// True when `d` is a full date (year 1..9999, a real month and day).
bool IsFullDate(const google::type::Date& d);
// The civil day of a full date (callers check IsFullDate first).
absl::CivilDay ToCivilDay(const google::type::Date& d);
google::type::Date ToProtoDate(absl::CivilDay day);
// "2026-11-23".
std::string FormatDay(absl::CivilDay day);

// Minutes since midnight of a time of day with minute precision (hours 0..23,
// minutes 0..59, seconds and nanos 0), else nullopt.
std::optional<int> MinuteOfDay(const google::type::TimeOfDay& t);
google::type::TimeOfDay ToTimeOfDay(int minute_of_day);
// "08:05".
std::string FormatMinute(int minute_of_day);

// MONDAY..SUNDAY ↔ absl::Weekday; nullopt for DAY_OF_WEEK_UNSPECIFIED or an
// unknown value.
std::optional<absl::Weekday> ToWeekday(google::type::DayOfWeek d);
google::type::DayOfWeek ToDayOfWeek(absl::Weekday w);

}  // namespace gongtong::booking
