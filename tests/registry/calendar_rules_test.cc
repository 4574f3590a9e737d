// Calendar and bell-schedule rules (DOMAIN §1, §3 R-SYNC-3; issue 3): one row per case.
#include <gtest/gtest.h>

#include <functional>

#include "common/auth/principal.h"
#include "registry/domain/calendar_access.h"
#include "registry/domain/calendar_rules.h"

namespace gongtong::registry {
namespace {

namespace v1 = gongtong::registry::v1;
using google::type::DayOfWeek;
using google::type::FRIDAY;
using google::type::MONDAY;
using google::type::SATURDAY;
using google::type::SUNDAY;
using google::type::THURSDAY;
using google::type::TUESDAY;
using google::type::WEDNESDAY;

google::type::Date D(int y, int m, int d) { return ToProtoDate({y, m, d}); }
google::type::TimeOfDay T(int h, int m) {
  google::type::TimeOfDay t;
  t.set_hours(h);
  t.set_minutes(m);
  return t;
}

v1::Period P(int number, int h1, int m1, int h2, int m2, std::vector<DayOfWeek> days = {MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY}) {
  v1::Period p;
  p.set_number(number);
  p.set_display_name("第" + std::to_string(number) + "节");
  p.set_kind(v1::PERIOD_KIND_LESSON);
  *p.mutable_start_time() = T(h1, m1);
  *p.mutable_end_time() = T(h2, m2);
  for (auto d : days) p.add_days(d);
  return p;
}

// 仙居县第一小学's all-year schedule (DOMAIN §3 R-SYNC-3: 08:00–08:40, 08:50–09:30 …).
BellSchedule ValidSchedule() {
  BellSchedule s;
  s.set_name("schools/2133102401/bellSchedules/all-year");
  s.set_display_name("作息时间");
  s.set_season(v1::BELL_SCHEDULE_SEASON_ALL_YEAR);
  *s.mutable_effective()->mutable_start_date() = D(2026, 9, 1);
  *s.add_periods() = P(1, 8, 0, 8, 40);
  *s.add_periods() = P(2, 8, 50, 9, 30);
  *s.add_periods() = P(3, 9, 55, 10, 35);  // after 大课间
  *s.add_periods() = P(4, 10, 45, 11, 25);
  return s;
}

BellSchedule Seasonal(const std::string& id, v1::BellScheduleSeason season, int m1, int d1, int m2, int d2) {
  BellSchedule s = ValidSchedule();
  s.set_name("schools/2133102401/bellSchedules/" + id);
  s.set_season(season);
  *s.mutable_annual_start() = D(0, m1, d1);
  *s.mutable_annual_end() = D(0, m2, d2);
  return s;
}

struct ScheduleRow {
  std::string name;
  std::function<void(BellSchedule&)> change;
  std::vector<std::string> fields;  // empty: valid
};

class BellScheduleValidation : public ::testing::TestWithParam<ScheduleRow> {};

TEST_P(BellScheduleValidation, FlagsExactlyTheOffendingFields) {
  BellSchedule s = ValidSchedule();
  GetParam().change(s);
  std::vector<std::string> got;
  for (const auto& v : BellScheduleViolations(s, "bell_schedule")) got.push_back(v.field);
  EXPECT_EQ(got, GetParam().fields);
}

INSTANTIATE_TEST_SUITE_P(
    Rows, BellScheduleValidation,
    ::testing::Values(
        ScheduleRow{"valid", [](BellSchedule&) {}, {}},
        ScheduleRow{"touching_periods_are_fine", [](BellSchedule& s) { *s.mutable_periods(1)->mutable_start_time() = T(8, 40); }, {}},
        ScheduleRow{"overlap_names_the_later_period",
                    [](BellSchedule& s) { *s.mutable_periods(3)->mutable_start_time() = T(10, 30); },
                    {"bell_schedule.periods[3].start_time"}},
        ScheduleRow{"overlap_by_one_minute",
                    [](BellSchedule& s) { *s.mutable_periods(1)->mutable_start_time() = T(8, 39); },
                    {"bell_schedule.periods[1].start_time"}},
        ScheduleRow{"period_inside_another_listed_last",
                    [](BellSchedule& s) { *s.add_periods() = P(5, 8, 10, 8, 20, {WEDNESDAY}); },
                    {"bell_schedule.periods[4].start_time"}},
        ScheduleRow{"earlier_index_starting_later_is_the_offender",
                    [](BellSchedule& s) { *s.mutable_periods(0) = P(1, 8, 30, 8, 55); *s.mutable_periods(1) = P(2, 8, 0, 8, 40); },
                    {"bell_schedule.periods[0].start_time"}},
        ScheduleRow{"same_times_on_other_weekdays_are_fine",
                    [](BellSchedule& s) { *s.add_periods() = P(1, 8, 10, 8, 50, {SATURDAY}); }, {}},
        ScheduleRow{"overlap_on_one_shared_weekday",
                    [](BellSchedule& s) { *s.add_periods() = P(9, 8, 10, 8, 50, {SATURDAY, FRIDAY}); },
                    {"bell_schedule.periods[4].start_time"}},
        ScheduleRow{"end_before_start", [](BellSchedule& s) { *s.mutable_periods(1)->mutable_end_time() = T(8, 45); },
                    {"bell_schedule.periods[1].end_time"}},
        ScheduleRow{"end_equals_start", [](BellSchedule& s) { *s.mutable_periods(1)->mutable_end_time() = T(8, 50); },
                    {"bell_schedule.periods[1].end_time"}},
        ScheduleRow{"start_with_seconds", [](BellSchedule& s) { s.mutable_periods(0)->mutable_start_time()->set_seconds(30); },
                    {"bell_schedule.periods[0].start_time"}},
        ScheduleRow{"hour_24", [](BellSchedule& s) { *s.mutable_periods(3)->mutable_end_time() = T(24, 0); },
                    {"bell_schedule.periods[3].end_time"}},
        ScheduleRow{"start_missing", [](BellSchedule& s) { s.mutable_periods(0)->clear_start_time(); },
                    {"bell_schedule.periods[0].start_time"}},
        ScheduleRow{"no_weekday", [](BellSchedule& s) { s.mutable_periods(0)->clear_days(); }, {"bell_schedule.periods[0].days"}},
        ScheduleRow{"weekday_twice", [](BellSchedule& s) { s.mutable_periods(0)->add_days(MONDAY); },
                    {"bell_schedule.periods[0].days[5]"}},
        ScheduleRow{"weekday_unspecified", [](BellSchedule& s) { s.mutable_periods(2)->set_days(0, google::type::DAY_OF_WEEK_UNSPECIFIED); },
                    {"bell_schedule.periods[2].days[0]"}},
        ScheduleRow{"number_zero", [](BellSchedule& s) { s.mutable_periods(0)->set_number(0); }, {"bell_schedule.periods[0].number"}},
        ScheduleRow{"number_21", [](BellSchedule& s) { s.mutable_periods(0)->set_number(21); }, {"bell_schedule.periods[0].number"}},
        ScheduleRow{"number_twice_on_a_weekday", [](BellSchedule& s) { s.mutable_periods(1)->set_number(1); },
                    {"bell_schedule.periods[1].number"}},
        ScheduleRow{"kind_unspecified", [](BellSchedule& s) { s.mutable_periods(0)->set_kind(v1::PERIOD_KIND_UNSPECIFIED); },
                    {"bell_schedule.periods[0].kind"}},
        ScheduleRow{"name_missing", [](BellSchedule& s) { s.clear_display_name(); }, {"bell_schedule.display_name"}},
        ScheduleRow{"name_40_chinese_characters", [](BellSchedule& s) {
                      std::string n;
                      for (int i = 0; i < 40; ++i) n += "夏";
                      s.set_display_name(n);
                    }, {}},
        ScheduleRow{"name_41_characters", [](BellSchedule& s) { s.set_display_name(std::string(41, 'a')); },
                    {"bell_schedule.display_name"}},
        ScheduleRow{"season_unspecified", [](BellSchedule& s) { s.set_season(v1::BELL_SCHEDULE_SEASON_UNSPECIFIED); },
                    {"bell_schedule.season"}},
        ScheduleRow{"all_year_with_annual_range", [](BellSchedule& s) { *s.mutable_annual_start() = D(0, 5, 1); },
                    {"bell_schedule.annual_start"}},
        ScheduleRow{"summer_without_range", [](BellSchedule& s) { s.set_season(v1::BELL_SCHEDULE_SEASON_SUMMER); },
                    {"bell_schedule.annual_start", "bell_schedule.annual_end"}},
        ScheduleRow{"summer_range_with_year",
                    [](BellSchedule& s) {
                      s.set_season(v1::BELL_SCHEDULE_SEASON_SUMMER);
                      *s.mutable_annual_start() = D(2026, 5, 1);
                      *s.mutable_annual_end() = D(0, 9, 30);
                    },
                    {"bell_schedule.annual_start"}},
        ScheduleRow{"winter_wrapping_the_new_year",
                    [](BellSchedule& s) {
                      s.set_season(v1::BELL_SCHEDULE_SEASON_WINTER);
                      *s.mutable_annual_start() = D(0, 10, 1);
                      *s.mutable_annual_end() = D(0, 4, 30);
                    },
                    {}},
        ScheduleRow{"season_day_31_april",
                    [](BellSchedule& s) {
                      s.set_season(v1::BELL_SCHEDULE_SEASON_WINTER);
                      *s.mutable_annual_start() = D(0, 10, 1);
                      *s.mutable_annual_end() = D(0, 4, 31);
                    },
                    {"bell_schedule.annual_end"}},
        ScheduleRow{"effective_missing", [](BellSchedule& s) { s.clear_effective(); }, {"bell_schedule.effective.start_date"}},
        ScheduleRow{"effective_not_a_date", [](BellSchedule& s) { *s.mutable_effective()->mutable_start_date() = D(2026, 2, 30); },
                    {"bell_schedule.effective.start_date"}},
        ScheduleRow{"effective_end_before_start",
                    [](BellSchedule& s) { *s.mutable_effective()->mutable_end_date() = D(2026, 8, 31); },
                    {"bell_schedule.effective.end_date"}},
        ScheduleRow{"effective_closed", [](BellSchedule& s) { *s.mutable_effective()->mutable_end_date() = D(2027, 7, 31); }, {}}),
    [](const auto& info) { return info.param.name; });

TEST(BellScheduleLimits, AtMost200Periods) {
  BellSchedule s = ValidSchedule();
  while (s.periods_size() <= 200) *s.add_periods() = P(1, 8, 0, 8, 40);
  auto v = BellScheduleViolations(s, "bell_schedule");
  ASSERT_FALSE(v.empty());
  EXPECT_EQ(v[0].field, "bell_schedule.periods");
}

TEST(BellScheduleOverlap, MessageNamesBothPeriodsInChineseAndEnglish) {
  BellSchedule s = ValidSchedule();
  *s.mutable_periods(1)->mutable_start_time() = T(8, 30);
  auto v = BellScheduleViolations(s, "bell_schedule");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].description.find("overlaps periods[0] (08:00-08:40)"), std::string::npos) << v[0].description;
  EXPECT_NE(v[0].zh.find("时间重叠"), std::string::npos);
  absl::Status st = ToStatus(v, "BELL_SCHEDULE_INVALID");
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
}

