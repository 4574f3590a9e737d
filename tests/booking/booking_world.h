#pragma once
// The world a booking integration test runs in, shared by the test binary:
// real PostgreSQL and Redis (tests/support), the real gongtong-registry
// binary as a child process seeded through its API (schools, a community
// with pairings, a calendar, bell schedules that differ between schools,
// teachers, classrooms and classes), and an in-process BookingService wired
// like services/booking/main.cc (registry view through the Redis cache,
// stores, hold sweeper, the outbox relay of the host).
//
// Seeded, for the region 331024 (仙居县):
//   host    2133102401: teachers t-host-1 (数学, 语文), t-host-2 (数学), t-other (英语);
//           classrooms rec-1 (RECORDING, 2 streams), rec-2 (RECORDING), ord-1
//           (ORDINARY); classes c1..c4; lessons 08:00, 08:50, 10:00, 10:50,
//           14:00, 14:50 (40 min)
//   members 2133102402, 2133102403: classes c1..c4 each; lessons 10 minutes
//           later (08:10…) and 20 minutes later (08:20…): only the periods
//           whose overlap is long enough fit (R-SYNC-3)
//   outsider 2133102404: not paired
//   community communities/xj (co-built), pairings p-02 and p-03 in 数学 and
//           语文; calendar of the current and next school year with no
//           holidays except `HolidayDay()`.

#include <memory>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "booking/rpc/booking_service.h"
#include "common/auth/jwt_minter.h"
#include "common/cache/read_through_cache.h"
#include "common/server/bounded_executor.h"
#include "common/server/service_host.h"
#include "gongtong/registry/v1/registry_service.grpc.pb.h"
#include "process.h"
#include "status_details.h"

namespace gongtong::booking::testing {

using BookingStub = bv1::BookingService::Stub;
using RegistryStub = rv1::RegistryService::Stub;

inline constexpr char kHost[] = "2133102401";
inline constexpr char kMember2[] = "2133102402";
inline constexpr char kMember3[] = "2133102403";
inline constexpr char kOutsider[] = "2133102404";
inline constexpr char kRegion[] = "331024";

struct Caller {
  auth::Role role = auth::Role::kProvinceAdmin;
  std::string region, school, teacher;
};
inline const Caller kProvince{};
Caller HostAdmin();
Caller SchoolAdmin(const std::string& code);
Caller County(const std::string& region = kRegion);
Caller TeacherOf(const std::string& code, const std::string& teacher_id);

class BookingWorld {
 public:
  static BookingWorld& Shared();
  ~BookingWorld();

  BookingStub* booking() { return booking_.get(); }
  RegistryStub* registry() { return registry_.get(); }
  pg::Pool& pool() { return *pool_; }
  SessionStore& sessions() { return *sessions_; }
  const std::string& booking_address() const { return booking_address_; }

  // A school weekday (Mon–Fri) inside a term, at least `min_days_ahead`
  // days from today, the `nth` such day (0-based); never HolidayDay().
  absl::CivilDay SchoolDay(int min_days_ahead, int nth = 0) const;
  // A weekday inside a term declared a public holiday in the calendar.
  absl::CivilDay HolidayDay() const { return holiday_; }

  // Stops the registry process for good (fault tests; run them last).
  void StopRegistry();

  // The single integer an SQL query returns, in the booking schema.
  int64_t Count(const std::string& sql);

 private:
  BookingWorld();
  void SeedRegistry();

  std::unique_ptr<gongtong::testing::ServiceProcess> registry_process_;
  std::unique_ptr<RegistryStub> registry_;
  std::unique_ptr<pg::Pool> pool_;
  std::unique_ptr<redis::ClientPool> redis_;
  std::unique_ptr<cache::ReadThroughCache> cache_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<BoundedExecutor> executor_;
  std::unique_ptr<RpcEdge> edge_;
  std::unique_ptr<RegistryView> view_;
  std::unique_ptr<SessionStore> sessions_;
  std::unique_ptr<PolicyStore> policies_;
  std::unique_ptr<BookingServiceImpl> service_;
  std::unique_ptr<ServiceHost> host_;
  std::thread runner_;
  std::unique_ptr<BookingStub> booking_;
  std::string booking_address_;
  absl::CivilDay holiday_;
};

// A valid token for `caller`.
std::string Token(const Caller& caller);

// Calls a unary method as `caller` with a 20 s deadline.
template <typename Stub, typename Req, typename Resp>
grpc::Status Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*), Stub* stub, const Req& req,
                  Resp* resp, const Caller& caller = kProvince) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  ctx.AddMetadata("authorization", "Bearer " + Token(caller));
  return (stub->*method)(&ctx, req, resp);
}

// A message from JSON (the API's JSON mapping); aborts the test on error.
template <typename M>
M FromJson(const std::string& json);

// Error details: BadRequest fields, the ErrorInfo reason (tests/support), the conflicts.
using gongtong::testing::Fields;
using gongtong::testing::HasField;
using gongtong::testing::Reason;
std::vector<bv1::BookingConflict> Conflicts(const grpc::Status& s);

// A session request body for the seeded world: host teacher/classroom/class,
// receivers, subject MATHEMATICS, the host's `period` on `day`.
bv1::Session SessionAt(absl::CivilDay day, int period, const std::string& teacher = "t-host-1",
                       const std::string& classroom = "rec-1", const std::string& host_class = "c1",
                       const std::vector<std::string>& receivers = {std::string(kMember2) + "/c1"});

}  // namespace gongtong::booking::testing
