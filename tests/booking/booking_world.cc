#include "booking_world.h"

#include <signal.h>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "booking/domain/lead_time.h"
#include "common/pg/migrations.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/create_channel.h"
#include "local_servers.h"
#include "test_keys.h"

namespace gongtong::pg {
const std::vector<Migration>& BookingMigrations();
}

namespace gongtong::booking::testing {

using gongtong::testing::LocalPostgres;
using gongtong::testing::LocalRedis;
using gongtong::testing::TestAuth;
using namespace std::chrono_literals;

Caller HostAdmin() { return SchoolAdmin(kHost); }
Caller SchoolAdmin(const std::string& code) { return {auth::Role::kSchoolAdmin, "", code, ""}; }
Caller County(const std::string& region) { return {auth::Role::kCountyBureau, region, "", ""}; }
Caller TeacherOf(const std::string& code, const std::string& teacher_id) {
  return {auth::Role::kTeacher, "", code, teacher_id};
}

std::string Token(const Caller& c) {
  auto r = TestAuth::Shared().Request(c.role);
  if (!c.region.empty()) r.region = c.region;
  if (!c.school.empty()) r.school = c.school;
  if (!c.teacher.empty()) r.teacher = c.teacher;
  return *auth::MintToken(r);
}

template <typename M>
M FromJson(const std::string& json) {
  M m;
  auto s = google::protobuf::util::JsonStringToMessage(json, &m);
  EXPECT_TRUE(s.ok()) << s.ToString() << "\n" << json;
  return m;
}
template bv1::Session FromJson<bv1::Session>(const std::string&);

namespace {

std::string DateJson(absl::CivilDay d) {
  return absl::StrFormat(R"({"year":%d,"month":%d,"day":%d})", d.year(), d.month(), d.day());
}

// The first day of the school year that `day` falls in (1 September).
absl::CivilDay SchoolYearStart(absl::CivilDay day) {
  const int y = static_cast<int>(day.month() >= 8 ? day.year() : day.year() - 1);
  return absl::CivilDay(y, 9, 1);
}

bool InTerm(absl::CivilDay d) {
  // Terms seeded below: 1 Sep – 22 Jan and 22 Feb – 2 Jul.
  const int m = d.month(), day = d.day();
  if (m >= 9) return true;
  if (m == 1) return day <= 22;
  if (m == 2) return day >= 22;
  if (m == 7) return day <= 2;
  return m >= 3 && m <= 6;
}

bool Weekday(absl::CivilDay d) {
  const auto w = absl::GetWeekday(d);
  return w != absl::Weekday::saturday && w != absl::Weekday::sunday;
}

// Registry calls made while seeding: each must succeed (or already exist).
template <typename Req, typename Resp>
void Seed(grpc::Status (RegistryStub::*method)(grpc::ClientContext*, const Req&, Resp*), RegistryStub* stub,
          const std::string& json) {
  Req req = FromJson<Req>(json);
  Resp resp;
  grpc::Status s = Call(method, stub, req, &resp);
  ASSERT_TRUE(s.ok() || s.error_code() == grpc::StatusCode::ALREADY_EXISTS)
      << s.error_code() << " " << s.error_message() << "\n" << json;
}

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

// Letters and digits of an id (staff numbers are [0-9A-Za-z]).
std::string Alnum(const std::string& id) {
  std::string out;
  for (char c : id) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += c;
  }
  return out;
}

std::string Lessons(const std::vector<std::string>& starts) {
  std::vector<std::string> out;
  int n = 0;
  for (const auto& s : starts) {
    ++n;
    const int h = std::stoi(s.substr(0, 2)), m = std::stoi(s.substr(3, 2));
    const int end = h * 60 + m + 40;
    out.push_back(absl::StrFormat(
        R"({"number":%d,"kind":"PERIOD_KIND_LESSON","startTime":{"hours":%d,"minutes":%d},"endTime":{"hours":%d,"minutes":%d},"days":["MONDAY","TUESDAY","WEDNESDAY","THURSDAY","FRIDAY","SATURDAY","SUNDAY"]})",
        n, h, m, end / 60, end % 60));
  }
  return absl::StrJoin(out, ",");
}

}  // namespace

BookingWorld& BookingWorld::Shared() {
  static BookingWorld* world = new BookingWorld();
  return *world;
}

