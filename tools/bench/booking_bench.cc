// gongtong-booking-bench: the booking service's proof and speed (issue 4).
//
// It runs in the test world of tests/booking/booking_world.h: a private
// PostgreSQL and Redis (fsync on), the real gongtong-registry process seeded
// through its API, and the booking service in-process on the same server
// runner as production. Modes (--mode=…), each printing JSON lines:
//
//   race        --clients (64) clients fire --requests (10,000) bookings with
//               heavy deliberate overlap (the same teachers, rooms and classes,
//               whole periods and sliding 20-minute windows); afterwards SQL
//               counts overlapping live pairs per teacher/room/class (must be
//               0) and every refusal must have been the conflict answer.
//   throughput  --clients (64) in flight, --rounds (3) of --seconds (10)
//               after --warmup (2) seconds not measured:
//               conflict-checked, durable creates, each client a lane of its
//               own (its county, teacher, room and classes; --regions (16)
//               counties); after each service round pgbench runs the same
//               INSERTs (a session row and its four occupancy rows, same
//               tables, constraints, indexes, same number of clients) on the
//               same PostgreSQL for as long, so both see the same machine.
//               Prints per round both rates, their ratio and both p50/p99
//               (pgbench's from its per-transaction log), then the median
//               ratio. BENCH_STATEMENTS=1 with pg_stat_statements preloaded
//               (GONGTONG_PG_CONF_EXTRA="shared_preload_libraries =
//               'pg_stat_statements'") prints PostgreSQL's time per statement
//               in each service round, on stderr.
//   scale       loads --sessions (1,000,000) sessions over --schools (10,000)
//               schools straight into the booking schema (a province-year:
//               100 per school), then lists a random teacher's week and a
//               random class's week through ListSessions at --clients (16) in
//               flight for --seconds; p50/p99 of each.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <random>
#include <thread>

#include <sys/resource.h>
#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "booking/domain/civil.h"
#include "booking/domain/lead_time.h"
#include "google/protobuf/util/json_util.h"
#include "bench_args.h"
#include "booking_world.h"
#include "grpcpp/create_channel.h"
#include "local_servers.h"