// ---- seasons: at most one live schedule per date ---------------------------

struct OverlapRow {
  std::string name;
  std::function<BellSchedule()> a, b;
  bool overlap;
};

class SeasonOverlap : public ::testing::TestWithParam<OverlapRow> {};

TEST_P(SeasonOverlap, Decides) {
  EXPECT_EQ(SchedulesOverlap(GetParam().a(), GetParam().b()), GetParam().overlap);
  EXPECT_EQ(SchedulesOverlap(GetParam().b(), GetParam().a()), GetParam().overlap);
}

BellSchedule Summer() { return Seasonal("summer", v1::BELL_SCHEDULE_SEASON_SUMMER, 5, 1, 9, 30); }
BellSchedule Winter() { return Seasonal("winter", v1::BELL_SCHEDULE_SEASON_WINTER, 10, 1, 4, 30); }

INSTANTIATE_TEST_SUITE_P(
    Rows, SeasonOverlap,
    ::testing::Values(
        OverlapRow{"summer_and_winter_split_the_year", Summer, Winter, false},
        OverlapRow{"summer_and_all_year", Summer, ValidSchedule, true},
        OverlapRow{"two_all_year", ValidSchedule, [] { auto s = ValidSchedule(); s.set_name("x"); return s; }, true},
        OverlapRow{"winter_starting_on_summers_last_day", Summer,
                   [] { return Seasonal("w", v1::BELL_SCHEDULE_SEASON_WINTER, 9, 30, 4, 30); }, true},
        OverlapRow{"winter_ending_on_summers_first_day", Summer,
                   [] { return Seasonal("w", v1::BELL_SCHEDULE_SEASON_WINTER, 10, 1, 5, 1); }, true},
        OverlapRow{"old_version_ends_before_new_starts",
                   [] {
                     auto s = ValidSchedule();
                     s.set_name("old");
                     *s.mutable_effective()->mutable_start_date() = D(2025, 9, 1);
                     *s.mutable_effective()->mutable_end_date() = D(2026, 8, 31);
                     return s;
                   },
                   ValidSchedule, false},
        OverlapRow{"old_version_open_ended",
                   [] {
                     auto s = ValidSchedule();
                     s.set_name("old");
                     *s.mutable_effective()->mutable_start_date() = D(2025, 9, 1);
                     return s;
                   },
                   ValidSchedule, true},
        OverlapRow{"summer_in_force_only_in_winter_months",
                   [] {
                     auto s = Summer();
                     *s.mutable_effective()->mutable_start_date() = D(2026, 10, 1);
                     *s.mutable_effective()->mutable_end_date() = D(2027, 3, 31);
                     return s;
                   },
                   ValidSchedule, false}),
    [](const auto& info) { return info.param.name; });

