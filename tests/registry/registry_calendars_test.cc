// RegistryService calendars and bell schedules, in-process on the common
// runner against real PostgreSQL and Redis: validation (overlapping periods,
// seasons, terms, make-up days), access per role, etags, idempotency, soft
// delete, the change feed, and ResolveSchoolDays (R-SYNC-3).
#include <gtest/gtest.h>

#include <thread>

#include "common/auth/authenticator.h"
#include "common/pg/migrations.h"
#include "common/server/service_host.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/create_channel.h"
#include "local_servers.h"
#include "registry/rpc/registry_service.h"
#include "registry_test_server.h"
#include "test_keys.h"

namespace gongtong::pg {
const std::vector<Migration>& RegistryMigrations();
}

namespace gongtong::registry {
namespace {

using namespace std::chrono_literals;
using gongtong::testing::LocalPostgres;
using gongtong::testing::LocalRedis;
using gongtong::testing::TestAuth;
using gongtong::testing::UniqueSchema;
using google::type::DayOfWeek;
using Stub = rv1::RegistryService::Stub;
using testing::Call;
using testing::Caller;
using testing::Fields;
using testing::HasField;
using testing::kProvince;
using testing::RegistryServer;
using testing::Token;


std::string Code(int n) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "2133%06d", 700000 + n);
  return buf;
}


std::string AllFields(const grpc::Status& s) {
  std::string out = s.error_message() + " [";
  for (const auto& f : Fields(s)) out += f + " ";
  return out + "]";
}

google::type::Date D(int y, int m, int d) {
  google::type::Date out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}

google::type::TimeOfDay T(int h, int m) {
  google::type::TimeOfDay t;
  t.set_hours(h);
  t.set_minutes(m);
  return t;
}

const std::vector<DayOfWeek> kWeekdays = {google::type::MONDAY, google::type::TUESDAY, google::type::WEDNESDAY,
                                          google::type::THURSDAY, google::type::FRIDAY};

// A schedule whose periods are `n` lessons of 40 min from `h:m`, with `gap` min breaks.
rv1::BellSchedule Schedule(const std::string& name, int h, int m, int n = 4, int gap = 10,
                           rv1::BellScheduleSeason season = rv1::BELL_SCHEDULE_SEASON_ALL_YEAR) {
  rv1::BellSchedule s;
  s.set_display_name(name);
  s.set_season(season);
  if (season == rv1::BELL_SCHEDULE_SEASON_SUMMER) {
    *s.mutable_annual_start() = D(0, 5, 1);
    *s.mutable_annual_end() = D(0, 9, 30);
  } else if (season == rv1::BELL_SCHEDULE_SEASON_WINTER) {
    *s.mutable_annual_start() = D(0, 10, 1);
    *s.mutable_annual_end() = D(0, 4, 30);
  }
  *s.mutable_effective()->mutable_start_date() = D(2026, 9, 1);
  int start = h * 60 + m;
  for (int i = 1; i <= n; ++i) {
    auto* p = s.add_periods();
    p->set_number(i);
    p->set_display_name("第" + std::to_string(i) + "节");
    p->set_kind(rv1::PERIOD_KIND_LESSON);
    *p->mutable_start_time() = T(start / 60, start % 60);
    *p->mutable_end_time() = T((start + 40) / 60, (start + 40) % 60);
    for (auto d : kWeekdays) p->add_days(d);
    start += 40 + gap;
  }
  return s;
}

// 2026学年 with 国庆节 1–7 Oct and a make-up Saturday 10 Oct following Wednesday.
rv1::SchoolCalendar Calendar() {
  rv1::SchoolCalendar c;
  c.set_school_year(2026);
  auto* autumn = c.add_terms();
  autumn->set_term(gongtong::common::v1::TERM_KIND_AUTUMN);
  *autumn->mutable_dates()->mutable_start_date() = D(2026, 9, 1);
  *autumn->mutable_dates()->mutable_end_date() = D(2027, 1, 22);
  auto* spring = c.add_terms();
  spring->set_term(gongtong::common::v1::TERM_KIND_SPRING);
  *spring->mutable_dates()->mutable_start_date() = D(2027, 2, 22);
  *spring->mutable_dates()->mutable_end_date() = D(2027, 7, 2);
  auto* national = c.add_holidays();
  national->set_display_name("国庆节");
  national->set_kind(rv1::HOLIDAY_KIND_PUBLIC);
  *national->mutable_dates()->mutable_start_date() = D(2026, 10, 1);
  *national->mutable_dates()->mutable_end_date() = D(2026, 10, 7);
  auto* makeup = c.add_adjusted_days();
  *makeup->mutable_date() = D(2026, 10, 10);
  makeup->set_kind(rv1::ADJUSTED_DAY_KIND_MAKEUP_SCHOOL_DAY);
  makeup->set_follows_weekday(google::type::WEDNESDAY);
  makeup->set_note("国庆调休");
  return c;
}

