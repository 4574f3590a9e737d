#include "registry/domain/calendar_rules.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/error.h"
#include "common/strings.h"

namespace gongtong::registry {
namespace {

namespace v1 = gongtong::registry::v1;
using gongtong::common::v1::TermKind;
using google::type::TimeOfDay;

constexpr int64_t kOpenEnd = std::numeric_limits<int64_t>::max();

const char* kWeekdayZh[] = {"", "周一", "周二", "周三", "周四", "周五", "周六", "周日"};

std::string WeekdayName(int d) {
  return google::type::DayOfWeek_Name(static_cast<google::type::DayOfWeek>(d));
}

// Characters of a UTF-8 string (bytes that do not continue a sequence).
size_t Utf8Length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool ValidTime(const TimeOfDay& t) {
  return t.hours() >= 0 && t.hours() <= 23 && t.minutes() >= 0 && t.minutes() <= 59 && t.seconds() == 0 &&
         t.nanos() == 0;
}
int Minutes(const TimeOfDay& t) { return t.hours() * 60 + t.minutes(); }
std::string Hhmm(const TimeOfDay& t) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "%02d:%02d", t.hours(), t.minutes());
  return buf;
}

// A month-day with year 0 (the annual bounds of a season).
bool ValidAnnualDate(const google::type::Date& d) {
  return d.year() == 0 && d.month() >= 1 && d.month() <= 12 && d.day() >= 1 &&
         d.day() <= DaysInMonth(2000, d.month());  // 2000: a leap year, so 29 Feb is allowed
}

bool IsZeroDate(const google::type::Date& d) { return d.year() == 0 && d.month() == 0 && d.day() == 0; }

bool SeasonContains(const BellSchedule& s, const CivilDate& date) {
  if (s.season() == v1::BELL_SCHEDULE_SEASON_ALL_YEAR) return true;
  if (s.season() != v1::BELL_SCHEDULE_SEASON_SUMMER && s.season() != v1::BELL_SCHEDULE_SEASON_WINTER) return false;
  const int md = date.month * 100 + date.day;
  const int from = s.annual_start().month() * 100 + s.annual_start().day();
  const int to = s.annual_end().month() * 100 + s.annual_end().day();
  return from <= to ? (from <= md && md <= to) : (md >= from || md <= to);  // wraps the new year
}

// Effective range as day numbers; end kOpenEnd when open.
std::pair<int64_t, int64_t> EffectiveDays(const BellSchedule& s) {
  const auto& e = s.effective();
  const int64_t start = DayNumber(ToCivil(e.start_date()));
  const int64_t end = e.has_end_date() && !IsZeroDate(e.end_date()) ? DayNumber(ToCivil(e.end_date())) : kOpenEnd;
  return {start, end};
}

// Checks a required DateRange with both bounds; appends violations.
// Returns true when both bounds are full and ordered.
bool CheckClosedRange(const gongtong::common::v1::DateRange& r, const std::string& path,
                      std::vector<Violation>* v) {
  bool ok = true;
  if (!r.has_start_date() || !IsFullDate(r.start_date())) {
    v->push_back({path + ".start_date", "is required and must be a full date", "开始日期必填且须为完整日期"});
    ok = false;
  }
  if (!r.has_end_date() || !IsFullDate(r.end_date())) {
    v->push_back({path + ".end_date", "is required and must be a full date", "结束日期必填且须为完整日期"});
    ok = false;
  }
  if (ok && DayNumber(ToCivil(r.end_date())) < DayNumber(ToCivil(r.start_date()))) {
    v->push_back({path + ".end_date", "must not be before start_date", "结束日期不能早于开始日期"});
    ok = false;
  }
  return ok;
}

bool IsWeekend(int weekday) { return weekday == 6 || weekday == 7; }

}  // namespace

// ---- civil dates ----------------------------------------------------------