TEST(SeasonConflict, NamesTheOtherScheduleAndSkipsItselfAndDeletedOnes) {
  BellSchedule summer = Summer();
  BellSchedule deleted_all_year = ValidSchedule();
  deleted_all_year.mutable_audit()->mutable_delete_time()->set_seconds(1);
  EXPECT_TRUE(ScheduleConflict(summer, {summer, Winter(), deleted_all_year}, "bell_schedule.effective").ok());
  absl::Status st = ScheduleConflict(summer, {Winter(), ValidSchedule()}, "bell_schedule.effective");
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("schools/2133102401/bellSchedules/all-year"), std::string::npos) << st.message();
}

TEST(SeasonApplies, WinterWrapsTheNewYear) {
  const BellSchedule w = Winter();
  EXPECT_TRUE(ScheduleAppliesOn(w, {2026, 10, 1}));
  EXPECT_TRUE(ScheduleAppliesOn(w, {2027, 1, 15}));
  EXPECT_TRUE(ScheduleAppliesOn(w, {2027, 4, 30}));
  EXPECT_FALSE(ScheduleAppliesOn(w, {2027, 5, 1}));
  EXPECT_FALSE(ScheduleAppliesOn(w, {2026, 8, 31}));  // before effective.start_date
}

// ---- calendars ---------------------------------------------------------------

