#include "booking/domain/series_dates.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "booking/domain/civil.h"
#include "common/status/error.h"

namespace gongtong::booking {
namespace {

constexpr int kMaxSeriesDays = 200;
constexpr int kMaxWeekdays = 5;
constexpr int kMaxIntervalWeeks = 4;

// The Monday starting the week of `d`.
absl::CivilDay MondayOf(absl::CivilDay d) {
  return absl::PrevWeekday(d + 1, absl::Weekday::monday);
}

bool Contains(const std::vector<absl::Weekday>& weekdays, absl::Weekday w) {
  return std::find(weekdays.begin(), weekdays.end(), w) != weekdays.end();
}

DayInfo InfoOn(const SchoolDays& days, absl::CivilDay d) {
  auto it = days.find(d);
  if (it != days.end()) return it->second;
  DayInfo none;
  none.kind = v1reg::SCHOOL_DAY_KIND_NO_CALENDAR;
  none.timetable_weekday = absl::GetWeekday(d);
  return none;
}

bool HasLessons(v1reg::SchoolDayKind kind) {
  return kind == v1reg::SCHOOL_DAY_KIND_SCHOOL_DAY || kind == v1reg::SCHOOL_DAY_KIND_MAKEUP_SCHOOL_DAY;
}

// Marks `c` as blocked by `school` when `info` has no lessons; true if so.
bool Blocks(const std::string& school, const DayInfo& info, Candidate* c) {
  if (HasLessons(info.kind)) return false;
  c->kind = CandidateKind::kHoliday;
  c->blocking_school = school;
  c->blocking_kind = info.kind;
  c->why = info.holiday_name.empty() ? DayKindZh(info.kind) : info.holiday_name;
  return true;
}

}  // namespace

std::string DayKindZh(v1reg::SchoolDayKind kind) {
  switch (kind) {
    case v1reg::SCHOOL_DAY_KIND_SCHOOL_DAY: return "上课日";
    case v1reg::SCHOOL_DAY_KIND_WEEKEND: return "周末";
    case v1reg::SCHOOL_DAY_KIND_HOLIDAY: return "节假日";
    case v1reg::SCHOOL_DAY_KIND_MAKEUP_SCHOOL_DAY: return "补课日";
    case v1reg::SCHOOL_DAY_KIND_VACATION: return "假期";
    case v1reg::SCHOOL_DAY_KIND_NO_CALENDAR: return "无校历";
    default: return "非上课日";
  }
}

std::vector<Candidate> ExpandSeries(const SeriesSpec& spec, const std::string& host_school,
                                    const std::map<std::string, SchoolDays>& days) {
  static const SchoolDays kNoDays;
  const auto host_it = days.find(host_school);
  const SchoolDays& host_days = host_it == days.end() ? kNoDays : host_it->second;
  const int interval = std::max(1, spec.interval_weeks);
  const absl::CivilDay first_monday = MondayOf(spec.first);

  std::vector<Candidate> out;
  for (absl::CivilDay d = spec.first; d <= spec.last; ++d) {
    const int week = static_cast<int>((MondayOf(d) - first_monday) / 7);
    if (week % interval != 0) continue;
    const DayInfo host = InfoOn(host_days, d);
    Candidate c;
    c.date = d;
    if (host.kind == v1reg::SCHOOL_DAY_KIND_MAKEUP_SCHOOL_DAY) {
      if (!spec.follow_makeup_days || !Contains(spec.weekdays, host.timetable_weekday)) continue;
      c.timetable_weekday = host.timetable_weekday;
    } else {
      if (!Contains(spec.weekdays, absl::GetWeekday(d))) continue;
      c.timetable_weekday = absl::GetWeekday(d);
    }
    if (!Blocks(host_school, host, &c)) {
      for (const auto& [school, school_days] : days) {
        if (school != host_school && Blocks(school, InfoOn(school_days, d), &c)) break;
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

absl::Status ValidateSeriesShape(const v1::SessionSeries& series) {
  const int n = series.weekdays_size();
  if (n < 1 || n > kMaxWeekdays) {
    return InvalidField("series.weekdays", "give 1 to 5 weekdays", "请选择1至5个星期几");
  }
  std::set<int> seen;
  for (int i = 0; i < n; ++i) {
    const std::string field = absl::StrCat("series.weekdays[", i, "]");
    const auto day = static_cast<google::type::DayOfWeek>(series.weekdays(i));
    if (!ToWeekday(day).has_value()) {
      return InvalidField(field, "must be MONDAY..SUNDAY", "星期几必须是星期一至星期日之一");
    }
    if (!seen.insert(series.weekdays(i)).second) {
      return InvalidField(field, "weekday given twice", "星期几不能重复");
    }
  }
  if (series.interval_weeks() < 0 || series.interval_weeks() > kMaxIntervalWeeks) {
    return InvalidField("series.interval_weeks", "must be 1..4 (0 means 1)", "间隔周数必须是1至4");
  }
  const auto& dates = series.dates();
  if (!IsFullDate(dates.start_date())) {
    return InvalidField("series.dates.start_date", "a full date is required", "请填写完整的开始日期");
  }
  if (!IsFullDate(dates.end_date())) {
    return InvalidField("series.dates.end_date", "a full date is required", "请填写完整的结束日期");
  }
  const absl::CivilDay first = ToCivilDay(dates.start_date()), last = ToCivilDay(dates.end_date());
  if (last < first) {
    return InvalidField("series.dates", "end_date is before start_date", "结束日期不能早于开始日期");
  }
  if (last - first > kMaxSeriesDays) {
    return InvalidField("series.dates", "at most 200 days apart", "系列课程的起止日期最多相隔200天");
  }
  return absl::OkStatus();
}

SeriesSpec SpecOf(const v1::SessionSeries& series) {
  SeriesSpec spec;
  for (int d : series.weekdays()) {
    if (auto w = ToWeekday(static_cast<google::type::DayOfWeek>(d))) spec.weekdays.push_back(*w);
  }
  spec.interval_weeks = std::max(1, series.interval_weeks());
  spec.first = ToCivilDay(series.dates().start_date());
  spec.last = ToCivilDay(series.dates().end_date());
  spec.follow_makeup_days = series.follow_makeup_days();
  return spec;
}

}  // namespace gongtong::booking