// H. Hinnant's days_from_civil / civil_from_days.
int64_t DayNumber(const CivilDate& d) {
  const int64_t y = d.year - (d.month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 + d.day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate FromDayNumber(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
  return {year, month, day};
}

int IsoWeekday(const CivilDate& d) {
  const int64_t n = DayNumber(d);  // 1970-01-01 was a Thursday (4)
  return static_cast<int>(((n % 7) + 7 + 3) % 7) + 1;
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

bool IsFullDate(const google::type::Date& d) {
  return d.year() >= 1 && d.year() <= 9999 && d.month() >= 1 && d.month() <= 12 && d.day() >= 1 &&
         d.day() <= DaysInMonth(d.year(), d.month());
}

CivilDate ToCivil(const google::type::Date& d) { return {d.year(), d.month(), d.day()}; }

google::type::Date ToProtoDate(const CivilDate& d) {
  google::type::Date out;
  out.set_year(d.year);
  out.set_month(d.month);
  out.set_day(d.day);
  return out;
}

std::string FormatDate(const CivilDate& d) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

std::optional<CivilDate> ParseIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y = 0, m = 0, d = 0;
  if (!absl::SimpleAtoi(Absl(s.substr(0, 4)), &y) || !absl::SimpleAtoi(Absl(s.substr(5, 2)), &m) ||
      !absl::SimpleAtoi(Absl(s.substr(8, 2)), &d)) {
    return std::nullopt;
  }
  google::type::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  if (!IsFullDate(date)) return std::nullopt;
  return CivilDate{y, m, d};
}

// ---- validation -----------------------------------------------------------

std::vector<Violation> BellScheduleViolations(const BellSchedule& s, const std::string& prefix) {
  std::vector<Violation> v;
  auto add = [&](const std::string& field, std::string description, std::string zh) {
    v.push_back({prefix + "." + field, std::move(description), std::move(zh)});
  };
  const size_t name_len = Utf8Length(s.display_name());
  if (name_len < 1 || name_len > 40) add("display_name", "must be 1 to 40 characters", "作息时间表名称须为1至40个字符");

  switch (s.season()) {
    case v1::BELL_SCHEDULE_SEASON_ALL_YEAR:
      if (s.has_annual_start()) add("annual_start", "must be unset for ALL_YEAR", "全年作息不应设置季节开始日期");
      if (s.has_annual_end()) add("annual_end", "must be unset for ALL_YEAR", "全年作息不应设置季节结束日期");
      break;
    case v1::BELL_SCHEDULE_SEASON_SUMMER:
    case v1::BELL_SCHEDULE_SEASON_WINTER:
      if (!s.has_annual_start() || !ValidAnnualDate(s.annual_start())) {
        add("annual_start", "is required for SUMMER/WINTER: a month and day with year 0",
            "夏季/冬季作息须设置季节开始日期（月、日，年份为0）");
      }
      if (!s.has_annual_end() || !ValidAnnualDate(s.annual_end())) {
        add("annual_end", "is required for SUMMER/WINTER: a month and day with year 0",
            "夏季/冬季作息须设置季节结束日期（月、日，年份为0）");
      }
      break;
    default:
      add("season", "must be ALL_YEAR, SUMMER or WINTER", "作息季节须为全年、夏季或冬季");
  }

  const auto& eff = s.effective();
  if (!s.has_effective() || !eff.has_start_date() || !IsFullDate(eff.start_date())) {
    add("effective.start_date", "is required and must be a full date", "生效开始日期必填且须为完整日期");
  } else if (eff.has_end_date() && !IsZeroDate(eff.end_date())) {
    if (!IsFullDate(eff.end_date())) {
      add("effective.end_date", "must be a full date when set", "生效结束日期须为完整日期");
    } else if (DayNumber(ToCivil(eff.end_date())) < DayNumber(ToCivil(eff.start_date()))) {
      add("effective.end_date", "must not be before start_date", "生效结束日期不能早于开始日期");
    }
  }

  if (s.periods_size() > 200) add("periods", "at most 200 periods", "节次不能超过200个");
  // Per weekday: the periods whose own fields are valid, as (index).
  std::map<int, std::vector<int>> by_day;
  for (int i = 0; i < s.periods_size(); ++i) {
    const auto& p = s.periods(i);
    const std::string at = absl::StrCat("periods[", i, "]");
    bool ok = true;
    if (p.number() < 1 || p.number() > 20) {
      add(at + ".number", "must be 1..20", "节次序号须为1至20");
      ok = false;
    }
    if (p.kind() == v1::PERIOD_KIND_UNSPECIFIED || !v1::PeriodKind_IsValid(p.kind())) {
      add(at + ".kind", "must be LESSON, MORNING_READING, SELF_STUDY or ACTIVITY", "节次类型无效");
    }
    const bool start_ok = p.has_start_time() && ValidTime(p.start_time());
    const bool end_ok = p.has_end_time() && ValidTime(p.end_time());
    if (!start_ok) add(at + ".start_time", "is required: hours 0..23, minutes 0..59, no seconds", "开始时间必填，精确到分钟");
    if (!end_ok) add(at + ".end_time", "is required: hours 0..23, minutes 0..59, no seconds", "结束时间必填，精确到分钟");
    if (start_ok && end_ok && Minutes(p.end_time()) <= Minutes(p.start_time())) {
      add(at + ".end_time", "must be after start_time", "结束时间须晚于开始时间");
      ok = false;
    }
    ok = ok && start_ok && end_ok;
    if (p.days_size() == 0) {
      add(at + ".days", "at least one weekday", "至少指定一个星期几");
      ok = false;
    }
    std::set<int> seen;
    for (int k = 0; k < p.days_size(); ++k) {
      const int d = p.days(k);
      if (d < 1 || d > 7) {
        add(absl::StrCat(at, ".days[", k, "]"), "must be MONDAY..SUNDAY", "星期几无效");
        ok = false;
      } else if (!seen.insert(d).second) {
        add(absl::StrCat(at, ".days[", k, "]"), WeekdayName(d) + " is listed twice", "星期几重复");
        ok = false;
      }
    }
    if (ok) {
      for (int d : seen) by_day[d].push_back(i);
    }
  }

  // Unique numbers and no overlaps per weekday; each offending period is
  // reported once (at its first weekday of trouble).
  std::set<std::string> reported;
  for (auto& [day, idx] : by_day) {
    std::map<int, int> number_at;
    for (int i : idx) {
      const auto& p = s.periods(i);
      auto [it, fresh] = number_at.emplace(p.number(), i);
      const std::string field = absl::StrCat("periods[", i, "].number");
      if (!fresh && reported.insert(field).second) {
        add(field, absl::StrCat("period number ", p.number(), " is used twice on ", WeekdayName(day), " (also periods[",
                                it->second, "])"),
            absl::StrCat(kWeekdayZh[day], "的第", p.number(), "节重复"));
      }
    }
    std::sort(idx.begin(), idx.end(), [&](int a, int b) {
      const int sa = Minutes(s.periods(a).start_time()), sb = Minutes(s.periods(b).start_time());
      return sa != sb ? sa < sb : a < b;
    });
    int latest = -1;  // the period reaching furthest so far
    for (int i : idx) {
      const auto& p = s.periods(i);
      if (latest >= 0 && Minutes(p.start_time()) < Minutes(s.periods(latest).end_time())) {
        const auto& q = s.periods(latest);
        const std::string field = absl::StrCat("periods[", i, "].start_time");
        if (reported.insert(field).second) {
          add(field,
              absl::StrCat("overlaps periods[", latest, "] (", Hhmm(q.start_time()), "-", Hhmm(q.end_time()), ") on ",
                           WeekdayName(day), ": ", Hhmm(p.start_time()), "-", Hhmm(p.end_time())),
              absl::StrCat(kWeekdayZh[day], "第", p.number(), "节（", Hhmm(p.start_time()), "-", Hhmm(p.end_time()),
                           "）与第", q.number(), "节（", Hhmm(q.start_time()), "-", Hhmm(q.end_time()), "）时间重叠"));
        }
      }
      if (latest < 0 || Minutes(p.end_time()) > Minutes(s.periods(latest).end_time())) latest = i;
    }
  }
  return v;
}

std::vector<Violation> CalendarViolations(const SchoolCalendar& c, int school_year, const std::string& prefix) {
  std::vector<Violation> v;
  auto add = [&](const std::string& field, std::string description, std::string zh) {
    v.push_back({prefix + "." + field, std::move(description), std::move(zh)});
  };

  int autumn = -1, spring = -1;
  bool terms_ok = true;
  for (int i = 0; i < c.terms_size(); ++i) {
    const auto& t = c.terms(i);
    const std::string at = absl::StrCat("terms[", i, "]");
    int* slot = t.term() == gongtong::common::v1::TERM_KIND_AUTUMN   ? &autumn
                : t.term() == gongtong::common::v1::TERM_KIND_SPRING ? &spring
                                                                     : nullptr;
    if (slot == nullptr) {
      add(at + ".term", "must be AUTUMN or SPRING", "学期须为秋季学期或春季学期");
      terms_ok = false;
    } else if (*slot >= 0) {
      add(at + ".term", gongtong::common::v1::TermKind_Name(t.term()) + " is given twice", "同一学期重复");
      terms_ok = false;
    } else {
      *slot = i;
    }
    std::vector<Violation> range;
    if (!CheckClosedRange(t.dates(), prefix + "." + at + ".dates", &range)) terms_ok = false;
    v.insert(v.end(), range.begin(), range.end());
  }
  if (terms_ok && (autumn < 0 || spring < 0 || c.terms_size() != 2)) {
    add("terms", "need exactly one AUTUMN and one SPRING term", "须有且仅有一个秋季学期和一个春季学期");
    terms_ok = false;
  }
  // The school year: from the autumn term's first day to 31 August of the
  // next calendar year. Holidays and adjusted days lie inside it.
  int64_t year_first = 0, year_last = -1;
  if (terms_ok) {
    const auto& a = c.terms(autumn).dates();
    const auto& s = c.terms(spring).dates();
    if (a.start_date().year() != school_year) {
      add(absl::StrCat("terms[", autumn, "].dates.start_date"),
          absl::StrCat("the autumn term must start in ", school_year),
          absl::StrCat("秋季学期须在", school_year, "年开始"));
      terms_ok = false;
    }
    if (DayNumber(ToCivil(s.start_date())) <= DayNumber(ToCivil(a.end_date()))) {
      add(absl::StrCat("terms[", spring, "].dates.start_date"), "the spring term must start after the autumn term ends",
          "春季学期须在秋季学期结束后开始");
      terms_ok = false;
    }
    const CivilDate last{school_year + 1, 8, 31};
    if (DayNumber(ToCivil(s.end_date())) > DayNumber(last)) {
      add(absl::StrCat("terms[", spring, "].dates.end_date"),
          "the spring term must end by " + FormatDate(last), "春季学期须在" + FormatDate(last) + "前结束");
      terms_ok = false;
    }
    if (terms_ok) {
      year_first = DayNumber(ToCivil(a.start_date()));
      year_last = DayNumber(last);
    }
  }
  const std::string window =
      terms_ok ? FormatDate(FromDayNumber(year_first)) + ".." + FormatDate(FromDayNumber(year_last)) : "";

  if (c.holidays_size() > 100) add("holidays", "at most 100 holidays", "节假日不能超过100个");
  std::vector<std::pair<int64_t, int64_t>> holiday_days(c.holidays_size(), {0, -1});
  for (int i = 0; i < c.holidays_size(); ++i) {
    const auto& h = c.holidays(i);
    const std::string at = absl::StrCat("holidays[", i, "]");
    const size_t len = Utf8Length(h.display_name());
    if (len < 1 || len > 40) add(at + ".display_name", "must be 1 to 40 characters", "节假日名称须为1至40个字符");
    if (h.kind() == v1::HOLIDAY_KIND_UNSPECIFIED || !v1::HolidayKind_IsValid(h.kind())) {
      add(at + ".kind", "must be PUBLIC, WINTER_VACATION, SUMMER_VACATION or OTHER", "节假日类型无效");
    }
    if (CheckClosedRange(h.dates(), prefix + "." + at + ".dates", &v)) {
      const int64_t from = DayNumber(ToCivil(h.dates().start_date()));
      const int64_t to = DayNumber(ToCivil(h.dates().end_date()));
      holiday_days[i] = {from, to};
      if (terms_ok && (from < year_first || to > year_last)) {
        add(at + ".dates", "must lie within the school year " + window, "节假日须在本学年内（" + window + "）");
      }
    }
  }

  if (c.adjusted_days_size() > 60) add("adjusted_days", "at most 60 adjusted days", "调休日不能超过60个");
  std::map<int64_t, int> adjusted_at;
  for (int i = 0; i < c.adjusted_days_size(); ++i) {
    const auto& a = c.adjusted_days(i);
    const std::string at = absl::StrCat("adjusted_days[", i, "]");
    const bool kind_ok = a.kind() == v1::ADJUSTED_DAY_KIND_MAKEUP_SCHOOL_DAY || a.kind() == v1::ADJUSTED_DAY_KIND_DAY_OFF;
    if (!kind_ok) add(at + ".kind", "must be MAKEUP_SCHOOL_DAY or DAY_OFF", "调休类型无效");
    if (a.kind() == v1::ADJUSTED_DAY_KIND_MAKEUP_SCHOOL_DAY &&
        (a.follows_weekday() < google::type::MONDAY || a.follows_weekday() > google::type::FRIDAY)) {
      add(at + ".follows_weekday", "a make-up school day follows a MONDAY..FRIDAY timetable",
          "补课日须指定按周一至周五中哪一天的课表上课");
    }
    if (!a.has_date() || !IsFullDate(a.date())) {
      add(at + ".date", "is required and must be a full date", "调休日期必填且须为完整日期");
      continue;
    }
    const CivilDate date = ToCivil(a.date());
    const int64_t n = DayNumber(date);
    const int weekday = IsoWeekday(date);
    if (a.kind() == v1::ADJUSTED_DAY_KIND_MAKEUP_SCHOOL_DAY && !IsWeekend(weekday)) {
      add(at + ".date", FormatDate(date) + " is a " + WeekdayName(weekday) + "; a make-up school day is a Saturday or Sunday",
          FormatDate(date) + "是" + kWeekdayZh[weekday] + "，补课日须为周六或周日");
    } else if (a.kind() == v1::ADJUSTED_DAY_KIND_DAY_OFF && IsWeekend(weekday)) {
      add(at + ".date", FormatDate(date) + " is a " + WeekdayName(weekday) + "; a swapped day off is a Monday..Friday",
          FormatDate(date) + "是" + kWeekdayZh[weekday] + "，调休放假日须为周一至周五");
    } else if (auto [it, fresh] = adjusted_at.emplace(n, i); !fresh) {
      add(at + ".date", absl::StrCat(FormatDate(date), " already has an adjusted day (adjusted_days[", it->second, "])"),
          FormatDate(date) + "已有调休安排");
    } else if (terms_ok && (n < year_first || n > year_last)) {
      add(at + ".date", "must lie within the school year " + window, "调休日期须在本学年内（" + window + "）");
    } else if (a.kind() == v1::ADJUSTED_DAY_KIND_MAKEUP_SCHOOL_DAY) {
      for (int j = 0; j < static_cast<int>(holiday_days.size()); ++j) {
        if (holiday_days[j].first <= n && n <= holiday_days[j].second) {
          add(at + ".date",
              absl::StrCat(FormatDate(date), " falls in holidays[", j, "] (", c.holidays(j).display_name(), ")"),
              FormatDate(date) + "在节假日“" + c.holidays(j).display_name() + "”期间，不能补课");
          break;
        }
      }
    }
  }
  return v;
}

// ---- bell schedules in force ----------------------------------------------

bool ScheduleAppliesOn(const BellSchedule& s, const CivilDate& date) {
  const auto [start, end] = EffectiveDays(s);
  const int64_t n = DayNumber(date);
  return start <= n && n <= end && SeasonContains(s, date);
}

bool SchedulesOverlap(const BellSchedule& a, const BellSchedule& b) {
  const auto [a_start, a_end] = EffectiveDays(a);
  const auto [b_start, b_end] = EffectiveDays(b);
  const int64_t lo = std::max(a_start, b_start);
  const int64_t hi = std::min(a_end, b_end);
  if (hi < lo) return false;
  // Seasons repeat yearly; four years include a 29 February.
  const int64_t last = std::min(hi, lo + 4 * 366);
  for (int64_t n = lo; n <= last; ++n) {
    const CivilDate d = FromDayNumber(n);
    if (SeasonContains(a, d) && SeasonContains(b, d)) return true;
  }
  return false;
}

absl::Status ScheduleConflict(const BellSchedule& candidate, const std::vector<BellSchedule>& others,
                              const std::string& field) {
  for (const auto& other : others) {
    if (other.name() == candidate.name() || other.audit().has_delete_time()) continue;
    if (!SchedulesOverlap(candidate, other)) continue;
    return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "BELL_SCHEDULE_SEASON_CONFLICT")
        .Message(absl::StrCat("the schedule would be in force on the same dates as ", other.name(), " (",
                              other.display_name(), "): a school has one schedule per date"))
        .Zh("与作息时间表“" + other.display_name() + "”的适用日期重叠：同一天只能有一个作息时间表")
        .Field(field, "in force on the same dates as " + other.name())
        .Meta("conflicting_bell_schedule", other.name());
  }
  return absl::OkStatus();
}

std::vector<v1::Period> PeriodsOn(const BellSchedule& s, int weekday) {
  std::vector<v1::Period> out;
  for (const auto& p : s.periods()) {
    if (std::find(p.days().begin(), p.days().end(), weekday) != p.days().end()) out.push_back(p);
  }
  std::stable_sort(out.begin(), out.end(), [](const v1::Period& a, const v1::Period& b) {
    return Minutes(a.start_time()) < Minutes(b.start_time());
  });
  return out;
}

// ---- school days ----------------------------------------------------------

std::vector<std::string> CalendarRegionsFor(const std::string& region) {
  if (region.size() != 6) return {region};
  std::vector<std::string> out;
  for (std::string r : {region, region.substr(0, 4) + "00", region.substr(0, 2) + "0000"}) {
    if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
  }
  return out;
}

namespace {

const v1::TermDates* Term(const SchoolCalendar& c, TermKind kind) {
  for (const auto& t : c.terms()) {
    if (t.term() == kind && IsFullDate(t.dates().start_date()) && IsFullDate(t.dates().end_date())) return &t;
  }
  return nullptr;
}

bool Covers(const gongtong::common::v1::DateRange& r, int64_t n) {
  return DayNumber(ToCivil(r.start_date())) <= n && n <= DayNumber(ToCivil(r.end_date()));
}

}  // namespace

int SchoolYearOf(const CivilDate& date, const SchoolCalendar* calendar) {
  CivilDate boundary{date.year, 9, 1};
  if (calendar != nullptr) {
    if (const auto* autumn = Term(*calendar, gongtong::common::v1::TERM_KIND_AUTUMN)) {
      boundary = ToCivil(autumn->dates().start_date());
    }
  }
  return DayNumber(date) >= DayNumber(boundary) ? date.year : date.year - 1;
}

ResolvedDay ResolveDay(const SchoolCalendar* c, const CivilDate& date) {
  ResolvedDay out;
  if (c == nullptr) return out;
  const int64_t n = DayNumber(date);
  const int weekday = IsoWeekday(date);
  for (TermKind kind : {gongtong::common::v1::TERM_KIND_AUTUMN, gongtong::common::v1::TERM_KIND_SPRING}) {
    const auto* t = Term(*c, kind);
    if (t != nullptr && Covers(t->dates(), n)) out.term = kind;
  }
  const v1::Holiday* holiday = nullptr;
  for (const auto& h : c->holidays()) {
    if (IsFullDate(h.dates().start_date()) && IsFullDate(h.dates().end_date()) && Covers(h.dates(), n)) {
      holiday = &h;
      break;
    }
  }
  const v1::AdjustedDay* adjusted = nullptr;
  for (const auto& a : c->adjusted_days()) {
    if (ToCivil(a.date()) == date) {
      adjusted = &a;
      break;
    }
  }
  if (out.term == gongtong::common::v1::TERM_KIND_UNSPECIFIED) {
    out.kind = v1::SCHOOL_DAY_KIND_VACATION;
    if (holiday != nullptr) out.holiday_name = holiday->display_name();
    return out;
  }
  if (adjusted != nullptr && adjusted->kind() == v1::ADJUSTED_DAY_KIND_MAKEUP_SCHOOL_DAY) {
    out.kind = v1::SCHOOL_DAY_KIND_MAKEUP_SCHOOL_DAY;
    out.timetable_weekday = adjusted->follows_weekday();
    out.holiday_name = adjusted->note();
  } else if (adjusted != nullptr && adjusted->kind() == v1::ADJUSTED_DAY_KIND_DAY_OFF) {
    out.kind = v1::SCHOOL_DAY_KIND_HOLIDAY;
    out.holiday_name = adjusted->note();
  } else if (holiday != nullptr) {
    out.kind = v1::SCHOOL_DAY_KIND_HOLIDAY;
    out.holiday_name = holiday->display_name();
  } else if (IsWeekend(weekday)) {
    out.kind = v1::SCHOOL_DAY_KIND_WEEKEND;
  } else {
    out.kind = v1::SCHOOL_DAY_KIND_SCHOOL_DAY;
    out.timetable_weekday = weekday;
  }
  return out;
}

std::vector<SchoolDay> ResolveSchoolDays(const std::string& school_code, const std::string& region,
                                         const CivilDate& first, const CivilDate& last,
                                         const std::vector<SchoolCalendar>& calendars,
                                         const std::vector<BellSchedule>& schedules) {
  const std::vector<std::string> regions = CalendarRegionsFor(region);
  // The most specific live calendar of a school year, as a whole.
  auto pick = [&](int year) -> const SchoolCalendar* {
    for (const auto& r : regions) {
      for (const auto& c : calendars) {
        if (c.region_code() == r && c.school_year() == year && !c.audit().has_delete_time()) return &c;
      }
    }
    return nullptr;
  };
  std::vector<const BellSchedule*> live;
  for (const auto& s : schedules) {
    if (!s.audit().has_delete_time()) live.push_back(&s);
  }
  std::sort(live.begin(), live.end(), [](const BellSchedule* a, const BellSchedule* b) { return a->name() < b->name(); });

  std::vector<SchoolDay> days;
  for (int64_t n = DayNumber(first); n <= DayNumber(last); ++n) {
    const CivilDate date = FromDayNumber(n);
    const SchoolCalendar* this_year = pick(date.year);
    const int year = SchoolYearOf(date, this_year);
    const SchoolCalendar* calendar = year == date.year ? this_year : pick(year);
    const ResolvedDay r = ResolveDay(calendar, date);
    SchoolDay day;
    day.set_school(SchoolName(school_code));
    *day.mutable_date() = ToProtoDate(date);
    day.set_kind(r.kind);
    day.set_timetable_weekday(static_cast<google::type::DayOfWeek>(r.timetable_weekday));
    if (r.term != gongtong::common::v1::TERM_KIND_UNSPECIFIED) {
      day.mutable_term()->set_school_year(year);
      day.mutable_term()->set_term(r.term);
    }
    day.set_holiday_name(r.holiday_name);
    if (calendar != nullptr) day.set_calendar(CalendarName(calendar->region_code(), calendar->school_year()));
    if (r.timetable_weekday != 0) {
      for (const BellSchedule* s : live) {
        if (!ScheduleAppliesOn(*s, date)) continue;
        day.set_bell_schedule(s->name());
        for (auto& p : PeriodsOn(*s, r.timetable_weekday)) *day.add_periods() = std::move(p);
        break;
      }
    }
    days.push_back(std::move(day));
  }
  return days;
}

// ---- names ----------------------------------------------------------------

std::string CalendarName(std::string_view region, int school_year) {
  return absl::StrCat("regions/", Absl(region), "/calendars/", school_year);
}

absl::StatusOr<CalendarKey> ParseCalendarName(std::string_view name, const std::string& field) {
  std::vector<std::string> parts = absl::StrSplit(Absl(name), '/');
  CalendarKey key;
  if (parts.size() == 4 && parts[0] == "regions" && RegionCodeProblem(parts[1]).empty() &&
      parts[2] == "calendars" && parts[3].size() == 4 && absl::SimpleAtoi(parts[3], &key.school_year) &&
      key.school_year >= 2000 && key.school_year <= 2100) {
    key.region_code = parts[1];
    return key;
  }
  return InvalidField(field, "must be regions/{6-digit region code}/calendars/{school year 2000..2100}",
                      "校历资源名称格式应为 regions/{6位行政区划代码}/calendars/{学年，2000至2100}");
}

absl::StatusOr<std::string> ParseRegionParent(std::string_view parent, const std::string& field) {
  constexpr std::string_view kPrefix = "regions/";
  if (parent.substr(0, kPrefix.size()) == kPrefix) {
    std::string region(parent.substr(kPrefix.size()));
    if (region == "-") return std::string();
    if (RegionCodeProblem(region).empty()) return region;
  }
  return InvalidField(field, "must be regions/{6-digit region code} or regions/-",
                      "上级资源名称格式应为 regions/{6位行政区划代码} 或 regions/-");
}

std::string BellScheduleName(std::string_view school_code, std::string_view id) {
  return absl::StrCat("schools/", Absl(school_code), "/bellSchedules/", Absl(id));
}

std::string BellScheduleIdProblem(std::string_view id) {
  auto ok = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (id.empty() || id.size() > 40 || !ok(id[0])) return "must match ^[a-z0-9][a-z0-9-]{0,39}$";
  for (char c : id) {
    if (!ok(c) && c != '-') return "must match ^[a-z0-9][a-z0-9-]{0,39}$";
  }
  return "";
}

absl::StatusOr<BellScheduleKey> ParseBellScheduleName(std::string_view name, const std::string& field) {
  std::vector<std::string> parts = absl::StrSplit(Absl(name), '/');
  if (parts.size() == 4 && parts[0] == "schools" && SchoolCodeProblem(parts[1]).empty() &&
      parts[2] == "bellSchedules" && BellScheduleIdProblem(parts[3]).empty()) {
    return BellScheduleKey{parts[1], parts[3]};
  }
  return InvalidField(field, "must be schools/{10-digit school code}/bellSchedules/{id}",
                      "作息时间表资源名称格式应为 schools/{10位学校标识码}/bellSchedules/{编号}");
}

absl::StatusOr<std::string> ParseSchoolParent(std::string_view parent, const std::string& field) {
  if (parent == "schools/-") return std::string();
  return ParseSchoolName(parent, field);
}

}  // namespace gongtong::registry