// Zhejiang 2026学年 for 仙居县 (331024).
SchoolCalendar ValidCalendar() {
  SchoolCalendar c;
  c.set_region_code("331024");
  c.set_school_year(2026);
  auto term = [&](gongtong::common::v1::TermKind k, google::type::Date a, google::type::Date b) {
    auto* t = c.add_terms();
    t->set_term(k);
    *t->mutable_dates()->mutable_start_date() = a;
    *t->mutable_dates()->mutable_end_date() = b;
  };
  term(gongtong::common::v1::TERM_KIND_AUTUMN, D(2026, 9, 1), D(2027, 1, 22));
  term(gongtong::common::v1::TERM_KIND_SPRING, D(2027, 2, 22), D(2027, 7, 2));
  auto holiday = [&](const char* name, v1::HolidayKind k, google::type::Date a, google::type::Date b) {
    auto* h = c.add_holidays();
    h->set_display_name(name);
    h->set_kind(k);
    *h->mutable_dates()->mutable_start_date() = a;
    *h->mutable_dates()->mutable_end_date() = b;
  };
  holiday("国庆节", v1::HOLIDAY_KIND_PUBLIC, D(2026, 10, 1), D(2026, 10, 7));
  holiday("寒假", v1::HOLIDAY_KIND_WINTER_VACATION, D(2027, 1, 23), D(2027, 2, 21));
  holiday("暑假", v1::HOLIDAY_KIND_SUMMER_VACATION, D(2027, 7, 3), D(2027, 8, 31));
  auto* a = c.add_adjusted_days();
  *a->mutable_date() = D(2026, 10, 10);  // a Saturday
  a->set_kind(v1::ADJUSTED_DAY_KIND_MAKEUP_SCHOOL_DAY);
  a->set_follows_weekday(WEDNESDAY);
  a->set_note("国庆调休，按周三课表上课");
  return c;
}

struct CalendarRow {
  std::string name;
  std::function<void(SchoolCalendar&)> change;
  std::vector<std::string> fields;
};

class CalendarValidation : public ::testing::TestWithParam<CalendarRow> {};

TEST_P(CalendarValidation, FlagsExactlyTheOffendingFields) {
  SchoolCalendar c = ValidCalendar();
  GetParam().change(c);
  std::vector<std::string> got;
  for (const auto& v : CalendarViolations(c, 2026, "school_calendar")) got.push_back(v.field);
  EXPECT_EQ(got, GetParam().fields);
}

v1::AdjustedDay* AddAdjusted(SchoolCalendar& c, google::type::Date d, v1::AdjustedDayKind k, DayOfWeek follows = google::type::DAY_OF_WEEK_UNSPECIFIED) {
  auto* a = c.add_adjusted_days();
  *a->mutable_date() = d;
  a->set_kind(k);
  a->set_follows_weekday(follows);
  return a;
}