BookingWorld::BookingWorld() {
  // The registry, as a process configured the way an operator would.
  const int registry_port = gongtong::testing::FreePort();
  const std::string registry_address = "127.0.0.1:" + std::to_string(registry_port);
  registry_process_ = std::make_unique<gongtong::testing::ServiceProcess>(
      gongtong::testing::BuildDir() + "/services/registry/gongtong-registry",
      std::map<std::string, std::string>{{"GONGTONG_LISTEN", registry_address},
                                         {"GONGTONG_PG_DSN", LocalPostgres::Shared().dsn()},
                                         {"GONGTONG_PG_SCHEMA", gongtong::testing::UniqueSchema("bkreg")},
                                         {"GONGTONG_REDIS_ADDR", LocalRedis::Shared().address()},
                                         {"GONGTONG_JWT_KEYS", TestAuth::Shared().key_file},
                                         {"GONGTONG_JWT_ISSUER", TestAuth::Shared().issuer},
                                         {"GONGTONG_LOG_LEVEL", "warn"}});
  if (!registry_process_->WaitForHealth(registry_address, "SERVING", 60s)) {
    ADD_FAILURE() << "registry did not start:\n" << registry_process_->log_text();
  }
  auto registry_channel = grpc::CreateChannel(registry_address, grpc::InsecureChannelCredentials());
  registry_ = rv1::RegistryService::NewStub(registry_channel);
  SeedRegistry();

  // The booking service in-process, wired like main.cc.
  // Sizes as in production by default; benchmarks raise them (environment).
  const int pool_size = EnvInt("BOOKING_WORLD_PG_POOL", 8), workers = EnvInt("BOOKING_WORLD_WORKERS", 16);
  pool_ = std::make_unique<pg::Pool>(
      pg::PoolOptions{LocalPostgres::Shared().dsn(), gongtong::testing::UniqueSchema("booking"), pool_size});
  EXPECT_TRUE(pool_->WithConnection([&](pqxx::connection& c) {
    return pg::ApplyMigrations(c, pool_->schema(), {&pg::CommonMigrations(), &pg::BookingMigrations()}).status();
  }).ok());
  redis_ = std::make_unique<redis::ClientPool>(LocalRedis::Shared().options(), workers);  // as service_main
  cache_ = std::make_unique<cache::ReadThroughCache>(redis_.get(), std::chrono::seconds(300));
  authenticator_ = std::make_unique<auth::Authenticator>(std::make_unique<auth::JwtVerifier>(
      TestAuth::Shared().KeySet(), auth::JwtPolicy{TestAuth::Shared().issuer, TestAuth::Shared().audience}));
  executor_ = std::make_unique<BoundedExecutor>(workers, 1024);
  edge_ = std::make_unique<RpcEdge>(authenticator_.get(), executor_.get());
  const std::string service_token = Token({auth::Role::kService, "", "", ""});
  view_ = std::make_unique<RegistryView>(registry_channel, [service_token] { return service_token; }, cache_.get(),
                                         redis_.get());
  sessions_ = std::make_unique<SessionStore>(pool_.get(), 500);
  policies_ = std::make_unique<PolicyStore>(pool_.get(), PolicyDefaults{}, sessions_.get());
  service_ = std::make_unique<BookingServiceImpl>(BookingDeps{edge_.get(), sessions_.get(), policies_.get(), view_.get()});
  HostOptions options;
  options.service = "booking";
  options.listen = "127.0.0.1:0";
  options.handle_signals = false;
  host_ = std::make_unique<ServiceHost>(options, pool_.get(), LocalRedis::Shared().options());
  host_->AddService(service_.get());
  host_->SetEdge(edge_.get());
  runner_ = std::thread([this] { host_->Run(); });
  EXPECT_TRUE(host_->WaitUntilStarted());
  booking_address_ = "127.0.0.1:" + std::to_string(host_->port());
  booking_ = bv1::BookingService::NewStub(grpc::CreateChannel(booking_address_, grpc::InsecureChannelCredentials()));
}

BookingWorld::~BookingWorld() {
  host_->RequestShutdown();
  runner_.join();
}