namespace gongtong::booking::testing {
namespace {

using Clock = std::chrono::steady_clock;
using gongtong::bench::Flag;
using gongtong::bench::FlagValue;
using gongtong::bench::Median;
using gongtong::bench::Percentile;

std::unique_ptr<BookingStub> NewStub(int channel_id) {
  grpc::ChannelArguments args;
  args.SetInt("grpc.channel_id", channel_id);
  return bv1::BookingService::NewStub(grpc::CreateCustomChannel(BookingWorld::Shared().booking_address(),
                                                                grpc::InsecureChannelCredentials(), args));
}

// One create through the API; its latency in ms.
grpc::Status TimedCreate(BookingStub* stub, const std::string& token, const bv1::Session& s, double* ms) {
  bv1::CreateSessionRequest req;
  *req.mutable_session() = s;
  bv1::Session out;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  ctx.AddMetadata("authorization", "Bearer " + token);
        ctx.set_wait_for_ready(true);  // a connection still being set up is waited for, not failed
  const auto t0 = Clock::now();
  grpc::Status st = stub->CreateSession(&ctx, req, &out);
  *ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  return st;
}

// ---------------------------------------------------------------- race

int Race(int clients, int requests) {
  auto& world = BookingWorld::Shared();
  std::vector<absl::CivilDay> days;
  for (int i = 0; i < 12; ++i) days.push_back(world.SchoolDay(9, i));
  const std::string token = Token(HostAdmin());
  std::atomic<int> next{0}, booked{0}, refused{0}, wrong{0};
  std::string example;
  std::mutex mu;
  const auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      auto stub = NewStub(c);
      std::mt19937 rng(7 + c);
      auto pick = [&](int n) { return static_cast<int>(rng() % n); };
      while (next.fetch_add(1) < requests) {
        const int shape = pick(5);
        bv1::Session s = SessionAt(days[pick(static_cast<int>(days.size()))], shape == 0 ? 5 : shape == 1 ? 6 : 3, pick(2) ? "t-host-1" : "t-host-2",
                                   pick(2) ? "rec-1" : "rec-2", absl::StrCat("c", 1 + pick(4)),
                                   {absl::StrCat(pick(2) ? kMember2 : kMember3, "/c", 1 + pick(4))});
        if (shape >= 3) {
          const int start = 600 + 10 * pick(3);
          s.set_host_period(0);
          *s.mutable_window()->mutable_start_time() = ToTimeOfDay(start);
          *s.mutable_window()->mutable_end_time() = ToTimeOfDay(start + 20);
        }
        double ms;
        grpc::Status st = TimedCreate(stub.get(), token, s, &ms);
        if (st.ok()) {
          ++booked;
        } else if (st.error_code() == grpc::StatusCode::FAILED_PRECONDITION && absl::StrContains(Reason(st), "BUSY") &&
                   !Conflicts(st).empty() && !Conflicts(st)[0].conflicting_session().empty()) {
          ++refused;
        } else {
          ++wrong;
          std::lock_guard<std::mutex> lock(mu);
          example = absl::StrCat(st.error_code(), " ", st.error_message());
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  const int64_t overlapping = world.Count(
      "SELECT count(*) FROM occupancy a JOIN occupancy b ON a.resource = b.resource "
      "AND a.session_id < b.session_id AND a.during && b.during WHERE a.live AND b.live");
  const int64_t live = world.Count("SELECT count(*) FROM sessions WHERE state IN (1, 2, 3)");
  std::printf(
      "{\"mode\":\"race\",\"clients\":%d,\"requests\":%d,\"booked\":%d,\"refused_with_conflict\":%d,"
      "\"other_answers\":%d,\"overlapping_live_pairs\":%lld,\"live_sessions\":%lld,\"seconds\":%.2f%s}\n",
      clients, requests, booked.load(), refused.load(), wrong.load(), static_cast<long long>(overlapping),
      static_cast<long long>(live), secs, example.empty() ? "" : absl::StrCat(",\"example\":\"", example, "\"").c_str());
  const bool ok = overlapping == 0 && wrong == 0 && live == booked && booked + refused == requests;
  std::printf("race %s: %d booked, %d refused with the conflict answer, %lld overlapping live pairs\n",
              ok ? "PASS" : "FAIL", booked.load(), refused.load(), static_cast<long long>(overlapping));
  return ok ? 0 : 1;
}

// ---------------------------------------------------------------- throughput

// A lane: one county with its host and member school, seeded like the
// shared world (calendar, equal bell schedules, community, pairing), and
// per client one teacher, recording room, host class and member class.
struct Lane {
  std::string region, host, member, teacher, room, host_class, member_class;
};

void SeedRegistry(RegistryStub* r, int region_index, int lanes_here, std::vector<Lane>* lanes) {
  const std::string region = absl::StrFormat("3310%02d", 40 + region_index);
  const std::string host = absl::StrFormat("2133%02d%04d", 40 + region_index, 1);
  const std::string member = absl::StrFormat("2133%02d%04d", 40 + region_index, 2);
  auto call = [&](auto method, const std::string& json, auto* req, auto* resp) {
    *req = std::remove_pointer_t<decltype(req)>();
    auto status = google::protobuf::util::JsonStringToMessage(json, req);
    if (!status.ok()) std::fprintf(stderr, "bad seed JSON: %s\n%s\n", status.ToString().c_str(), json.c_str());
    grpc::Status s = Call(method, r, *req, resp);
    if (!s.ok() && s.error_code() != grpc::StatusCode::ALREADY_EXISTS) {
      std::fprintf(stderr, "seeding failed: %s\n%s\n", s.error_message().c_str(), json.c_str());
      std::exit(2);
    }
  };
  using S = RegistryStub;
  rv1::CreateSchoolRequest school_req;
  rv1::School school;
  for (const auto& code : {host, member}) {
    call(&S::CreateSchool,
         absl::StrFormat(R"({"school":{"schoolCode":"%s","displayName":"基准学校%s","regionCode":"%s",)"
                         R"("urbanRuralCategory":"URBAN_RURAL_CATEGORY_VILLAGE","schoolTypeCode":"211"}})",
                         code, code, region),
         &school_req, &school);
  }
  const absl::CivilDay today = LocalToday(absl::Now());
  const int y0 = static_cast<int>(today.month() >= 8 ? today.year() : today.year() - 1);
  rv1::CreateSchoolCalendarRequest cal_req;
  rv1::SchoolCalendar cal;
  for (int y = y0; y <= y0 + 1; ++y) {
    call(&S::CreateSchoolCalendar,
         absl::StrFormat(R"({"parent":"regions/%s","schoolCalendar":{"schoolYear":%d,"terms":[)"
                         R"({"term":"TERM_KIND_AUTUMN","dates":{"startDate":{"year":%d,"month":9,"day":1},"endDate":{"year":%d,"month":1,"day":22}}},)"
                         R"({"term":"TERM_KIND_SPRING","dates":{"startDate":{"year":%d,"month":2,"day":22},"endDate":{"year":%d,"month":7,"day":2}}}]}})",
                         region, y, y, y + 1, y + 1, y + 1),
         &cal_req, &cal);
  }
  std::string periods;
  const int starts[] = {480, 530, 600, 650, 840, 890};
  for (int i = 0; i < 6; ++i) {
    absl::StrAppendFormat(&periods,
                          R"(%s{"number":%d,"kind":"PERIOD_KIND_LESSON","startTime":{"hours":%d,"minutes":%d},)"
                          R"("endTime":{"hours":%d,"minutes":%d},"days":["MONDAY","TUESDAY","WEDNESDAY","THURSDAY","FRIDAY"]})",
                          i ? "," : "", i + 1, starts[i] / 60, starts[i] % 60, (starts[i] + 40) / 60,
                          (starts[i] + 40) % 60);
  }
  rv1::CreateBellScheduleRequest bell_req;
  rv1::BellSchedule bell;
  for (const auto& code : {host, member}) {
    call(&S::CreateBellSchedule,
         absl::StrFormat(R"({"parent":"schools/%s","bellScheduleId":"all-year","bellSchedule":{"displayName":"作息时间",)"
                         R"("season":"BELL_SCHEDULE_SEASON_ALL_YEAR","effective":{"startDate":{"year":%d,"month":9,"day":1}},"periods":[%s]}})",
                         code, y0 - 1, periods),
         &bell_req, &bell);
  }
  const std::string community = absl::StrFormat("bench-%02d", region_index);
  rv1::CreateCommunityRequest com_req;
  rv1::Community com;
  call(&S::CreateCommunity,
       absl::StrFormat(R"({"communityId":"%s","community":{"displayName":"基准共同体%s","type":"COMMUNITY_TYPE_CO_BUILT",)"
                       R"("coreSchool":"schools/%s","members":[{"school":"schools/%s"}],"period":{"startDate":{"year":%d,"month":9,"day":1}},)"
                       R"("agreement":{"document":{"title":"协议"}},"leadingGroup":[{"role":"LEADING_GROUP_ROLE_LEADER","person":{"displayName":"校长","position":"校长"}}]}})",
                       community, community, host, member, y0 - 1),
       &com_req, &com);
  rv1::CreatePairingRequest pair_req;
  rv1::Pairing pair;
  call(&S::CreatePairing,
       absl::StrFormat(R"({"parent":"communities/%s","pairingId":"p","pairing":{"coreSchool":"schools/%s","memberSchool":"schools/%s",)"
                       R"("subjects":[{"code":"SUBJECT_CODE_MATHEMATICS"}],"coreContact":{"person":{"displayName":"联系人","position":"分管校长"}},)"
                       R"("memberContact":{"person":{"displayName":"联系人","position":"分管校长"}},"period":{"startDate":{"year":%d,"month":9,"day":1}}}})",
                       community, host, member, y0 - 1),
       &pair_req, &pair);
  for (int k = 0; k < lanes_here; ++k) {
    Lane lane{region, host, member, absl::StrFormat("bt-%02d-%02d", region_index, k), absl::StrFormat("rec-%02d", k),
              absl::StrFormat("c%02d", k), absl::StrFormat("c%02d", k)};
    rv1::CreateTeacherRequest t_req;
    rv1::Teacher t;
    call(&S::CreateTeacher,
         absl::StrFormat(R"({"teacherId":"%s","teacher":{"staffNumber":"BT%02d%02d","displayName":"基准教师","school":"schools/%s",)"
                         R"("subjects":[{"code":"SUBJECT_CODE_MATHEMATICS"}],"title":"TEACHER_TITLE_FIRST_GRADE","employmentStatus":"EMPLOYMENT_STATUS_ACTIVE"}})",
                         lane.teacher, region_index, k, host),
         &t_req, &t);
    rv1::CreateClassroomRequest room_req;
    rv1::Classroom room;
    call(&S::CreateClassroom,
         absl::StrFormat(R"({"parent":"schools/%s","classroomId":"%s","classroom":{"displayName":"录播教室","kind":"CLASSROOM_KIND_RECORDING","capacity":50,"maxOutgoingStreams":4}})",
                         host, lane.room),
         &room_req, &room);
    rv1::CreateSchoolClassRequest class_req;
    rv1::SchoolClass cls;
    for (const auto& code : {host, member}) {
      call(&S::CreateSchoolClass,
           absl::StrFormat(R"({"parent":"schools/%s","schoolClassId":"%s","schoolClass":{"grade":"GRADE_4","classNumber":%d,"pupilCount":40}})",
                           code, lane.host_class, k + 1),
           &class_req, &cls);
    }
    lanes->push_back(lane);
  }
}

// pgbench's script: the same INSERTs the service makes for one session
// (a session row and its four occupancy rows), unique resources so nothing
// collides — the database's own ceiling for these tables and constraints.
std::string PgbenchScript(const std::string& body_hex) {
  return absl::StrCat(
      "\\set n random(1, 9000000000000)\n"
      "\\set d random(0, 20000)\n"
      "BEGIN;\n"
      "INSERT INTO sessions (id, host_school, host_region, host_teacher, host_classroom, community, series_id, "
      "subject, mode, local_date, during, state, short_notice, hold_expire_time, version, body) VALUES ('pgb-' || :n, "
      "'2133990001', '339901', 'teachers/pgb-' || :n, 'schools/2133990001/classrooms/pgb-' || :n, 'communities/pgb', "
      "NULL, 'SUBJECT_CODE_MATHEMATICS', 1, date '2030-01-01' + :d, tstzrange(timestamptz '2030-01-01 10:00+08' + "
      ":d * interval '1 day', timestamptz '2030-01-01 10:40+08' + :d * interval '1 day', '[)'), 3, false, NULL, 1, "
      "'\\x",
      body_hex,
      "'::bytea);\n"
      "INSERT INTO occupancy (session_id, resource, role, school, region, pairing, local_date, during, live) "
      "SELECT 'pgb-' || :n, r, k, '2133990001', '339901', '', date '2030-01-01' + :d, "
      "tstzrange(timestamptz '2030-01-01 10:00+08' + :d * interval '1 day', timestamptz '2030-01-01 10:40+08' + :d * "
      "interval '1 day', '[)'), true FROM (VALUES ('teachers/pgb-' || :n, 1), ('schools/2133990001/classrooms/pgb-' "
      "|| :n, 2), ('schools/2133990001/classes/pgb-' || :n, 3), ('schools/2133990002/classes/pgb-' || :n, 4)) v(r, "
      "k);\n"
      "END;\n");
}

// CPU accounting, so a round shows where the cores went, not only the rate
// (on a shared 2-core machine the rate is noisy, CPU per call much less).
// Seconds of CPU of process `pid` (utime+stime), plus its reaped children's
// (cutime+cstime) when `with_reaped`; -1 when it is gone. Also its parent.
double ProcessCpu(int pid, bool with_reaped, int* parent = nullptr) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::vector<std::string> f = absl::StrSplit(text.substr(close + 2), ' ');
  if (f.size() < 15) return -1;
  // After "(comm) ": state=0 ppid=1 … utime=11 stime=12 cutime=13 cstime=14.
  if (parent != nullptr) *parent = std::atoi(f[1].c_str());
  double ticks = std::atof(f[11].c_str()) + std::atof(f[12].c_str());
  if (with_reaped) ticks += std::atof(f[13].c_str()) + std::atof(f[14].c_str());
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// All of PostgreSQL's CPU so far: the postmaster, its live children and the
// ones that exited (pgbench's backends end with its run).
double PostgresCpu(int postmaster) {
  double total = ProcessCpu(postmaster, true);
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    int parent = 0;
    const double cpu = ProcessCpu(std::atoi(name.c_str()), false, &parent);
    if (cpu > 0 && parent == postmaster) total += cpu;
  }
  return total;
}

double SelfCpu() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

int Postmaster() {
  int backend = 0, postmaster = 0;
  (void)BookingWorld::Shared().pool().Transact([&](pqxx::work& tx) {
    backend = tx.exec("SELECT pg_backend_pid()")[0][0].as<int>();
    return absl::OkStatus();
  });
  ProcessCpu(backend, false, &postmaster);
  return postmaster;
}

// One lane's position: the next (school day, period) it books. Kept across
// rounds so no lane ever books the same slot twice.
struct LaneCursor {
  int slot = 0;
};

struct Measured {
  double rate = 0;                // per second
  std::vector<double> latencies;  // ms
  int64_t failed = 0;
  std::string failure;
  double pg_cpu_ms = 0, self_cpu_ms = 0;  // per call
};

// The service: `clients` lanes, each creating sessions one after the other
// on its own teacher, room and classes for `seconds`.
Measured ServicePhase(const std::vector<Lane>& lanes, int clients, int regions, int per_region, int seconds,
                      std::vector<LaneCursor>* cursors) {
  auto& world = BookingWorld::Shared();
  const std::string token = Token(kProvince);
  // Each client is a lane with one call in flight, driven by gRPC's callback
  // API: a completion issues the lane's next call, so `clients` calls are in
  // flight without `clients` blocking threads competing for the cores with
  // the service (the load generator stays as light as pgbench's).
  struct Client {
    const Lane* lane = nullptr;
    std::unique_ptr<BookingStub> stub;
    int* slot = nullptr;
    std::vector<double> latencies;
    int64_t failed = 0;
    std::string failure;
  };
  struct InFlight {
    grpc::ClientContext ctx;
    bv1::CreateSessionRequest req;
    bv1::Session resp;
    Clock::time_point t0;
  };
  std::vector<Client> all(clients);
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::condition_variable done_cv;
  int running = clients;
  std::function<void(Client&)> issue = [&](Client& c) {
    if (stop) {
      std::lock_guard<std::mutex> lock(mu);
      if (--running == 0) done_cv.notify_all();
      return;
    }
    auto* call = new InFlight;
    const int slot = (*c.slot)++;
    bv1::Session& s = *call->req.mutable_session();
    s.mutable_host()->set_teacher("teachers/" + c.lane->teacher);
    s.mutable_host()->set_classroom(absl::StrCat("schools/", c.lane->host, "/classrooms/", c.lane->room));
    s.mutable_host()->set_school_class(absl::StrCat("schools/", c.lane->host, "/classes/", c.lane->host_class));
    s.add_receivers()->set_school_class(absl::StrCat("schools/", c.lane->member, "/classes/", c.lane->member_class));
    s.mutable_subject()->set_code(gongtong::common::v1::SUBJECT_CODE_MATHEMATICS);
    s.set_topic("基准课");
    s.set_mode(bv1::SESSION_MODE_MASTER_TEACHER);
    *s.mutable_window()->mutable_date() = ToProtoDate(world.SchoolDay(9, slot / 6));
    s.set_host_period(1 + slot % 6);
    call->ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    call->ctx.AddMetadata("authorization", "Bearer " + token);
    call->ctx.set_wait_for_ready(true);
    call->t0 = Clock::now();
    c.stub->async()->CreateSession(&call->ctx, &call->req, &call->resp, [&, call, cp = &c](grpc::Status st) {
      if (st.ok()) {
        cp->latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - call->t0).count());
      } else {
        ++cp->failed;
        cp->failure = absl::StrCat(st.error_code(), " ", st.error_message());
      }
      delete call;
      issue(*cp);
    });
  };
  for (int c = 0; c < clients; ++c) {
    all[c].lane = &lanes[(c % regions) * per_region + c / regions];
    all[c].stub = NewStub(c);
    all[c].slot = &(*cursors)[c].slot;
  }
  const auto t0 = Clock::now();
  for (auto& c : all) issue(c);
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  {
    std::unique_lock<std::mutex> lock(mu);
    done_cv.wait(lock, [&] { return running == 0; });
  }
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  Measured m;
  for (auto& c : all) {
    m.latencies.insert(m.latencies.end(), c.latencies.begin(), c.latencies.end());
    m.failed += c.failed;
    if (!c.failure.empty()) m.failure = c.failure;
  }
  m.rate = m.latencies.size() / secs;
  return m;
}

// pgbench: `clients` connections running `script` for `seconds` on the
// service's schema; its rate and every transaction's latency (from its log).
Measured PgbenchPhase(const std::string& script, int clients, int seconds) {
  auto& world = BookingWorld::Shared();
  const std::string dir = gongtong::testing::MakeTempDir("pgbench");
  std::ofstream(dir + "/insert.sql") << script;
  const std::string cmd = absl::StrCat(
      "cd ", dir, " && PGOPTIONS='-c search_path=", world.pool().schema(),
      ",public' /usr/lib/postgresql/15/bin/pgbench -n -c ", clients, " -j 2 -T ", seconds, " -l --log-prefix=", dir,
      "/txlog -f ", dir, "/insert.sql '", gongtong::testing::LocalPostgres::Shared().dsn(), "' 2>&1");
  const std::string out = gongtong::testing::RunOrDie(cmd);
  Measured m;
  for (absl::string_view line : absl::StrSplit(out, '\n')) {
    if (absl::StartsWith(line, "tps = ")) m.rate = std::atof(std::string(line.substr(6)).c_str());
  }
  // Each log line: client_id transaction_no latency_us script_no epoch epoch_us.
  const std::string logs = gongtong::testing::RunOrDie(absl::StrCat("cat ", dir, "/txlog.*"));
  for (absl::string_view line : absl::StrSplit(logs, '\n', absl::SkipEmpty())) {
    std::vector<absl::string_view> f = absl::StrSplit(line, ' ');
    if (f.size() >= 3) m.latencies.push_back(std::atof(std::string(f[2]).c_str()) / 1000.0);
  }
  gongtong::testing::RunOrDie(absl::StrCat("rm -rf ", dir));
  return m;
}

// With BENCH_STATEMENTS=1 (and pg_stat_statements preloaded, see
// scripts/pg-local's GONGTONG_PG_CONF_EXTRA): where PostgreSQL spends its
// time during the service's rounds, per statement.
void ResetStatements() {
  if (std::getenv("BENCH_STATEMENTS") == nullptr) return;
  gongtong::testing::RunOrDie(absl::StrCat("/usr/lib/postgresql/15/bin/psql -X -q '",
                                           gongtong::testing::LocalPostgres::Shared().dsn(),
                                           " user=postgres' -c 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements' "
                                           "-c 'SELECT pg_stat_statements_reset()' >/dev/null"));
}
void PrintStatements() {
  if (std::getenv("BENCH_STATEMENTS") == nullptr) return;
  std::fprintf(stderr, "%s\n",
               gongtong::testing::RunOrDie(
                   absl::StrCat("/usr/lib/postgresql/15/bin/psql -X '", gongtong::testing::LocalPostgres::Shared().dsn(),
                                " user=postgres' -c \"SELECT calls, round(total_exec_time) AS total_ms, "
                                "round(mean_exec_time::numeric, 3) AS mean_ms, left(regexp_replace(query, '\\s+', ' ', "
                                "'g'), 110) AS query FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 16\""))
                   .c_str());
}

// Rounds of the service then pgbench, alternating, so both see the same
// machine state; the ratio of each round and their median.
int Throughput(int clients, int seconds, int regions, int rounds, int warmup_seconds) {
  auto& world = BookingWorld::Shared();
  std::vector<Lane> lanes;
  const int per_region = (clients + regions - 1) / regions;
  for (int r = 0; r < regions; ++r) SeedRegistry(world.registry(), r, per_region, &lanes);
  const int postmaster = Postmaster();
  std::vector<LaneCursor> cursors(clients);
  // Each lane walks its own dates (lanes of a county start 60 school days apart).
  for (int c = 0; c < clients; ++c) cursors[c].slot = (c / regions) * 60 * 6;

  // A stored body as the service writes it, for pgbench's rows.
  std::string body_hex;
  std::vector<double> ratios, service_all, pgbench_all;
  double service_sum = 0, pgbench_sum = 0;
  int64_t failed = 0;
  std::string failure;
  // Warm-up, not measured: connections opened, statements prepared,
  // registry facts cached, as in a service that has been running.
  ServicePhase(lanes, clients, regions, per_region, warmup_seconds, &cursors);
  for (int round = 0; round < rounds; ++round) {
    ResetStatements();
    double pg0 = PostgresCpu(postmaster), self0 = SelfCpu();
    Measured svc = ServicePhase(lanes, clients, regions, per_region, seconds, &cursors);
    const double svc_calls = std::max<double>(1, svc.latencies.size());
    svc.pg_cpu_ms = 1000 * (PostgresCpu(postmaster) - pg0) / svc_calls;
    svc.self_cpu_ms = 1000 * (SelfCpu() - self0) / svc_calls;
    PrintStatements();
    if (body_hex.empty()) {
      bv1::ListSessionsRequest req;
      req.set_page_size(1);
      bv1::ListSessionsResponse resp;
      bv1::Session sample;
      if (Call(&BookingStub::ListSessions, world.booking(), req, &resp).ok() && resp.sessions_size() == 1) {
        sample = resp.sessions(0);
      }
      sample.clear_etag();
      sample.clear_audit();
      for (unsigned char ch : sample.SerializeAsString()) absl::StrAppendFormat(&body_hex, "%02x", ch);
    }
    pg0 = PostgresCpu(postmaster);
    Measured pgb = PgbenchPhase(PgbenchScript(body_hex), clients, seconds);
    pgb.pg_cpu_ms = 1000 * (PostgresCpu(postmaster) - pg0) / std::max<double>(1, pgb.latencies.size());
    const double ratio = pgb.rate > 0 ? svc.rate / pgb.rate : 0;
    ratios.push_back(ratio);
    service_sum += svc.rate;
    pgbench_sum += pgb.rate;
    failed += svc.failed;
    if (!svc.failure.empty()) failure = svc.failure;
    std::printf(
        "{\"mode\":\"throughput\",\"round\":%d,\"clients\":%d,\"regions\":%d,\"seconds\":%d,\"creates_per_s\":%.1f,"
        "\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"pgbench_tps\":%.1f,\"pgbench_p50_ms\":%.2f,\"pgbench_p99_ms\":%.2f,"
        "\"ratio\":%.3f,\"failed\":%lld,\"pg_cpu_ms_per_create\":%.3f,\"pg_cpu_ms_per_pgbench_tx\":%.3f,"
        "\"service_process_cpu_ms_per_create\":%.3f}\n",
        round + 1, clients, regions, seconds, svc.rate, Percentile(svc.latencies, 0.5), Percentile(svc.latencies, 0.99),
        pgb.rate, Percentile(pgb.latencies, 0.5), Percentile(pgb.latencies, 0.99), ratio,
        static_cast<long long>(svc.failed), svc.pg_cpu_ms, pgb.pg_cpu_ms, svc.self_cpu_ms);
    std::fflush(stdout);
    service_all.insert(service_all.end(), svc.latencies.begin(), svc.latencies.end());
    pgbench_all.insert(pgbench_all.end(), pgb.latencies.begin(), pgb.latencies.end());
  }
  const double ratio = Median(ratios);
  const double p99 = Percentile(service_all, 0.99), pgbench_p99 = Percentile(pgbench_all, 0.99);
  std::printf(
      "throughput (%d rounds of %d s, %d in flight): service %.0f creates/s vs pgbench %.0f tps; median ratio %.0f %% "
      "(goal >= 60 %%: %s); p99 service %.1f ms vs pgbench %.1f ms (goal <= 25 ms: %s)%s\n",
      rounds, seconds, clients, service_sum / rounds, pgbench_sum / rounds, 100 * ratio, ratio >= 0.6 ? "PASS" : "FAIL",
      p99, pgbench_p99, p99 <= 25 ? "PASS" : "FAIL", failure.empty() ? "" : (" failure: " + failure).c_str());
  return failed == 0 ? 0 : 1;
}

// ---------------------------------------------------------------- scale

int Scale(int sessions, int schools, int clients, int seconds) {
  auto& world = BookingWorld::Shared();
  const int per_school = std::max(1, sessions / schools);
  // A typical stored session body.
  bv1::Session body = SessionAt(world.SchoolDay(9, 0), 3);
  body.set_state(bv1::SESSION_STATE_DELIVERED);
  body.set_community("communities/scale");
  const std::string bytes = body.SerializeAsString();
  const auto t0 = Clock::now();
  absl::Status loaded = world.pool().Transact([&](pqxx::work& tx) {
    tx.exec("CREATE TEMP TABLE scale_src ON COMMIT DROP AS SELECT s, j, "
            "'21' || lpad((33 + s / 2500)::text, 2, '0') || lpad(s::text, 6, '0') AS code, "
            "lpad((330000 + (s / 250) * 100 + 1)::text, 6, '0') AS region, "
            "date '2026-09-01' + (j * 2) AS day, "
            "(ARRAY[480, 530, 600, 650, 840, 890])[1 + j % 6] AS minute "
            "FROM generate_series(0, " + std::to_string(schools - 1) + ") s, generate_series(0, " +
            std::to_string(per_school - 1) + ") j");
    tx.exec_params(
        "INSERT INTO sessions (id, host_school, host_region, host_teacher, host_classroom, community, subject, mode, "
        "local_date, during, state, short_notice, version, body) "
        "SELECT 'x' || s || '-' || j, code, region, 'teachers/x' || s || '-' || (j % 3), "
        "'schools/' || code || '/classrooms/rec', 'communities/scale', 'SUBJECT_CODE_MATHEMATICS', 1, day, "
        "tstzrange(day + minute * interval '1 minute' - interval '8 hours', day + (minute + 40) * interval '1 minute' "
        "- interval '8 hours', '[)'), 4, false, 1, $1 FROM scale_src",
        pqxx::binarystring(bytes.data(), bytes.size()));
    tx.exec(
        "INSERT INTO occupancy (session_id, resource, role, school, region, pairing, local_date, during, live) "
        "SELECT 'x' || s || '-' || j, r.resource, r.role, r.school, region, r.pairing, day, "
        "tstzrange(day + minute * interval '1 minute' - interval '8 hours', day + (minute + 40) * interval '1 minute' "
        "- interval '8 hours', '[)'), false FROM scale_src, LATERAL (VALUES "
        "('teachers/x' || s || '-' || (j % 3), 1, code, ''), ('schools/' || code || '/classrooms/rec', 2, code, ''), "
        "('schools/' || code || '/classes/c' || (j % 4), 3, code, ''), "
        "('schools/' || lpad(((s + 1) % " + std::to_string(schools) + ")::text, 10, '9') || '/classes/r' || (j % 4), 4, "
        "lpad(((s + 1) % " + std::to_string(schools) + ")::text, 10, '9'), 'communities/scale/pairings/p' || s)) "
        "r(resource, role, school, pairing)");
    tx.exec("ANALYZE sessions");
    tx.exec("ANALYZE occupancy");
    return absl::OkStatus();
  }, pg::NoDeadline(), 0);
  if (!loaded.ok()) {
    std::fprintf(stderr, "loading failed: %s\n", loaded.ToString().c_str());
    return 2;
  }
  const double load_s = std::chrono::duration<double>(Clock::now() - t0).count();
  const int64_t total = world.Count("SELECT count(*) FROM sessions");
  const std::string token = Token(kProvince);
  int rc = 0;
  for (const int in_flight : {1, 4, clients})
  for (const std::string what : {"teacher", "school_class"}) {
    std::atomic<bool> stop{false};
    std::vector<std::vector<double>> lat(in_flight);
    std::atomic<int64_t> rows{0}, errors{0};
    std::vector<std::thread> threads;
    for (int c = 0; c < in_flight; ++c) {
      threads.emplace_back([&, c] {
        auto stub = NewStub(100 + c);
        std::mt19937 rng(31 * c + 1);
        while (!stop) {
          const int s = static_cast<int>(rng() % schools);
          const int week = static_cast<int>(rng() % 28);
          const absl::CivilDay from = absl::CivilDay(2026, 9, 1) + week * 7;
          const std::string code = absl::StrFormat("21%02d%06d", 33 + s / 2500, s);
          const std::string subject = what == "teacher"
                                          ? absl::StrFormat("teachers/x%d-%d", s, static_cast<int>(rng() % 3))
                                          : absl::StrFormat("schools/%s/classes/c%d", code, static_cast<int>(rng() % 4));
          bv1::ListSessionsRequest req;
          req.set_filter(absl::StrCat(what, " = \"", subject, "\" AND date >= \"", FormatDay(from),
                                      "\" AND date <= \"", FormatDay(from + 6), "\""));
          bv1::ListSessionsResponse resp;
          grpc::ClientContext ctx;
          ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
          ctx.AddMetadata("authorization", "Bearer " + token);
        ctx.set_wait_for_ready(true);  // a connection still being set up is waited for, not failed
          const auto q0 = Clock::now();
          grpc::Status st = stub->ListSessions(&ctx, req, &resp);
          const double ms = std::chrono::duration<double, std::milli>(Clock::now() - q0).count();
          if (!st.ok()) {
            ++errors;
            continue;
          }
          rows += resp.sessions_size();
          lat[c].push_back(ms);
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    stop = true;
    for (auto& t : threads) t.join();
    std::vector<double> all;
    for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
    const double p99 = Percentile(all, 0.99);
    std::printf(
        "{\"mode\":\"scale\",\"listing\":\"%s_week\",\"sessions_loaded\":%lld,\"load_seconds\":%.1f,\"clients\":%d,"
        "\"calls\":%zu,\"errors\":%lld,\"rows_per_call\":%.2f,\"calls_per_s\":%.1f,\"p50_ms\":%.2f,\"p99_ms\":%.2f}\n",
        what.c_str(), static_cast<long long>(total), load_s, in_flight, all.size(), static_cast<long long>(errors.load()),
        all.empty() ? 0.0 : static_cast<double>(rows) / all.size(), all.size() / static_cast<double>(seconds),
        Percentile(all, 0.5), p99);
    std::printf("scale: %s's week over %lld sessions, %d in flight: p99 %.1f ms (goal <= 20 ms: %s)\n",
                what.c_str(), static_cast<long long>(total), in_flight, p99, p99 <= 20 ? "PASS" : "FAIL");
    if (errors > 0) rc = 1;
  }
  return rc;
}

}  // namespace
}  // namespace gongtong::booking::testing

int main(int argc, char** argv) {
  using namespace gongtong::booking::testing;
  const std::string mode = FlagValue(argc, argv, "mode", "race");
  if (mode == "race") return Race(Flag(argc, argv, "clients", 64), Flag(argc, argv, "requests", 10000));
  if (mode == "throughput") {
    return Throughput(Flag(argc, argv, "clients", 64), Flag(argc, argv, "seconds", 10), Flag(argc, argv, "regions", 16),
                      Flag(argc, argv, "rounds", 3), Flag(argc, argv, "warmup", 2));
  }
  if (mode == "scale") {
    return Scale(Flag(argc, argv, "sessions", 1000000), Flag(argc, argv, "schools", 10000),
                 Flag(argc, argv, "clients", 16), Flag(argc, argv, "seconds", 10));
  }
  std::fprintf(stderr, "usage: gongtong-booking-bench --mode=race|throughput|scale [--clients=N] ...\n");
  return 2;
}