INSTANTIATE_TEST_SUITE_P(
    Rows, CalendarValidation,
    ::testing::Values(
        CalendarRow{"valid", [](SchoolCalendar&) {}, {}},
        CalendarRow{"spring_listed_first", [](SchoolCalendar& c) { c.mutable_terms()->SwapElements(0, 1); }, {}},
        CalendarRow{"one_term", [](SchoolCalendar& c) { c.mutable_terms()->RemoveLast(); }, {"school_calendar.terms"}},
        CalendarRow{"no_terms", [](SchoolCalendar& c) { c.clear_terms(); }, {"school_calendar.terms"}},
        CalendarRow{"autumn_twice", [](SchoolCalendar& c) { c.mutable_terms(1)->set_term(gongtong::common::v1::TERM_KIND_AUTUMN); },
                    {"school_calendar.terms[1].term"}},
        CalendarRow{"term_unspecified", [](SchoolCalendar& c) { c.mutable_terms(1)->set_term(gongtong::common::v1::TERM_KIND_UNSPECIFIED); },
                    {"school_calendar.terms[1].term"}},
        CalendarRow{"autumn_starts_in_another_year",
                    [](SchoolCalendar& c) { *c.mutable_terms(0)->mutable_dates()->mutable_start_date() = D(2025, 9, 1); },
                    {"school_calendar.terms[0].dates.start_date"}},
        CalendarRow{"terms_overlap",
                    [](SchoolCalendar& c) { *c.mutable_terms(1)->mutable_dates()->mutable_start_date() = D(2027, 1, 22); },
                    {"school_calendar.terms[1].dates.start_date"}},
        CalendarRow{"spring_before_autumn",
                    [](SchoolCalendar& c) {
                      *c.mutable_terms(1)->mutable_dates()->mutable_start_date() = D(2026, 3, 1);
                      *c.mutable_terms(1)->mutable_dates()->mutable_end_date() = D(2026, 7, 1);
                    },
                    {"school_calendar.terms[1].dates.start_date"}},
        CalendarRow{"spring_ends_in_september",
                    [](SchoolCalendar& c) { *c.mutable_terms(1)->mutable_dates()->mutable_end_date() = D(2027, 9, 1); },
                    {"school_calendar.terms[1].dates.end_date"}},
        CalendarRow{"term_ends_before_it_starts",
                    [](SchoolCalendar& c) { *c.mutable_terms(0)->mutable_dates()->mutable_end_date() = D(2026, 8, 1); },
                    {"school_calendar.terms[0].dates.end_date"}},
        CalendarRow{"term_without_end", [](SchoolCalendar& c) { c.mutable_terms(0)->mutable_dates()->clear_end_date(); },
                    {"school_calendar.terms[0].dates.end_date"}},
        CalendarRow{"term_date_without_day",
                    [](SchoolCalendar& c) { c.mutable_terms(0)->mutable_dates()->mutable_start_date()->set_day(0); },
                    {"school_calendar.terms[0].dates.start_date"}},
        CalendarRow{"holiday_before_the_school_year",
                    [](SchoolCalendar& c) {
                      *c.mutable_holidays(0)->mutable_dates()->mutable_start_date() = D(2026, 8, 1);
                      *c.mutable_holidays(0)->mutable_dates()->mutable_end_date() = D(2026, 8, 5);
                    },
                    {"school_calendar.holidays[0].dates"}},
        CalendarRow{"holiday_kind_missing", [](SchoolCalendar& c) { c.mutable_holidays(0)->clear_kind(); },
                    {"school_calendar.holidays[0].kind"}},
        CalendarRow{"holiday_name_missing", [](SchoolCalendar& c) { c.mutable_holidays(0)->clear_display_name(); },
                    {"school_calendar.holidays[0].display_name"}},
        CalendarRow{"holiday_ends_before_it_starts",
                    [](SchoolCalendar& c) { *c.mutable_holidays(0)->mutable_dates()->mutable_end_date() = D(2026, 9, 30); },
                    {"school_calendar.holidays[0].dates.end_date"}},
        CalendarRow{"makeup_on_a_friday", [](SchoolCalendar& c) { *c.mutable_adjusted_days(0)->mutable_date() = D(2026, 10, 9); },
                    {"school_calendar.adjusted_days[0].date"}},
        CalendarRow{"makeup_sunday_is_fine", [](SchoolCalendar& c) { *c.mutable_adjusted_days(0)->mutable_date() = D(2026, 9, 27); }, {}},
        CalendarRow{"makeup_following_saturday", [](SchoolCalendar& c) { c.mutable_adjusted_days(0)->set_follows_weekday(SATURDAY); },
                    {"school_calendar.adjusted_days[0].follows_weekday"}},
        CalendarRow{"makeup_following_nothing",
                    [](SchoolCalendar& c) { c.mutable_adjusted_days(0)->set_follows_weekday(google::type::DAY_OF_WEEK_UNSPECIFIED); },
                    {"school_calendar.adjusted_days[0].follows_weekday"}},
        CalendarRow{"makeup_inside_a_holiday", [](SchoolCalendar& c) { *c.mutable_adjusted_days(0)->mutable_date() = D(2026, 10, 3); },
                    {"school_calendar.adjusted_days[0].date"}},
        CalendarRow{"makeup_outside_the_school_year",
                    [](SchoolCalendar& c) { *c.mutable_adjusted_days(0)->mutable_date() = D(2027, 9, 4); },
                    {"school_calendar.adjusted_days[0].date"}},
        CalendarRow{"day_off_on_a_weekday_is_fine",
                    [](SchoolCalendar& c) { AddAdjusted(c, D(2026, 10, 9), v1::ADJUSTED_DAY_KIND_DAY_OFF); }, {}},
        CalendarRow{"day_off_on_a_sunday",
                    [](SchoolCalendar& c) { AddAdjusted(c, D(2026, 10, 11), v1::ADJUSTED_DAY_KIND_DAY_OFF); },
                    {"school_calendar.adjusted_days[1].date"}},
        CalendarRow{"two_adjusted_days_on_one_date",
                    [](SchoolCalendar& c) { AddAdjusted(c, D(2026, 10, 10), v1::ADJUSTED_DAY_KIND_MAKEUP_SCHOOL_DAY, MONDAY); },
                    {"school_calendar.adjusted_days[1].date"}},
        CalendarRow{"adjusted_kind_missing", [](SchoolCalendar& c) { c.mutable_adjusted_days(0)->clear_kind(); },
                    {"school_calendar.adjusted_days[0].kind"}},
        CalendarRow{"adjusted_date_missing", [](SchoolCalendar& c) { c.mutable_adjusted_days(0)->clear_date(); },
                    {"school_calendar.adjusted_days[0].date"}}),
    [](const auto& info) { return info.param.name; });

// ---- what a date is ------------------------------------------------------------

struct DayRow {
  std::string name;
  CivilDate date;
  v1::SchoolDayKind kind;
  int timetable_weekday;
  gongtong::common::v1::TermKind term;
  std::string holiday_name;
};

class DayResolution : public ::testing::TestWithParam<DayRow> {};

TEST_P(DayResolution, Resolves) {
  SchoolCalendar c = ValidCalendar();
  AddAdjusted(c, D(2026, 10, 9), v1::ADJUSTED_DAY_KIND_DAY_OFF)->set_note("调休放假");
  ResolvedDay r = ResolveDay(&c, GetParam().date);
  EXPECT_EQ(r.kind, GetParam().kind);
  EXPECT_EQ(r.timetable_weekday, GetParam().timetable_weekday);
  EXPECT_EQ(r.term, GetParam().term);
  EXPECT_EQ(r.holiday_name, GetParam().holiday_name);
}

using gongtong::common::v1::TERM_KIND_AUTUMN;
using gongtong::common::v1::TERM_KIND_SPRING;
using gongtong::common::v1::TERM_KIND_UNSPECIFIED;