class Calendars : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new RegistryServer("regcal"); }
  static void TearDownTestSuite() { delete server_; }
  Stub* stub() { return server_->stub(); }
  int64_t Changes() { return server_->Count("SELECT count(*) FROM changes"); }

  rv1::School NewSchool(int n, const std::string& region = "331024") {
    rv1::CreateSchoolRequest req;
    auto* s = req.mutable_school();
    s->set_school_code(Code(n));
    s->set_display_name("仙居县测试小学" + std::to_string(n));
    s->set_region_code(region);
    s->set_urban_rural_category(rv1::URBAN_RURAL_CATEGORY_VILLAGE);
    s->set_school_type_code("211");
    rv1::School out;
    grpc::Status st = Call(&Stub::CreateSchool, stub(), req, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }

  grpc::Status CreateSchedule(const std::string& school, const rv1::BellSchedule& s, rv1::BellSchedule* out,
                              const std::string& id = "", const Caller& c = kProvince) {
    rv1::CreateBellScheduleRequest req;
    req.set_parent(school);
    *req.mutable_bell_schedule() = s;
    req.set_bell_schedule_id(id);
    return Call(&Stub::CreateBellSchedule, stub(), req, out, c);
  }

  grpc::Status CreateCalendar(const std::string& region, const rv1::SchoolCalendar& c, rv1::SchoolCalendar* out,
                              const Caller& caller = kProvince) {
    rv1::CreateSchoolCalendarRequest req;
    req.set_parent("regions/" + region);
    *req.mutable_school_calendar() = c;
    return Call(&Stub::CreateSchoolCalendar, stub(), req, out, caller);
  }

  static RegistryServer* server_;
};
RegistryServer* Calendars::server_ = nullptr;

TEST_F(Calendars, BellSchedulesDifferBetweenSchoolsAndAreListed) {
  rv1::School xianju = NewSchool(1);
  rv1::School duiyang = NewSchool(2);
  rv1::BellSchedule a, b;
  ASSERT_TRUE(CreateSchedule(xianju.name(), Schedule("作息时间", 8, 0), &a, "all-year").ok());
  ASSERT_TRUE(CreateSchedule(duiyang.name(), Schedule("作息时间", 8, 10), &b).ok());
  EXPECT_EQ(a.name(), xianju.name() + "/bellSchedules/all-year");
  EXPECT_EQ(a.school(), xianju.name());
  EXPECT_EQ(a.etag(), "1");
  EXPECT_TRUE(a.audit().has_create_time());
  EXPECT_EQ(b.name().rfind(duiyang.name() + "/bellSchedules/bs-", 0), 0u) << b.name();  // server-chosen id

  rv1::GetBellScheduleRequest get;
  get.set_name(b.name());
  rv1::BellSchedule got;
  ASSERT_TRUE(Call(&Stub::GetBellSchedule, stub(), get, &got).ok());
  EXPECT_EQ(got.periods(0).start_time().minutes(), 10);  // 对垟 starts 08:10

  rv1::ListBellSchedulesRequest list;
  list.set_parent(xianju.name());
  rv1::ListBellSchedulesResponse resp;
  ASSERT_TRUE(Call(&Stub::ListBellSchedules, stub(), list, &resp).ok());
  ASSERT_EQ(resp.bell_schedules_size(), 1);
  EXPECT_EQ(resp.total_size(), 1);
  list.set_parent("schools/-");
  list.set_filter("region_code:\"331024\" AND effective_on = \"2026-10-08\" AND season = ALL_YEAR");
  list.set_page_size(1);
  ASSERT_TRUE(Call(&Stub::ListBellSchedules, stub(), list, &resp).ok());
  EXPECT_GE(resp.total_size(), 2);
  EXPECT_FALSE(resp.next_page_token().empty());
  list.set_filter("effective_on = \"2026-08-31\"");  // before they take effect
  resp.Clear();
  ASSERT_TRUE(Call(&Stub::ListBellSchedules, stub(), list, &resp).ok());
  EXPECT_EQ(resp.bell_schedules_size(), 0);
  list.set_page_size(-1);
  grpc::Status st = Call(&Stub::ListBellSchedules, stub(), list, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(st, "page_size"));
  list.set_page_size(0);
  list.set_filter("colour = red");
  st = Call(&Stub::ListBellSchedules, stub(), list, &resp);
  EXPECT_TRUE(HasField(st, "filter"));
}

