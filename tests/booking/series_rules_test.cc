// Recurring series dates (issue 4 "Recurring series"; registry SchoolDay
// kinds): one row per case. September 2026: the 7th is a Monday.
#include <gtest/gtest.h>

#include <functional>

#include "booking/domain/civil.h"
#include "booking/domain/series_dates.h"
#include "booking/domain/series_template.h"
#include "common/status/error.h"

namespace gongtong::booking {

std::vector<std::string> FieldsOf(const absl::Status& s);  // session_rules_test.cc
// OK when `fields` is empty, else INVALID_ARGUMENT naming exactly `fields`,
// with a zh-CN message (session_rules_test.cc).
void ExpectFields(const absl::Status& st, const std::vector<std::string>& fields);
void ExpectField(const absl::Status& st, const std::string& field);  // "" = OK

namespace {

using absl::CivilDay;
using absl::Weekday;

const std::string kHost = "schools/3310240001";
const std::string kReceiver = "schools/3310240002";

// A term's days: Monday–Friday SCHOOL_DAY, weekends WEEKEND.
SchoolDays Term(CivilDay first, CivilDay last) {
  SchoolDays days;
  for (CivilDay d = first; d <= last; ++d) {
    const Weekday w = absl::GetWeekday(d);
    const bool weekend = w == Weekday::saturday || w == Weekday::sunday;
    days[d] = DayInfo{weekend ? v1reg::SCHOOL_DAY_KIND_WEEKEND : v1reg::SCHOOL_DAY_KIND_SCHOOL_DAY, w, ""};
  }
  return days;
}

struct Expect {
  CivilDay date;
  CandidateKind kind;
  std::string blocking_school;
  std::string why;
};

struct SeriesRow {
  const char* rule_case;
  SeriesSpec spec;
  std::function<void(SchoolDays& host, SchoolDays& receiver)> change;
  std::vector<Expect> want;
};
void PrintTo(const SeriesRow& r, std::ostream* os) { *os << r.rule_case; }

class ExpandSeriesTest : public ::testing::TestWithParam<SeriesRow> {};

TEST_P(ExpandSeriesTest, Row) {
  const SeriesRow& r = GetParam();
  SchoolDays host = Term(CivilDay(2026, 9, 1), CivilDay(2026, 10, 31));
  SchoolDays receiver = host;
  if (r.change) r.change(host, receiver);
  const auto got = ExpandSeries(r.spec, kHost, {{kHost, host}, {kReceiver, receiver}});
  ASSERT_EQ(got.size(), r.want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    SCOPED_TRACE(FormatDay(r.want[i].date));
    EXPECT_EQ(got[i].date, r.want[i].date);
    EXPECT_EQ(got[i].kind, r.want[i].kind);
    EXPECT_EQ(got[i].blocking_school, r.want[i].blocking_school);
    EXPECT_EQ(got[i].why, r.want[i].why);
  }
}

constexpr auto kOk = CandidateKind::kBookable;
constexpr auto kHol = CandidateKind::kHoliday;
SeriesSpec Spec(std::vector<Weekday> w, int interval, CivilDay first, CivilDay last, bool follow = true) {
  return SeriesSpec{std::move(w), interval, first, last, follow};
}
void MakeupSunday(SchoolDays& days) {
  days[CivilDay(2026, 9, 20)] = DayInfo{v1reg::SCHOOL_DAY_KIND_MAKEUP_SCHOOL_DAY, Weekday::monday, "调休补课"};
}

INSTANTIATE_TEST_SUITE_P(
    Series, ExpandSeriesTest,
    ::testing::Values(
        SeriesRow{"weekly Monday and Wednesday",
                  Spec({Weekday::monday, Weekday::wednesday}, 1, CivilDay(2026, 9, 7), CivilDay(2026, 9, 16)),
                  nullptr,
                  {{CivilDay(2026, 9, 7), kOk, "", ""},
                   {CivilDay(2026, 9, 9), kOk, "", ""},
                   {CivilDay(2026, 9, 14), kOk, "", ""},
                   {CivilDay(2026, 9, 16), kOk, "", ""}}},
        SeriesRow{"interval 2 counts Monday-based weeks from the first date's week",
                  Spec({Weekday::monday, Weekday::wednesday}, 2, CivilDay(2026, 9, 9), CivilDay(2026, 10, 4)),
                  nullptr,
                  {{CivilDay(2026, 9, 9), kOk, "", ""},
                   {CivilDay(2026, 9, 21), kOk, "", ""},
                   {CivilDay(2026, 9, 23), kOk, "", ""}}},
        SeriesRow{"interval 0 means every week",
                  Spec({Weekday::friday}, 0, CivilDay(2026, 9, 7), CivilDay(2026, 9, 20)), nullptr,
                  {{CivilDay(2026, 9, 11), kOk, "", ""}, {CivilDay(2026, 9, 18), kOk, "", ""}}},
        SeriesRow{"a holiday on a weekday is reported as skipped, naming it",
                  Spec({Weekday::wednesday}, 1, CivilDay(2026, 9, 7), CivilDay(2026, 9, 20)),
                  [](SchoolDays& h, SchoolDays& r) {
                    h[CivilDay(2026, 9, 16)] = DayInfo{v1reg::SCHOOL_DAY_KIND_HOLIDAY, Weekday::wednesday, "运动会"};
                  },
                  {{CivilDay(2026, 9, 9), kOk, "", ""}, {CivilDay(2026, 9, 16), kHol, kHost, "运动会"}}},
        SeriesRow{"a make-up Sunday following Monday gets an occurrence",
                  Spec({Weekday::monday}, 1, CivilDay(2026, 9, 14), CivilDay(2026, 9, 21)),
                  [](SchoolDays& h, SchoolDays& r) { MakeupSunday(h), MakeupSunday(r); },
                  {{CivilDay(2026, 9, 14), kOk, "", ""},
                   {CivilDay(2026, 9, 20), kOk, "", ""},
                   {CivilDay(2026, 9, 21), kOk, "", ""}}},
        SeriesRow{"a make-up Sunday is not followed when follow_makeup_days is off",
                  Spec({Weekday::monday}, 1, CivilDay(2026, 9, 14), CivilDay(2026, 9, 21), false),
                  [](SchoolDays& h, SchoolDays& r) { MakeupSunday(h), MakeupSunday(r); },
                  {{CivilDay(2026, 9, 14), kOk, "", ""}, {CivilDay(2026, 9, 21), kOk, "", ""}}},
        SeriesRow{"a make-up Sunday following Tuesday is no Monday occurrence",
                  Spec({Weekday::monday}, 1, CivilDay(2026, 9, 19), CivilDay(2026, 9, 20)),
                  [](SchoolDays& h, SchoolDays& r) {
                    h[CivilDay(2026, 9, 20)] = DayInfo{v1reg::SCHOOL_DAY_KIND_MAKEUP_SCHOOL_DAY, Weekday::tuesday, ""};
                  },
                  {}},
        SeriesRow{"the host's make-up Sunday is the receiver's weekend",
                  Spec({Weekday::monday}, 1, CivilDay(2026, 9, 20), CivilDay(2026, 9, 20)),
                  [](SchoolDays& h, SchoolDays& r) { MakeupSunday(h); },
                  {{CivilDay(2026, 9, 20), kHol, kReceiver, "周末"}}},
        SeriesRow{"a receiver's holiday blocks the date, naming the receiver",
                  Spec({Weekday::monday}, 1, CivilDay(2026, 9, 14), CivilDay(2026, 9, 21)),
                  [](SchoolDays& h, SchoolDays& r) {
                    r[CivilDay(2026, 9, 14)] = DayInfo{v1reg::SCHOOL_DAY_KIND_HOLIDAY, Weekday::monday, ""};
                  },
                  {{CivilDay(2026, 9, 14), kHol, kReceiver, "节假日"}, {CivilDay(2026, 9, 21), kOk, "", ""}}},
        SeriesRow{"the host's vacation, and a date past the calendar",
                  Spec({Weekday::thursday}, 1, CivilDay(2026, 10, 1), CivilDay(2026, 11, 5)),
                  [](SchoolDays& h, SchoolDays& r) {
                    h[CivilDay(2026, 10, 1)] = DayInfo{v1reg::SCHOOL_DAY_KIND_VACATION, Weekday::thursday, ""};
                  },
                  {{CivilDay(2026, 10, 1), kHol, kHost, "假期"},
                   {CivilDay(2026, 10, 8), kOk, "", ""},
                   {CivilDay(2026, 10, 15), kOk, "", ""},
                   {CivilDay(2026, 10, 22), kOk, "", ""},
                   {CivilDay(2026, 10, 29), kOk, "", ""},
                   {CivilDay(2026, 11, 5), kHol, kHost, "无校历"}}}));

// ---- ValidateSeriesShape ----

v1::SessionSeries ValidSeries() {
  v1::SessionSeries s;
  s.add_weekdays(google::type::MONDAY);
  s.add_weekdays(google::type::THURSDAY);
  s.set_interval_weeks(1);
  *s.mutable_dates()->mutable_start_date() = ToProtoDate(CivilDay(2026, 9, 1));
  *s.mutable_dates()->mutable_end_date() = ToProtoDate(CivilDay(2027, 1, 20));
  s.set_follow_makeup_days(true);
  return s;
}

struct ShapeRow {
  const char* rule_case;
  std::function<void(v1::SessionSeries&)> change;
  std::string field;  // "" = valid
};
void PrintTo(const ShapeRow& r, std::ostream* os) { *os << r.rule_case; }

class SeriesShapeTest : public ::testing::TestWithParam<ShapeRow> {};

TEST_P(SeriesShapeTest, Row) {
  v1::SessionSeries s = ValidSeries();
  if (GetParam().change) GetParam().change(s);
  const absl::Status st = ValidateSeriesShape(s);
  ExpectField(st, GetParam().field);
}

INSTANTIATE_TEST_SUITE_P(
    Series, SeriesShapeTest,
    ::testing::Values(
        ShapeRow{"valid", nullptr, ""},
        ShapeRow{"interval 0 means 1", [](auto& s) { s.set_interval_weeks(0); }, ""},
        ShapeRow{"exactly 200 days", [](auto& s) { *s.mutable_dates()->mutable_end_date() = ToProtoDate(CivilDay(2027, 3, 20)); }, ""},
        ShapeRow{"no weekday", [](auto& s) { s.clear_weekdays(); }, "series.weekdays"},
        ShapeRow{"six weekdays",
                 [](auto& s) {
                   for (auto d : {google::type::TUESDAY, google::type::WEDNESDAY, google::type::FRIDAY, google::type::SATURDAY})
                     s.add_weekdays(d);
                 },
                 "series.weekdays"},
        ShapeRow{"unspecified weekday", [](auto& s) { s.add_weekdays(google::type::DAY_OF_WEEK_UNSPECIFIED); }, "series.weekdays[2]"},
        ShapeRow{"weekday twice", [](auto& s) { s.add_weekdays(google::type::MONDAY); }, "series.weekdays[2]"},
        ShapeRow{"interval 5", [](auto& s) { s.set_interval_weeks(5); }, "series.interval_weeks"},
        ShapeRow{"negative interval", [](auto& s) { s.set_interval_weeks(-1); }, "series.interval_weeks"},
        ShapeRow{"no start date", [](auto& s) { s.mutable_dates()->clear_start_date(); }, "series.dates.start_date"},
        ShapeRow{"30 February", [](auto& s) { s.mutable_dates()->mutable_end_date()->set_month(2), s.mutable_dates()->mutable_end_date()->set_day(30); },
                 "series.dates.end_date"},
        ShapeRow{"end before start", [](auto& s) { *s.mutable_dates()->mutable_end_date() = ToProtoDate(CivilDay(2026, 8, 31)); }, "series.dates"},
        ShapeRow{"201 days", [](auto& s) { *s.mutable_dates()->mutable_end_date() = ToProtoDate(CivilDay(2027, 3, 21)); }, "series.dates"}));

TEST(SpecOfTest, ReadsTheSeries) {
  const SeriesSpec spec = SpecOf(ValidSeries());
  EXPECT_EQ(spec.weekdays, (std::vector<Weekday>{Weekday::monday, Weekday::thursday}));
  EXPECT_EQ(spec.interval_weeks, 1);
  EXPECT_EQ(spec.first, CivilDay(2026, 9, 1));
  EXPECT_EQ(spec.last, CivilDay(2027, 1, 20));
  EXPECT_TRUE(spec.follow_makeup_days);
}

// ---- the session template ----

v1::SessionTemplate ValidTemplate() {
  v1::SessionTemplate t;
  t.mutable_host()->set_teacher("teachers/wang-li");
  t.mutable_host()->set_classroom("schools/3310240001/classrooms/rec-1");
  t.mutable_host()->set_school_class("schools/3310240001/classes/c3-2");
  t.add_receiving_classes("schools/3310240002/classes/c3-1");
  t.mutable_subject()->set_code(common::v1::SUBJECT_CODE_MATHEMATICS);
  t.set_topic("分数的意义（第{n}课时）");
  t.set_mode(v1::SESSION_MODE_MASTER_TEACHER);
  t.set_host_period(2);
  return t;
}

TEST(OccurrenceOfTest, CopiesTheTemplateAndNumbersTheTopic) {
  const v1::Session s = OccurrenceOf(ValidTemplate(), CivilDay(2026, 9, 14), 3);
  EXPECT_EQ(s.topic(), "分数的意义（第3课时）");
  EXPECT_EQ(s.host().teacher(), "teachers/wang-li");
  ASSERT_EQ(s.receivers_size(), 1);
  EXPECT_EQ(s.receivers(0).school_class(), "schools/3310240002/classes/c3-1");
  EXPECT_EQ(ToCivilDay(s.window().date()), CivilDay(2026, 9, 14));
  EXPECT_EQ(s.host_period(), 2);
  EXPECT_FALSE(s.window().has_start_time());
  EXPECT_EQ(s.mode(), v1::SESSION_MODE_MASTER_TEACHER);
}

TEST(OccurrenceOfTest, ExplicitTimes) {
  v1::SessionTemplate t = ValidTemplate();
  t.set_host_period(0);
  *t.mutable_start_time() = ToTimeOfDay(8 * 60 + 10);
  *t.mutable_end_time() = ToTimeOfDay(8 * 60 + 40);
  const v1::Session s = OccurrenceOf(t, CivilDay(2026, 9, 14), 1);
  EXPECT_EQ(MinuteOfDay(s.window().start_time()), 8 * 60 + 10);
  EXPECT_EQ(MinuteOfDay(s.window().end_time()), 8 * 60 + 40);
}

struct TemplateRow {
  const char* rule_case;
  std::function<void(v1::SessionTemplate&)> change;
  std::vector<std::string> fields;  // empty = valid
};
void PrintTo(const TemplateRow& r, std::ostream* os) { *os << r.rule_case; }

class TemplateShapeTest : public ::testing::TestWithParam<TemplateRow> {};

TEST_P(TemplateShapeTest, Row) {
  v1::SessionTemplate t = ValidTemplate();
  if (GetParam().change) GetParam().change(t);
  const absl::Status st = ValidateTemplateShape(t);
  ExpectFields(st, GetParam().fields);
}

INSTANTIATE_TEST_SUITE_P(
    RSync1, TemplateShapeTest,
    ::testing::Values(
        TemplateRow{"R-SYNC-1 valid template", nullptr, {}},
        TemplateRow{"R-SYNC-1 receiving class malformed",
                    [](auto& t) { t.add_receiving_classes("schools/3310240002/classrooms/x"); },
                    {"series.session_template.receiving_classes[1]"}},
        TemplateRow{"R-SYNC-1 no receiving class", [](auto& t) { t.clear_receiving_classes(); },
                    {"series.session_template.receivers"}},
        TemplateRow{"R-SYNC-1 explicit end before start",
                    [](auto& t) {
                      t.set_host_period(0);
                      *t.mutable_start_time() = ToTimeOfDay(9 * 60);
                      *t.mutable_end_time() = ToTimeOfDay(8 * 60);
                    },
                    {"series.session_template.end_time"}},
        TemplateRow{"R-SYNC-1 topic required", [](auto& t) { t.clear_topic(); }, {"series.session_template.topic"}},
        TemplateRow{"R-SYNC-1 host teacher malformed", [](auto& t) { t.mutable_host()->set_teacher("x"); },
                    {"series.session_template.host.teacher"}},
        TemplateRow{"R-SYNC-3 override reason too long",
                    [](auto& t) { t.set_bell_schedule_override_reason(std::string(201, 'a')); },
                    {"series.session_template.bell_schedule_override_reason"}}));

}  // namespace
}  // namespace gongtong::booking