INSTANTIATE_TEST_SUITE_P(
    Rows, DayResolution,
    ::testing::Values(
        DayRow{"first_day_of_term", {2026, 9, 1}, v1::SCHOOL_DAY_KIND_SCHOOL_DAY, 2, TERM_KIND_AUTUMN, ""},
        DayRow{"national_day", {2026, 10, 1}, v1::SCHOOL_DAY_KIND_HOLIDAY, 0, TERM_KIND_AUTUMN, "国庆节"},
        DayRow{"weekend_inside_holiday", {2026, 10, 3}, v1::SCHOOL_DAY_KIND_HOLIDAY, 0, TERM_KIND_AUTUMN, "国庆节"},
        DayRow{"school_day_after_holiday", {2026, 10, 8}, v1::SCHOOL_DAY_KIND_SCHOOL_DAY, 4, TERM_KIND_AUTUMN, ""},
        DayRow{"swapped_day_off", {2026, 10, 9}, v1::SCHOOL_DAY_KIND_HOLIDAY, 0, TERM_KIND_AUTUMN, "调休放假"},
        DayRow{"makeup_saturday_follows_wednesday", {2026, 10, 10}, v1::SCHOOL_DAY_KIND_MAKEUP_SCHOOL_DAY, 3,
               TERM_KIND_AUTUMN, "国庆调休，按周三课表上课"},
        DayRow{"ordinary_sunday", {2026, 10, 11}, v1::SCHOOL_DAY_KIND_WEEKEND, 0, TERM_KIND_AUTUMN, ""},
        DayRow{"winter_vacation", {2027, 2, 1}, v1::SCHOOL_DAY_KIND_VACATION, 0, TERM_KIND_UNSPECIFIED, "寒假"},
        DayRow{"spring_term", {2027, 3, 1}, v1::SCHOOL_DAY_KIND_SCHOOL_DAY, 1, TERM_KIND_SPRING, ""},
        DayRow{"last_day_of_spring", {2027, 7, 2}, v1::SCHOOL_DAY_KIND_SCHOOL_DAY, 5, TERM_KIND_SPRING, ""},
        DayRow{"before_the_year", {2026, 8, 31}, v1::SCHOOL_DAY_KIND_VACATION, 0, TERM_KIND_UNSPECIFIED, ""}),
    [](const auto& info) { return info.param.name; });

TEST(DayResolution, NoCalendarMeansNoBooking) {
  EXPECT_EQ(ResolveDay(nullptr, {2026, 9, 1}).kind, v1::SCHOOL_DAY_KIND_NO_CALENDAR);
}

SchoolCalendar Named(SchoolCalendar c, const std::string& region, int year) {
  c.set_region_code(region);
  c.set_school_year(year);
  c.set_name(CalendarName(region, year));
  return c;
}

TEST(SchoolDays, AWeekWithAHolidayAndAMakeupSaturdayUsesTheSeasonsPeriods) {
  BellSchedule summer = Summer();
  *summer.mutable_periods(0) = P(1, 8, 10, 8, 50);  // summer: school starts later
  const BellSchedule winter = Winter();
  auto days = ResolveSchoolDays("2133102401", "331024", {2026, 9, 28}, {2026, 10, 11},
                                {Named(ValidCalendar(), "331024", 2026)}, {winter, summer});
  ASSERT_EQ(days.size(), 14u);
  // Mon 28 Sep: summer schedule (until 30 Sep), first period 08:10.
  EXPECT_EQ(days[0].kind(), v1::SCHOOL_DAY_KIND_SCHOOL_DAY);
  EXPECT_EQ(days[0].timetable_weekday(), MONDAY);
  EXPECT_EQ(days[0].bell_schedule(), summer.name());
  ASSERT_EQ(days[0].periods_size(), 4);
  EXPECT_EQ(days[0].periods(0).start_time().minutes(), 10);
  EXPECT_EQ(days[0].term().school_year(), 2026);
  EXPECT_EQ(days[0].calendar(), "regions/331024/calendars/2026");
  // Thu 1 Oct: holiday, no periods.
  EXPECT_EQ(days[3].kind(), v1::SCHOOL_DAY_KIND_HOLIDAY);
  EXPECT_EQ(days[3].holiday_name(), "国庆节");
  EXPECT_EQ(days[3].periods_size(), 0);
  EXPECT_TRUE(days[3].bell_schedule().empty());
  // Thu 8 Oct: winter schedule now.
  EXPECT_EQ(days[10].kind(), v1::SCHOOL_DAY_KIND_SCHOOL_DAY);
  EXPECT_EQ(days[10].bell_schedule(), winter.name());
  EXPECT_EQ(days[10].periods(0).start_time().hours(), 8);
  EXPECT_EQ(days[10].periods(0).start_time().minutes(), 0);
  // Sat 10 Oct: make-up day with Wednesday's periods.
  EXPECT_EQ(days[12].kind(), v1::SCHOOL_DAY_KIND_MAKEUP_SCHOOL_DAY);
  EXPECT_EQ(days[12].timetable_weekday(), WEDNESDAY);
  EXPECT_EQ(days[12].periods_size(), 4);
  // Sun 11 Oct: weekend.
  EXPECT_EQ(days[13].kind(), v1::SCHOOL_DAY_KIND_WEEKEND);
  EXPECT_EQ(days[13].timetable_weekday(), google::type::DAY_OF_WEEK_UNSPECIFIED);
}

