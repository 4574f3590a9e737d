#pragma once
// Recurring series: the candidate dates of a SessionSeries, weekly (every
// interval_weeks weeks) across a date range, skipping holidays and following
// make-up days (补课). Pure: the registry's resolved days (SchoolDay, see
// registry calendar.proto) come in as SchoolDays maps.

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "gongtong/booking/v1/series.pb.h"
#include "gongtong/registry/v1/calendar.pb.h"

namespace gongtong::booking {

namespace v1reg = ::gongtong::registry::v1;

// What a date is for one school (registry SchoolDay).
struct DayInfo {
  v1reg::SchoolDayKind kind = v1reg::SCHOOL_DAY_KIND_UNSPECIFIED;
  // For MAKEUP_SCHOOL_DAY: the weekday whose timetable applies.
  absl::Weekday timetable_weekday = absl::Weekday::monday;
  std::string holiday_name;
};
// One school's days; a date missing from the map counts as NO_CALENDAR.
using SchoolDays = std::map<absl::CivilDay, DayInfo>;

struct SeriesSpec {
  std::vector<absl::Weekday> weekdays;
  int interval_weeks = 1;  // 1..4; values below 1 count as 1
  absl::CivilDay first, last;  // inclusive
  bool follow_makeup_days = true;
};

enum class CandidateKind {
  kBookable,  // a school day for every school
  kHoliday,   // → OCCURRENCE_OUTCOME_SKIPPED_HOLIDAY
};

struct Candidate {
  absl::CivilDay date;
  CandidateKind kind = CandidateKind::kBookable;
  std::string blocking_school;  // kHoliday: the first school ("schools/{code}") without lessons
  std::string why;              // kHoliday: zh-CN, the holiday's name or the kind ("周末", "假期"...)
  v1reg::SchoolDayKind blocking_kind = v1reg::SCHOOL_DAY_KIND_UNSPECIFIED;  // kHoliday: that school's kind
  absl::Weekday timetable_weekday = absl::Weekday::monday;  // the host's timetable weekday of the date
};

// Candidate dates in date order. A date is a candidate when, for the HOST
// school, it is a regular day (any kind but MAKEUP_SCHOOL_DAY: school day,
// weekend, holiday, vacation, no calendar alike — non-school days are reported
// as skipped) whose weekday is in spec.weekdays, or (only with
// follow_makeup_days) a make-up day whose timetable_weekday is in weekdays.
// interval_weeks counts Monday-based weeks from spec.first's week: a date is
// kept when its week's distance from that week is a multiple of it. A
// candidate is kBookable when it is a SCHOOL_DAY or MAKEUP_SCHOOL_DAY for every
// school in `days` (host and receivers, keyed by "schools/{code}"; the host
// checked first, then the others in key order), else kHoliday naming the
// first blocking school and why.
std::vector<Candidate> ExpandSeries(const SeriesSpec& spec, const std::string& host_school,
                                    const std::map<std::string, SchoolDays>& days);

// Validation of a SessionSeries request's own fields (INVALID_ARGUMENT):
// weekdays 1..5 distinct MONDAY..SUNDAY ("series.weekdays[i]" or
// "series.weekdays"), interval_weeks 0..4 (0 means 1; "series.interval_weeks"),
// dates both full dates ("series.dates.start_date", "series.dates.end_date"),
// end >= start and at most 200 days apart ("series.dates").
absl::Status ValidateSeriesShape(const v1::SessionSeries& series);

// The spec of a series that passed ValidateSeriesShape.
SeriesSpec SpecOf(const v1::SessionSeries& series);

// zh-CN label of a day kind ("节假日", "假期", "周末", "无校历"...).
std::string DayKindZh(v1reg::SchoolDayKind kind);

}  // namespace gongtong::booking