struct BadSchedule {
  std::string name;
  std::function<void(rv1::CreateBellScheduleRequest&)> change;
  grpc::StatusCode code;
  std::string field;
};

class CalendarsBadSchedule : public Calendars, public ::testing::WithParamInterface<BadSchedule> {};

TEST_P(CalendarsBadSchedule, IsRefusedNamingTheFieldAndWritesNothing) {
  static const rv1::School school = NewSchool(10);
  rv1::CreateBellScheduleRequest req;
  req.set_parent(school.name());
  *req.mutable_bell_schedule() = Schedule("作息时间", 8, 0);
  GetParam().change(req);
  const int64_t before = Changes();
  const int64_t schedules = server_->Count("SELECT count(*) FROM bell_schedules");
  rv1::BellSchedule out;
  grpc::Status st = Call(&Stub::CreateBellSchedule, stub(), req, &out);
  EXPECT_EQ(st.error_code(), GetParam().code) << AllFields(st);
  if (!GetParam().field.empty()) {
    EXPECT_TRUE(HasField(st, GetParam().field)) << AllFields(st);
  }
  EXPECT_EQ(Changes(), before);
  EXPECT_EQ(server_->Count("SELECT count(*) FROM bell_schedules"), schedules);
}

INSTANTIATE_TEST_SUITE_P(
    Rows, CalendarsBadSchedule,
    ::testing::Values(
        BadSchedule{"overlapping_periods",
                    [](auto& r) { *r.mutable_bell_schedule()->mutable_periods(3)->mutable_start_time() = T(10, 10); },
                    grpc::StatusCode::INVALID_ARGUMENT, "bell_schedule.periods[3].start_time"},
        BadSchedule{"end_before_start", [](auto& r) { *r.mutable_bell_schedule()->mutable_periods(0)->mutable_end_time() = T(7, 0); },
                    grpc::StatusCode::INVALID_ARGUMENT, "bell_schedule.periods[0].end_time"},
        BadSchedule{"no_weekdays", [](auto& r) { r.mutable_bell_schedule()->mutable_periods(1)->clear_days(); },
                    grpc::StatusCode::INVALID_ARGUMENT, "bell_schedule.periods[1].days"},
        BadSchedule{"season_missing", [](auto& r) { r.mutable_bell_schedule()->clear_season(); },
                    grpc::StatusCode::INVALID_ARGUMENT, "bell_schedule.season"},
        BadSchedule{"summer_without_range",
                    [](auto& r) { r.mutable_bell_schedule()->set_season(rv1::BELL_SCHEDULE_SEASON_SUMMER); },
                    grpc::StatusCode::INVALID_ARGUMENT, "bell_schedule.annual_start"},
        BadSchedule{"no_effective_date", [](auto& r) { r.mutable_bell_schedule()->clear_effective(); },
                    grpc::StatusCode::INVALID_ARGUMENT, "bell_schedule.effective.start_date"},
        BadSchedule{"bad_id", [](auto& r) { r.set_bell_schedule_id("Winter_2026"); }, grpc::StatusCode::INVALID_ARGUMENT,
                    "bell_schedule_id"},
        BadSchedule{"bad_parent", [](auto& r) { r.set_parent("schools/123"); }, grpc::StatusCode::INVALID_ARGUMENT, "parent"},
        BadSchedule{"missing_school_is_not_found", [](auto& r) { r.set_parent("schools/" + Code(999)); },
                    grpc::StatusCode::NOT_FOUND, ""}),
    [](const auto& info) { return info.param.name; });