TEST(SchoolDays, TheMostSpecificRegionsCalendarWinsAsAWhole) {
  SchoolCalendar province = Named(ValidCalendar(), "330000", 2026);
  province.clear_adjusted_days();  // the province has no make-up Saturday
  const SchoolCalendar county = Named(ValidCalendar(), "331024", 2026);
  const CivilDate sat{2026, 10, 10};
  auto in_county = ResolveSchoolDays("2133102401", "331024", sat, sat, {province, county}, {});
  EXPECT_EQ(in_county[0].kind(), v1::SCHOOL_DAY_KIND_MAKEUP_SCHOOL_DAY);
  EXPECT_EQ(in_county[0].calendar(), "regions/331024/calendars/2026");
  auto elsewhere = ResolveSchoolDays("2133102201", "331022", sat, sat, {province, county}, {});
  EXPECT_EQ(elsewhere[0].kind(), v1::SCHOOL_DAY_KIND_WEEKEND);
  EXPECT_EQ(elsewhere[0].calendar(), "regions/330000/calendars/2026");
  auto other_province = ResolveSchoolDays("2150010501", "500105", sat, sat, {province, county}, {});
  EXPECT_EQ(other_province[0].kind(), v1::SCHOOL_DAY_KIND_NO_CALENDAR);
  EXPECT_FALSE(other_province[0].has_term());
  // A deleted county calendar does not count.
  SchoolCalendar deleted = county;
  deleted.mutable_audit()->mutable_delete_time()->set_seconds(1);
  EXPECT_EQ(ResolveSchoolDays("2133102401", "331024", sat, sat, {province, deleted}, {})[0].calendar(),
            "regions/330000/calendars/2026");
}

TEST(SchoolDays, DatesBelongToTheSchoolYearOfTheirAutumnTerm) {
  const SchoolCalendar y2026 = Named(ValidCalendar(), "331024", 2026);
  EXPECT_EQ(SchoolYearOf({2026, 9, 1}, &y2026), 2026);
  EXPECT_EQ(SchoolYearOf({2026, 8, 31}, &y2026), 2025);
  EXPECT_EQ(SchoolYearOf({2027, 3, 1}, nullptr), 2026);
  // Late August 2027 lies in 2026学年's summer vacation.
  auto days = ResolveSchoolDays("2133102401", "331024", {2027, 8, 31}, {2027, 9, 1}, {y2026}, {});
  EXPECT_EQ(days[0].kind(), v1::SCHOOL_DAY_KIND_VACATION);
  EXPECT_EQ(days[0].holiday_name(), "暑假");
  EXPECT_EQ(days[1].kind(), v1::SCHOOL_DAY_KIND_NO_CALENDAR);  // 2027学年 has no calendar
}

TEST(SchoolDays, RegionsAboveASchool) {
  EXPECT_EQ(CalendarRegionsFor("331024"), (std::vector<std::string>{"331024", "331000", "330000"}));
  EXPECT_EQ(CalendarRegionsFor("331000"), (std::vector<std::string>{"331000", "330000"}));
  EXPECT_EQ(CalendarRegionsFor("330000"), (std::vector<std::string>{"330000"}));
}

// ---- dates and names -----------------------------------------------------------

TEST(CivilDates, WeekdaysAndRoundTrips) {
  EXPECT_EQ(IsoWeekday({1970, 1, 1}), 4);
  EXPECT_EQ(IsoWeekday({2026, 10, 1}), 4);
  EXPECT_EQ(IsoWeekday({2026, 10, 10}), 6);
  EXPECT_EQ(IsoWeekday({2027, 2, 22}), 1);
  for (int64_t n = -1000; n < 30000; n += 37) EXPECT_EQ(DayNumber(FromDayNumber(n)), n);
  EXPECT_TRUE(IsFullDate(D(2028, 2, 29)));
  EXPECT_FALSE(IsFullDate(D(2027, 2, 29)));
  EXPECT_FALSE(IsFullDate(D(0, 2, 1)));
  EXPECT_EQ(FormatDate(*ParseIsoDate("2026-10-01")), "2026-10-01");
  EXPECT_FALSE(ParseIsoDate("2026-13-01"));
  EXPECT_FALSE(ParseIsoDate("2026-1-01"));
}

