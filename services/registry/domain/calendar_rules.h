#pragma once
// Rules for school calendars (校历) and bell schedules (作息时间) (DOMAIN §1,
// §3 R-SYNC-3; issue 3). Pure functions, no I/O. Everything is civil time in
// Asia/Shanghai: local dates and local times of day, no zone arithmetic.
//
// Bell schedule: periods of one weekday must not overlap (touching periods,
// end == next start, are fine: windows are half-open); a school's live
// schedules must never both apply on one date (season range × effective
// range). Calendar: one autumn and one spring term, autumn first; holidays
// and adjusted days (调休) inside the school year; a make-up school day (补课)
// is a weekend date following a Monday–Friday timetable. ResolveDay says what
// a date is for a school — what booking uses for R-SYNC-3.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gongtong/registry/v1/calendar.pb.h"
#include "registry/domain/school_rules.h"

namespace gongtong::registry {

using gongtong::registry::v1::BellSchedule;
using gongtong::registry::v1::SchoolCalendar;
using gongtong::registry::v1::SchoolDay;

// ---- civil dates ----------------------------------------------------------

struct CivilDate {
  int year = 0, month = 0, day = 0;
  friend bool operator==(const CivilDate& a, const CivilDate& b) {
    return a.year == b.year && a.month == b.month && a.day == b.day;
  }
};

// Days since 1970-01-01 (proleptic Gregorian) and back.
int64_t DayNumber(const CivilDate& d);
CivilDate FromDayNumber(int64_t n);
// 1 = Monday … 7 = Sunday (google.type.DayOfWeek numbering).
int IsoWeekday(const CivilDate& d);
bool IsLeapYear(int year);
int DaysInMonth(int year, int month);
// True when `d` has a year 1..9999 and an existing month and day.
bool IsFullDate(const google::type::Date& d);
CivilDate ToCivil(const google::type::Date& d);
google::type::Date ToProtoDate(const CivilDate& d);
// "2026-10-01"; the inverse accepts exactly that form with a real date.
std::string FormatDate(const CivilDate& d);
std::optional<CivilDate> ParseIsoDate(std::string_view s);

// ---- validation -----------------------------------------------------------

// Every violation of a bell schedule's own fields; `prefix` is its request
// path, e.g. "bell_schedule". Overlapping periods of one weekday name the
// later-starting period: "<prefix>.periods[i].start_time".
std::vector<Violation> BellScheduleViolations(const BellSchedule& schedule, const std::string& prefix);

// Every violation of a calendar for school year `school_year`; `prefix` is
// its request path, e.g. "school_calendar".
std::vector<Violation> CalendarViolations(const SchoolCalendar& calendar, int school_year,
                                          const std::string& prefix);

// ---- bell schedules in force ----------------------------------------------

// True when `schedule` (its effective range and season) applies on `date`.
bool ScheduleAppliesOn(const BellSchedule& schedule, const CivilDate& date);
// True when some date exists on which both apply.
bool SchedulesOverlap(const BellSchedule& a, const BellSchedule& b);
// FAILED_PRECONDITION (reason BELL_SCHEDULE_SEASON_CONFLICT, field `field`,
// metadata conflicting_bell_schedule) when `candidate` overlaps one of
// `others` (entries with the candidate's name or a delete_time are skipped).
absl::Status ScheduleConflict(const BellSchedule& candidate, const std::vector<BellSchedule>& others,
                              const std::string& field);
// The periods of `schedule` on `weekday` (1..7), in time order.
std::vector<gongtong::registry::v1::Period> PeriodsOn(const BellSchedule& schedule, int weekday);

// ---- school days ----------------------------------------------------------

// The region codes whose calendars may apply to a school in `region`, most
// specific first: county, prefecture, province ("331024", "331000", "330000";
// duplicates removed for a prefecture- or province-level region).
std::vector<std::string> CalendarRegionsFor(const std::string& region);

// The school year `date` belongs to: the year it is in when on or after that
// year's autumn term start (or 1 September when that year has no calendar),
// else the year before.
int SchoolYearOf(const CivilDate& date, const SchoolCalendar* calendar_of_that_year);

struct ResolvedDay {
  gongtong::registry::v1::SchoolDayKind kind = gongtong::registry::v1::SCHOOL_DAY_KIND_NO_CALENDAR;
  int timetable_weekday = 0;  // 1..7; 0 when no lessons
  gongtong::common::v1::TermKind term = gongtong::common::v1::TERM_KIND_UNSPECIFIED;  // unset outside terms
  std::string holiday_name;
};

// What `date` is under `calendar` (nullptr: NO_CALENDAR).
ResolvedDay ResolveDay(const SchoolCalendar* calendar, const CivilDate& date);

// The computed days of school `school_code` (in `region`) from `first` to
// `last` inclusive. `calendars`: live calendars of CalendarRegionsFor(region)
// for the school years concerned (the most specific region wins per year, as
// a whole); `schedules`: the school's live bell schedules.
std::vector<SchoolDay> ResolveSchoolDays(const std::string& school_code, const std::string& region,
                                         const CivilDate& first, const CivilDate& last,
                                         const std::vector<SchoolCalendar>& calendars,
                                         const std::vector<BellSchedule>& schedules);

// ---- names ----------------------------------------------------------------

// "regions/{region}/calendars/{year}".
std::string CalendarName(std::string_view region, int school_year);
struct CalendarKey {
  std::string region_code;
  int school_year = 0;
};
absl::StatusOr<CalendarKey> ParseCalendarName(std::string_view name, const std::string& field);
// "regions/{region}" → region; "regions/-" → "" (all regions).
absl::StatusOr<std::string> ParseRegionParent(std::string_view parent, const std::string& field);

// "schools/{code}/bellSchedules/{id}".
std::string BellScheduleName(std::string_view school_code, std::string_view id);
struct BellScheduleKey {
  std::string school_code;
  std::string id;
};
absl::StatusOr<BellScheduleKey> ParseBellScheduleName(std::string_view name, const std::string& field);
// "schools/{code}" → code; "schools/-" → "" (all schools).
absl::StatusOr<std::string> ParseSchoolParent(std::string_view parent, const std::string& field);
// "" when `id` matches ^[a-z0-9][a-z0-9-]{0,39}$.
std::string BellScheduleIdProblem(std::string_view id);

}  // namespace gongtong::registry