void BookingWorld::SeedRegistry() {
  RegistryStub* r = registry_.get();
  using S = RegistryStub;
  for (const auto& [code, name] : std::vector<std::pair<std::string, std::string>>{
           {kHost, "仙居县第一小学"}, {kMember2, "对垟小学"}, {kMember3, "十都英小学"}, {kOutsider, "横溪小学"}}) {
    Seed(&S::CreateSchool, r,
         absl::StrFormat(R"({"school":{"schoolCode":"%s","displayName":"%s","regionCode":"%s",)"
                         R"("urbanRuralCategory":"URBAN_RURAL_CATEGORY_VILLAGE","schoolTypeCode":"211"}})",
                         code, name, kRegion));
  }
  // Calendars of this school year and the next: terms, one public holiday.
  const absl::CivilDay today = LocalToday(absl::Now());
  holiday_ = SchoolDay(14, 3);
  for (int k = 0; k < 2; ++k) {
    const absl::CivilDay start = SchoolYearStart(today);
    const int y = static_cast<int>(start.year()) + k;
    std::string holidays;
    if (SchoolYearStart(holiday_).year() == y) {
      holidays = absl::StrFormat(R"({"displayName":"测试假日","kind":"HOLIDAY_KIND_PUBLIC","dates":{"startDate":%s,"endDate":%s}})",
                                 DateJson(holiday_), DateJson(holiday_));
    }
    Seed(&S::CreateSchoolCalendar, r,
         absl::StrFormat(R"({"parent":"regions/%s","schoolCalendar":{"schoolYear":%d,"terms":[)"
                         R"({"term":"TERM_KIND_AUTUMN","dates":{"startDate":%s,"endDate":%s}},)"
                         R"({"term":"TERM_KIND_SPRING","dates":{"startDate":%s,"endDate":%s}}],"holidays":[%s]}})",
                         kRegion, y, DateJson(absl::CivilDay(y, 9, 1)), DateJson(absl::CivilDay(y + 1, 1, 22)),
                         DateJson(absl::CivilDay(y + 1, 2, 22)), DateJson(absl::CivilDay(y + 1, 7, 2)), holidays));
  }
  const std::string effective = DateJson(absl::CivilDay(SchoolYearStart(today).year() - 1, 9, 1));
  const std::vector<std::pair<std::string, std::vector<std::string>>> bells = {
      {kHost, {"08:00", "08:50", "10:00", "10:50", "14:00", "14:50"}},
      {kMember2, {"08:10", "08:50", "10:00", "10:50", "14:00", "14:50"}},
      {kMember3, {"08:20", "09:10", "10:00", "11:00", "14:00", "14:50"}},
      {kOutsider, {"08:00", "08:50", "10:00", "10:50", "14:00", "14:50"}}};
  for (const auto& [code, starts] : bells) {
    Seed(&S::CreateBellSchedule, r,
         absl::StrFormat(R"({"parent":"schools/%s","bellScheduleId":"all-year","bellSchedule":{"displayName":"作息时间",)"
                         R"("season":"BELL_SCHEDULE_SEASON_ALL_YEAR","effective":{"startDate":%s},"periods":[%s]}})",
                         code, effective, Lessons(starts)));
  }
  Seed(&S::CreateCommunity, r,
       absl::StrFormat(R"({"communityId":"xj","community":{"displayName":"仙居县第一小学城乡教育共同体",)"
                       R"("type":"COMMUNITY_TYPE_CO_BUILT","coreSchool":"schools/%s","members":[{"school":"schools/%s"},)"
                       R"({"school":"schools/%s"}],"period":{"startDate":%s},"agreement":{"document":{"title":"《互促共建协议》"}},)"
                       R"("leadingGroup":[{"role":"LEADING_GROUP_ROLE_LEADER","person":{"displayName":"校长","position":"校长"}}]}})",
                       kHost, kMember2, kMember3, effective));
  for (const auto& member : {kMember2, kMember3}) {
    Seed(&S::CreatePairing, r,
         absl::StrFormat(R"({"parent":"communities/xj","pairingId":"p-%s","pairing":{"coreSchool":"schools/%s",)"
                         R"("memberSchool":"schools/%s","subjects":[{"code":"SUBJECT_CODE_MATHEMATICS"},{"code":"SUBJECT_CODE_CHINESE"}],)"
                         R"("coreContact":{"person":{"displayName":"分管校长","position":"分管校长"}},)"
                         R"("memberContact":{"person":{"displayName":"分管校长","position":"分管校长"}},"period":{"startDate":%s}}})",
                         std::string(member).substr(8), kHost, member, effective));
  }
  // Teachers.
  for (const auto& [id, subjects] : std::vector<std::pair<std::string, std::string>>{
           {"t-host-1", R"({"code":"SUBJECT_CODE_MATHEMATICS"},{"code":"SUBJECT_CODE_CHINESE"})"},
           {"t-host-2", R"({"code":"SUBJECT_CODE_MATHEMATICS"})"},
           {"t-other", R"({"code":"SUBJECT_CODE_ENGLISH"})"}}) {
    Seed(&S::CreateTeacher, r,
         absl::StrFormat(R"({"teacherId":"%s","teacher":{"staffNumber":"S%s","displayName":"教师%s","school":"schools/%s",)"
                         R"("subjects":[%s],"title":"TEACHER_TITLE_FIRST_GRADE","employmentStatus":"EMPLOYMENT_STATUS_ACTIVE"}})",
                         id, Alnum(id), id, kHost, subjects));
  }
  Seed(&S::CreateTeacher, r,
       absl::StrFormat(R"({"teacherId":"t-member","teacher":{"staffNumber":"SMEMBER","displayName":"成员校教师",)"
                       R"("school":"schools/%s","subjects":[{"code":"SUBJECT_CODE_MATHEMATICS"}],)"
                       R"("title":"TEACHER_TITLE_FIRST_GRADE","employmentStatus":"EMPLOYMENT_STATUS_ACTIVE"}})",
                       kMember2));
  // Classrooms and classes.
  for (const auto& [id, kind, streams] : std::vector<std::tuple<std::string, std::string, int>>{
           {"rec-1", "RECORDING", 2}, {"rec-2", "RECORDING", 4}, {"ord-1", "ORDINARY", 0}}) {
    Seed(&S::CreateClassroom, r,
         absl::StrFormat(R"({"parent":"schools/%s","classroomId":"%s","classroom":{"displayName":"教室%s",)"
                         R"("kind":"CLASSROOM_KIND_%s","capacity":50,"maxOutgoingStreams":%d}})",
                         kHost, id, id, kind, streams));
  }
  for (const auto& code : {kHost, kMember2, kMember3, kOutsider}) {
    for (int n = 1; n <= 4; ++n) {
      Seed(&S::CreateSchoolClass, r,
           absl::StrFormat(R"({"parent":"schools/%s","schoolClassId":"c%d","schoolClass":{"grade":"GRADE_3",)"
                           R"("classNumber":%d,"pupilCount":%d}})",
                           code, n, n, 30 + n));
    }
  }
}