TEST(Names, ParseAndFormat) {
  auto cal = ParseCalendarName("regions/331024/calendars/2026", "name");
  ASSERT_TRUE(cal.ok());
  EXPECT_EQ(cal->region_code, "331024");
  EXPECT_EQ(cal->school_year, 2026);
  for (const char* bad : {"", "regions/331024", "regions/33102/calendars/2026", "regions/331024/calendars/1999",
                          "regions/331024/calendar/2026", "regions/331024/calendars/2026/x"}) {
    EXPECT_EQ(ParseCalendarName(bad, "name").status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(*ParseRegionParent("regions/-", "parent"), "");
  EXPECT_EQ(*ParseRegionParent("regions/331024", "parent"), "331024");
  auto bell = ParseBellScheduleName("schools/2133102401/bellSchedules/winter-2026", "name");
  ASSERT_TRUE(bell.ok());
  EXPECT_EQ(bell->school_code, "2133102401");
  EXPECT_EQ(bell->id, "winter-2026");
  EXPECT_EQ(BellScheduleName("2133102401", "winter-2026"), "schools/2133102401/bellSchedules/winter-2026");
  for (const char* bad : {"schools/2133102401/bellSchedules/Winter", "schools/2133102401/bellSchedules/-x",
                          "schools/213310240/bellSchedules/x", "schools/2133102401/bells/x"}) {
    EXPECT_EQ(ParseBellScheduleName(bad, "name").status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(BellScheduleIdProblem(std::string(40, 'a')), "");
  EXPECT_NE(BellScheduleIdProblem(std::string(41, 'a')), "");
  EXPECT_EQ(*ParseSchoolParent("schools/-", "parent"), "");
}

// ---- access ----------------------------------------------------------------------

auth::Principal Who(auth::Role role, std::string region = "", std::string school = "") {
  auth::Principal p;
  p.role = role;
  p.region_prefix = std::move(region);
  p.school_code = std::move(school);
  return p;
}

struct AccessRow {
  std::string name;
  std::function<absl::Status()> check;
  bool allowed;
};

class CalendarAccess : public ::testing::TestWithParam<AccessRow> {};

TEST_P(CalendarAccess, Decides) {
  absl::Status st = GetParam().check();
  if (GetParam().allowed) {
    EXPECT_TRUE(st.ok()) << st;
  } else {
    EXPECT_EQ(st.code(), absl::StatusCode::kPermissionDenied);
  }
}

const auth::Principal kProvince = Who(auth::Role::kProvinceAdmin);
const auth::Principal kService = Who(auth::Role::kService);
const auth::Principal kXianju = Who(auth::Role::kCountyBureau, "331024");
const auth::Principal kTaizhou = Who(auth::Role::kCountyBureau, "3310");
const auth::Principal kHangzhou = Who(auth::Role::kCountyBureau, "3301");
const auth::Principal kAdmin = Who(auth::Role::kSchoolAdmin, "", "2133102401");
const auth::Principal kTeacher = Who(auth::Role::kTeacher, "", "2133102401");
const auth::Principal kTownship = Who(auth::Role::kTownshipHead, "331024103");

INSTANTIATE_TEST_SUITE_P(
    Rows, CalendarAccess,
    ::testing::Values(
        AccessRow{"province_writes_any_calendar", [] { return CanWriteCalendar(kProvince, "500105"); }, true},
        AccessRow{"service_writes_calendars", [] { return CanWriteCalendar(kService, "331024"); }, true},
        AccessRow{"county_writes_its_calendar", [] { return CanWriteCalendar(kXianju, "331024"); }, true},
        AccessRow{"county_may_not_write_the_provinces", [] { return CanWriteCalendar(kXianju, "330000"); }, false},
        AccessRow{"county_may_not_write_a_neighbours", [] { return CanWriteCalendar(kXianju, "331022"); }, false},
        AccessRow{"prefecture_writes_its_counties", [] { return CanWriteCalendar(kTaizhou, "331024"); }, true},
        AccessRow{"school_admin_may_not_write_calendars", [] { return CanWriteCalendar(kAdmin, "331024"); }, false},
        AccessRow{"teacher_may_not_write_calendars", [] { return CanWriteCalendar(kTeacher, "331024"); }, false},
        AccessRow{"county_reads_its_calendar", [] { return CanReadCalendar(kXianju, "331024"); }, true},
        AccessRow{"county_reads_the_calendars_above_it", [] { return CanReadCalendar(kXianju, "330000"); }, true},
        AccessRow{"county_reads_its_prefectures", [] { return CanReadCalendar(kXianju, "331000"); }, true},
        AccessRow{"county_may_not_read_a_neighbours", [] { return CanReadCalendar(kXianju, "331022"); }, false},
        AccessRow{"county_may_not_read_another_province", [] { return CanReadCalendar(kHangzhou, "500000"); }, false},
        AccessRow{"teacher_reads_calendars", [] { return CanReadCalendar(kTeacher, "331024"); }, true},
        AccessRow{"school_admin_reads_calendars", [] { return CanReadCalendar(kAdmin, "331024"); }, true},
        AccessRow{"admin_writes_own_bell_schedules", [] { return CanWriteBellSchedule(kAdmin, "2133102401", "331024"); }, true},
        AccessRow{"admin_may_not_write_anothers", [] { return CanWriteBellSchedule(kAdmin, "2133102402", "331024"); }, false},
        AccessRow{"admin_refused_before_lookup", [] { return MayWriteBellSchedulesAtAll(kAdmin, "2133102402"); }, false},
        AccessRow{"teacher_may_not_write_bell_schedules", [] { return MayWriteBellSchedulesAtAll(kTeacher, "2133102401"); }, false},
        AccessRow{"township_head_may_not_write_bell_schedules", [] { return MayWriteBellSchedulesAtAll(kTownship, "2133102401"); }, false},
        AccessRow{"county_writes_bell_schedules_inside", [] { return CanWriteBellSchedule(kXianju, "2133102401", "331024"); }, true},
        AccessRow{"county_may_not_write_outside", [] { return CanWriteBellSchedule(kHangzhou, "2133102401", "331024"); }, false},
        AccessRow{"province_writes_bell_schedules", [] { return CanWriteBellSchedule(kProvince, "2133102401", "331024"); }, true},
        AccessRow{"teacher_reads_bell_schedules", [] { return CanReadBellSchedule(kTeacher, "331024"); }, true},
        AccessRow{"county_may_not_read_outside", [] { return CanReadBellSchedule(kHangzhou, "331024"); }, false}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace gongtong::registry