TEST_F(Calendars, SeasonsMustNotOverlapAndDeletedSchoolsTakeNoSchedules) {
  rv1::School school = NewSchool(20);
  rv1::BellSchedule summer, winter, out;
  ASSERT_TRUE(CreateSchedule(school.name(), Schedule("夏季作息时间", 8, 0, 4, 10, rv1::BELL_SCHEDULE_SEASON_SUMMER), &summer,
                             "summer").ok());
  ASSERT_TRUE(CreateSchedule(school.name(), Schedule("冬季作息时间", 8, 20, 4, 10, rv1::BELL_SCHEDULE_SEASON_WINTER), &winter,
                             "winter").ok());
  const int64_t before = Changes();
  grpc::Status st = CreateSchedule(school.name(), Schedule("全年作息", 8, 0), &out, "all-year");
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << st.error_message();
  EXPECT_TRUE(HasField(st, "bell_schedule.effective"));
  EXPECT_NE(st.error_message().find("bellSchedules/"), std::string::npos) << st.error_message();
  st = CreateSchedule(school.name(), Schedule("夏季作息时间", 8, 0), &out, "summer");
  EXPECT_EQ(st.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_TRUE(HasField(st, "bell_schedule_id"));
  EXPECT_EQ(Changes(), before);

  // Winter deleted: an all-year schedule from next year may follow the summer one…
  rv1::DeleteBellScheduleRequest del;
  del.set_name(winter.name());
  ASSERT_TRUE(Call(&Stub::DeleteBellSchedule, stub(), del, &out).ok());
  EXPECT_EQ(Call(&Stub::DeleteBellSchedule, stub(), del, &out).error_code(), grpc::StatusCode::NOT_FOUND);
  rv1::BellSchedule all_year = Schedule("全年作息", 8, 0);
  *all_year.mutable_effective()->mutable_start_date() = D(2026, 10, 1);
  *all_year.mutable_effective()->mutable_end_date() = D(2027, 4, 30);
  ASSERT_TRUE(CreateSchedule(school.name(), all_year, &out, "all-year").ok());
  // …and restoring winter now would clash with it.
  rv1::UndeleteBellScheduleRequest undelete;
  undelete.set_name(winter.name());
  st = Call(&Stub::UndeleteBellSchedule, stub(), undelete, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(HasField(st, "name"));

  // A deleted school takes no new schedule.
  rv1::DeleteSchoolRequest del_school;
  del_school.set_name(school.name());
  rv1::School gone;
  ASSERT_TRUE(Call(&Stub::DeleteSchool, stub(), del_school, &gone).ok());
  rv1::BellSchedule later = Schedule("2028作息", 8, 0);
  *later.mutable_effective()->mutable_start_date() = D(2028, 9, 1);
  st = CreateSchedule(school.name(), later, &out, "y2028");
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << st.error_message();
  EXPECT_TRUE(HasField(st, "parent"));
}

TEST_F(Calendars, UpdateChecksEtagMaskAndOverlaps) {
  rv1::School school = NewSchool(30);
  rv1::BellSchedule s, out;
  ASSERT_TRUE(CreateSchedule(school.name(), Schedule("作息时间", 8, 0), &s, "main").ok());
  rv1::UpdateBellScheduleRequest up;
  *up.mutable_bell_schedule() = s;
  up.mutable_update_mask()->add_paths("periods");
  *up.mutable_bell_schedule()->mutable_periods(2)->mutable_start_time() = T(9, 0);  // into period 2
  const int64_t before = Changes();
  grpc::Status st = Call(&Stub::UpdateBellSchedule, stub(), up, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(st, "bell_schedule.periods[2].start_time")) << AllFields(st);
  EXPECT_EQ(Changes(), before);

  *up.mutable_bell_schedule()->mutable_periods(2)->mutable_start_time() = T(9, 30);  // touching: fine
  ASSERT_TRUE(Call(&Stub::UpdateBellSchedule, stub(), up, &out).ok());
  EXPECT_EQ(out.etag(), "2");
  EXPECT_EQ(out.periods(2).start_time().minutes(), 30);
  EXPECT_EQ(Call(&Stub::UpdateBellSchedule, stub(), up, &out).error_code(), grpc::StatusCode::ABORTED);  // stale etag
  up.mutable_bell_schedule()->set_etag("");
  up.mutable_update_mask()->add_paths("colour");
  st = Call(&Stub::UpdateBellSchedule, stub(), up, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(st, "update_mask.paths[1]"));
  up.mutable_update_mask()->Clear();
  up.mutable_update_mask()->add_paths("school");
  EXPECT_EQ(Call(&Stub::UpdateBellSchedule, stub(), up, &out).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  rv1::DeleteBellScheduleRequest del;
  del.set_name(s.name());
  del.set_etag("1");
  EXPECT_EQ(Call(&Stub::DeleteBellSchedule, stub(), del, &out).error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(server_->Count("SELECT version FROM bell_schedules WHERE school_code = '" + school.school_code() + "'"), 2);
}

TEST_F(Calendars, ARetryWithTheSameRequestIdReturnsTheFirstAnswer) {
  rv1::School school = NewSchool(40);
  rv1::CreateBellScheduleRequest req;
  req.set_parent(school.name());
  *req.mutable_bell_schedule() = Schedule("作息时间", 8, 0);
  req.set_request_id("7f0c1d2e-0001");
  rv1::BellSchedule first, second;
  ASSERT_TRUE(Call(&Stub::CreateBellSchedule, stub(), req, &first).ok());
  const int64_t after_first = Changes();
  ASSERT_TRUE(Call(&Stub::CreateBellSchedule, stub(), req, &second).ok());  // the retry: same server-chosen id
  EXPECT_EQ(second.SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(Changes(), after_first);
  req.mutable_bell_schedule()->set_display_name("另一个请求");
  grpc::Status reused = Call(&Stub::CreateBellSchedule, stub(), req, &second);
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(reused, "request_id"));

  rv1::CreateSchoolCalendarRequest cal;
  cal.set_parent("regions/331040");
  *cal.mutable_school_calendar() = Calendar();
  cal.set_request_id("7f0c1d2e-0002");
  rv1::SchoolCalendar c1, c2;
  ASSERT_TRUE(Call(&Stub::CreateSchoolCalendar, stub(), cal, &c1).ok());
  ASSERT_TRUE(Call(&Stub::CreateSchoolCalendar, stub(), cal, &c2).ok());
  EXPECT_EQ(c1.SerializeAsString(), c2.SerializeAsString());
  cal.set_request_id("");
  EXPECT_EQ(Call(&Stub::CreateSchoolCalendar, stub(), cal, &c2).error_code(), grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(Calendars, EachRoleHitsItsWall) {
  rv1::School school = NewSchool(50);
  const Caller county{auth::Role::kCountyBureau, "331024", ""};
  const Caller other_county{auth::Role::kCountyBureau, "3301", ""};
  const Caller admin{auth::Role::kSchoolAdmin, "", school.school_code()};
  const Caller other_admin{auth::Role::kSchoolAdmin, "", Code(51)};
  const Caller teacher{auth::Role::kTeacher, "", school.school_code()};
  rv1::BellSchedule out;
  const int64_t before = Changes();
  EXPECT_EQ(CreateSchedule(school.name(), Schedule("作息", 8, 0), &out, "t", teacher).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CreateSchedule(school.name(), Schedule("作息", 8, 0), &out, "o", other_admin).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CreateSchedule(school.name(), Schedule("作息", 8, 0), &out, "c", other_county).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Access is decided before validation: an invalid schedule from a teacher is still PERMISSION_DENIED.
  EXPECT_EQ(CreateSchedule(school.name(), rv1::BellSchedule(), &out, "t", teacher).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // …and a county bureau cannot learn whether a school outside its region exists.
  EXPECT_EQ(CreateSchedule("schools/" + Code(998), Schedule("作息", 8, 0), &out, "x", other_county).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Changes(), before);
  rv1::BellSchedule winter, summer;
  ASSERT_TRUE(CreateSchedule(school.name(), Schedule("冬季", 8, 20, 4, 10, rv1::BELL_SCHEDULE_SEASON_WINTER), &winter,
                             "winter", admin).ok());
  ASSERT_TRUE(CreateSchedule(school.name(), Schedule("夏季", 8, 0, 4, 10, rv1::BELL_SCHEDULE_SEASON_SUMMER), &summer,
                             "summer", county).ok());

  rv1::GetBellScheduleRequest get;
  get.set_name(winter.name());
  EXPECT_TRUE(Call(&Stub::GetBellSchedule, stub(), get, &out, teacher).ok());
  EXPECT_TRUE(Call(&Stub::GetBellSchedule, stub(), get, &out, county).ok());
  EXPECT_EQ(Call(&Stub::GetBellSchedule, stub(), get, &out, other_county).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  rv1::ListBellSchedulesRequest list;
  list.set_parent("schools/-");
  rv1::ListBellSchedulesResponse listed;
  ASSERT_TRUE(Call(&Stub::ListBellSchedules, stub(), list, &listed, other_county).ok());
  EXPECT_EQ(listed.bell_schedules_size(), 0);  // filtered silently
  rv1::DeleteBellScheduleRequest del;
  del.set_name(winter.name());
  EXPECT_EQ(Call(&Stub::DeleteBellSchedule, stub(), del, &out, teacher).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(&Stub::DeleteBellSchedule, stub(), del, &out, other_admin).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(Call(&Stub::DeleteBellSchedule, stub(), del, &out, admin).ok());

  // Calendars: the province and a county bureau for its own region write; everyone reads.
  rv1::SchoolCalendar cal;
  EXPECT_EQ(CreateCalendar("331024", Calendar(), &cal, admin).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CreateCalendar("331024", Calendar(), &cal, teacher).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CreateCalendar("330000", Calendar(), &cal, county).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CreateCalendar("331024", Calendar(), &cal, other_county).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  rv1::SchoolCalendar broken;  // access before validation
  EXPECT_EQ(CreateCalendar("331024", broken, &cal, admin).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(CreateCalendar("331024", Calendar(), &cal, county).ok());
  ASSERT_TRUE(CreateCalendar("330000", Calendar(), &cal).ok());
  rv1::GetSchoolCalendarRequest get_cal;
  get_cal.set_name("regions/331024/calendars/2026");
  EXPECT_TRUE(Call(&Stub::GetSchoolCalendar, stub(), get_cal, &cal, teacher).ok());
  EXPECT_TRUE(Call(&Stub::GetSchoolCalendar, stub(), get_cal, &cal, admin).ok());
  EXPECT_EQ(Call(&Stub::GetSchoolCalendar, stub(), get_cal, &cal, other_county).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  get_cal.set_name("regions/330000/calendars/2026");  // the province's calendar applies to the county's schools
  EXPECT_TRUE(Call(&Stub::GetSchoolCalendar, stub(), get_cal, &cal, county).ok());
  rv1::ListSchoolCalendarsRequest list_cal;
  list_cal.set_parent("regions/-");
  rv1::ListSchoolCalendarsResponse cals;
  ASSERT_TRUE(Call(&Stub::ListSchoolCalendars, stub(), list_cal, &cals, county).ok());
  for (const auto& c : cals.school_calendars()) {
    EXPECT_TRUE(c.region_code() == "331024" || c.region_code() == "331000" || c.region_code() == "330000") << c.name();
  }
  EXPECT_GE(cals.school_calendars_size(), 2);
  rv1::DeleteSchoolCalendarRequest del_cal;
  del_cal.set_name("regions/330000/calendars/2026");
  EXPECT_EQ(Call(&Stub::DeleteSchoolCalendar, stub(), del_cal, &cal, county).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

struct BadCalendar {
  std::string name;
  std::function<void(rv1::SchoolCalendar&)> change;
  std::string field;
};

class CalendarsBadCalendar : public Calendars, public ::testing::WithParamInterface<BadCalendar> {};

TEST_P(CalendarsBadCalendar, IsRefusedNamingTheFieldAndWritesNothing) {
  rv1::SchoolCalendar c = Calendar();
  GetParam().change(c);
  const int64_t before = Changes();
  rv1::SchoolCalendar out;
  grpc::Status st = CreateCalendar("331030", c, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << AllFields(st);
  EXPECT_TRUE(HasField(st, GetParam().field)) << AllFields(st);
  EXPECT_EQ(Changes(), before);
  EXPECT_EQ(server_->Count("SELECT count(*) FROM school_calendars WHERE region_code = '331030'"), 0);
}

INSTANTIATE_TEST_SUITE_P(
    Rows, CalendarsBadCalendar,
    ::testing::Values(
        BadCalendar{"one_term", [](auto& c) { c.mutable_terms()->RemoveLast(); }, "school_calendar.terms"},
        BadCalendar{"terms_overlap", [](auto& c) { *c.mutable_terms(1)->mutable_dates()->mutable_start_date() = D(2027, 1, 10); },
                    "school_calendar.terms[1].dates.start_date"},
        BadCalendar{"autumn_in_another_year",
                    [](auto& c) { *c.mutable_terms(0)->mutable_dates()->mutable_start_date() = D(2025, 9, 1); },
                    "school_calendar.terms[0].dates.start_date"},
        BadCalendar{"makeup_on_a_friday", [](auto& c) { *c.mutable_adjusted_days(0)->mutable_date() = D(2026, 10, 9); },
                    "school_calendar.adjusted_days[0].date"},
        BadCalendar{"makeup_inside_the_holiday", [](auto& c) { *c.mutable_adjusted_days(0)->mutable_date() = D(2026, 10, 4); },
                    "school_calendar.adjusted_days[0].date"},
        BadCalendar{"makeup_following_sunday",
                    [](auto& c) { c.mutable_adjusted_days(0)->set_follows_weekday(google::type::SUNDAY); },
                    "school_calendar.adjusted_days[0].follows_weekday"},
        BadCalendar{"holiday_outside_the_year",
                    [](auto& c) { *c.mutable_holidays(0)->mutable_dates()->mutable_start_date() = D(2026, 8, 1); },
                    "school_calendar.holidays[0].dates"},
        BadCalendar{"no_year", [](auto& c) { c.clear_school_year(); }, "school_calendar.school_year"}),
    [](const auto& info) { return info.param.name; });

TEST_F(Calendars, CalendarLifecycleAndTheChangeFeed) {
  rv1::SchoolCalendar c, out;
  ASSERT_TRUE(CreateCalendar("331050", Calendar(), &c).ok());
  EXPECT_EQ(c.name(), "regions/331050/calendars/2026");
  EXPECT_EQ(c.region_code(), "331050");
  EXPECT_EQ(c.etag(), "1");
  rv1::UpdateSchoolCalendarRequest up;
  *up.mutable_school_calendar() = c;
  up.mutable_update_mask()->add_paths("adjusted_days");
  up.mutable_school_calendar()->mutable_adjusted_days(0)->set_follows_weekday(google::type::THURSDAY);
  ASSERT_TRUE(Call(&Stub::UpdateSchoolCalendar, stub(), up, &out).ok());
  EXPECT_EQ(out.etag(), "2");
  EXPECT_EQ(Call(&Stub::UpdateSchoolCalendar, stub(), up, &out).error_code(), grpc::StatusCode::ABORTED);
  up.mutable_school_calendar()->set_etag("");
  up.mutable_update_mask()->Clear();
  up.mutable_update_mask()->add_paths("school_year");
  grpc::Status st = Call(&Stub::UpdateSchoolCalendar, stub(), up, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(st, "update_mask.paths[0]"));
  rv1::DeleteSchoolCalendarRequest del;
  del.set_name(c.name());
  ASSERT_TRUE(Call(&Stub::DeleteSchoolCalendar, stub(), del, &out).ok());
  EXPECT_TRUE(out.audit().has_delete_time());
  up.mutable_update_mask()->Clear();
  up.mutable_update_mask()->add_paths("holidays");
  EXPECT_EQ(Call(&Stub::UpdateSchoolCalendar, stub(), up, &out).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  rv1::UndeleteSchoolCalendarRequest undelete;
  undelete.set_name(c.name());
  ASSERT_TRUE(Call(&Stub::UndeleteSchoolCalendar, stub(), undelete, &out).ok());
  EXPECT_EQ(Call(&Stub::UndeleteSchoolCalendar, stub(), undelete, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  rv1::ListChangesRequest next;
  next.set_filter("resource_type = RESOURCE_TYPE_SCHOOL_CALENDAR AND region_code:\"331050\"");
  rv1::ListChangesResponse all;
  ASSERT_TRUE(Call(&Stub::ListChanges, stub(), next, &all).ok());
  ASSERT_EQ(all.changes_size(), 4);
  EXPECT_EQ(all.changes(0).kind(), rv1::CHANGE_KIND_CREATED);
  EXPECT_EQ(all.changes(0).school_calendar().name(), c.name());
  EXPECT_EQ(all.changes(1).kind(), rv1::CHANGE_KIND_UPDATED);
  EXPECT_EQ(all.changes(1).changed_fields().paths(0), "adjusted_days");
  EXPECT_EQ(all.changes(2).kind(), rv1::CHANGE_KIND_DELETED);
  EXPECT_FALSE(all.changes(2).has_school_calendar());  // a tombstone with natural keys
  EXPECT_EQ(all.changes(2).natural_key().region_code(), "331050");
  EXPECT_EQ(all.changes(2).natural_key().school_year(), 2026);
  EXPECT_EQ(all.changes(3).kind(), rv1::CHANGE_KIND_UNDELETED);
  EXPECT_EQ(all.changes(3).version(), 4);
  EXPECT_EQ(server_->Count("SELECT count(*) FROM outbox WHERE aggregate_id = '" + c.name() +
                           "' AND event_type = 'gongtong.events.v1.SchoolCalendarDeleted'"),
            1);
}

TEST_F(Calendars, BellScheduleChangesReachTheFeedWithNaturalKeys) {
  rv1::School school = NewSchool(60);
  rv1::BellSchedule s, out;
  ASSERT_TRUE(CreateSchedule(school.name(), Schedule("作息时间", 8, 0), &s, "main").ok());
  rv1::DeleteBellScheduleRequest del;
  del.set_name(s.name());
  ASSERT_TRUE(Call(&Stub::DeleteBellSchedule, stub(), del, &out).ok());
  rv1::ListChangesRequest req;
  req.set_filter("resource_type = RESOURCE_TYPE_BELL_SCHEDULE AND school_code = \"" + school.school_code() + "\"");
  rv1::ListChangesResponse feed;
  ASSERT_TRUE(Call(&Stub::ListChanges, stub(), req, &feed).ok());
  ASSERT_EQ(feed.changes_size(), 2);
  EXPECT_EQ(feed.changes(0).bell_schedule().name(), s.name());
  EXPECT_EQ(feed.changes(1).kind(), rv1::CHANGE_KIND_DELETED);
  EXPECT_EQ(feed.changes(1).natural_key().school_code(), school.school_code());
  EXPECT_EQ(feed.changes(1).natural_key().resource_id(), "main");
  // A county bureau's feed carries its region's bell schedules.
  rv1::ListChangesResponse county_feed;
  ASSERT_TRUE(Call(&Stub::ListChanges, stub(), req, &county_feed, {auth::Role::kCountyBureau, "331024", ""}).ok());
  EXPECT_EQ(county_feed.changes_size(), 2);
  EXPECT_EQ(server_->Count("SELECT count(*) FROM outbox WHERE aggregate_id = '" + s.name() +
                           "' AND event_type IN ('gongtong.events.v1.BellScheduleChanged', "
                           "'gongtong.events.v1.BellScheduleDeleted')"),
            2);
}

TEST_F(Calendars, ResolveSchoolDaysOverAWeekWithAHolidayAndAMakeupSaturday) {
  const std::string region = "331060";
  rv1::School school = NewSchool(70, region);
  rv1::SchoolCalendar cal;
  ASSERT_TRUE(CreateCalendar(region, Calendar(), &cal).ok());
  rv1::BellSchedule summer, winter;
  ASSERT_TRUE(CreateSchedule(school.name(), Schedule("夏季作息", 8, 0, 4, 10, rv1::BELL_SCHEDULE_SEASON_SUMMER), &summer,
                             "summer").ok());
  ASSERT_TRUE(CreateSchedule(school.name(), Schedule("冬季作息", 8, 20, 4, 10, rv1::BELL_SCHEDULE_SEASON_WINTER), &winter,
                             "winter").ok());
  rv1::ResolveSchoolDaysRequest req;
  req.set_school(school.name());
  *req.mutable_dates()->mutable_start_date() = D(2026, 10, 5);  // Monday
  *req.mutable_dates()->mutable_end_date() = D(2026, 10, 11);   // Sunday
  rv1::ResolveSchoolDaysResponse resp;
  const Caller teacher{auth::Role::kTeacher, "", school.school_code()};
  ASSERT_TRUE(Call(&Stub::ResolveSchoolDays, stub(), req, &resp, teacher).ok());
  ASSERT_EQ(resp.days_size(), 7);
  for (int i = 0; i < 3; ++i) {  // Mon–Wed: 国庆节
    EXPECT_EQ(resp.days(i).kind(), rv1::SCHOOL_DAY_KIND_HOLIDAY) << i;
    EXPECT_EQ(resp.days(i).holiday_name(), "国庆节");
    EXPECT_EQ(resp.days(i).periods_size(), 0);
    EXPECT_EQ(resp.days(i).term().term(), gongtong::common::v1::TERM_KIND_AUTUMN);
  }
  for (int i = 3; i < 5; ++i) {  // Thu, Fri: school days on the winter schedule (from 1 Oct)
    EXPECT_EQ(resp.days(i).kind(), rv1::SCHOOL_DAY_KIND_SCHOOL_DAY) << i;
    EXPECT_EQ(resp.days(i).timetable_weekday(), static_cast<DayOfWeek>(4 + i - 3));
    EXPECT_EQ(resp.days(i).bell_schedule(), winter.name());
    ASSERT_EQ(resp.days(i).periods_size(), 4);
    EXPECT_EQ(resp.days(i).periods(0).start_time().minutes(), 20);
  }
  EXPECT_EQ(resp.days(5).kind(), rv1::SCHOOL_DAY_KIND_MAKEUP_SCHOOL_DAY);  // Sat 10 Oct
  EXPECT_EQ(resp.days(5).timetable_weekday(), google::type::WEDNESDAY);
  EXPECT_EQ(resp.days(5).holiday_name(), "国庆调休");
  EXPECT_EQ(resp.days(5).periods_size(), 4);
  EXPECT_EQ(resp.days(6).kind(), rv1::SCHOOL_DAY_KIND_WEEKEND);
  EXPECT_EQ(resp.days(6).periods_size(), 0);
  EXPECT_EQ(resp.days(6).calendar(), "regions/" + region + "/calendars/2026");

  // Late September still runs on the summer schedule.
  *req.mutable_dates()->mutable_start_date() = D(2026, 9, 30);
  *req.mutable_dates()->mutable_end_date() = D(2026, 9, 30);
  ASSERT_TRUE(Call(&Stub::ResolveSchoolDays, stub(), req, &resp).ok());
  EXPECT_EQ(resp.days(resp.days_size() - 1).bell_schedule(), summer.name());

  // Bad ranges and unknown schools.
  *req.mutable_dates()->mutable_end_date() = D(2027, 11, 30);
  grpc::Status st = Call(&Stub::ResolveSchoolDays, stub(), req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(st, "dates"));
  req.mutable_dates()->clear_end_date();
  EXPECT_TRUE(HasField(Call(&Stub::ResolveSchoolDays, stub(), req, &resp), "dates.end_date"));
  *req.mutable_dates()->mutable_end_date() = D(2026, 10, 1);
  req.set_school("schools/" + Code(997));
  EXPECT_EQ(Call(&Stub::ResolveSchoolDays, stub(), req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
  req.set_school(school.name());
  EXPECT_EQ(Call(&Stub::ResolveSchoolDays, stub(), req, &resp, {auth::Role::kCountyBureau, "3301", ""}).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace gongtong::registry