absl::CivilDay BookingWorld::SchoolDay(int min_days_ahead, int nth) const {
  absl::CivilDay d = LocalToday(absl::Now()) + min_days_ahead;
  for (;; ++d) {
    if (!Weekday(d) || !InTerm(d) || d == holiday_) continue;
    if (nth-- == 0) return d;
  }
}

void BookingWorld::StopRegistry() {
  registry_process_->Signal(SIGKILL);
  registry_process_->WaitExit(std::chrono::seconds(10));
}

int64_t BookingWorld::Count(const std::string& sql) {
  int64_t n = -1;
  EXPECT_TRUE(pool_->Transact([&](pqxx::work& tx) {
    n = tx.exec1(sql)[0].as<int64_t>();
    return absl::OkStatus();
  }).ok());
  return n;
}

std::vector<bv1::BookingConflict> Conflicts(const grpc::Status& s) {
  const auto d = gongtong::testing::Detail<bv1::BookingConflictDetails>(s);
  return {d.conflicts().begin(), d.conflicts().end()};
}

bv1::Session SessionAt(absl::CivilDay day, int period, const std::string& teacher, const std::string& classroom,
                       const std::string& host_class, const std::vector<std::string>& receivers) {
  bv1::Session s;
  s.mutable_host()->set_teacher("teachers/" + teacher);
  s.mutable_host()->set_classroom(absl::StrCat("schools/", kHost, "/classrooms/", classroom));
  s.mutable_host()->set_school_class(absl::StrCat("schools/", kHost, "/classes/", host_class));
  for (const auto& r : receivers) {
    const auto slash = r.find('/');
    s.add_receivers()->set_school_class(absl::StrCat("schools/", r.substr(0, slash), "/classes/", r.substr(slash + 1)));
  }
  s.mutable_subject()->set_code(gongtong::common::v1::SUBJECT_CODE_MATHEMATICS);
  s.set_topic("分数的初步认识");
  s.set_mode(bv1::SESSION_MODE_DEDICATED_DELIVERY);
  s.mutable_window()->mutable_date()->set_year(static_cast<int>(day.year()));
  s.mutable_window()->mutable_date()->set_month(day.month());
  s.mutable_window()->mutable_date()->set_day(day.day());
  s.set_host_period(period);
  return s;
}

}  // namespace gongtong::booking::testing
