// gongtong-assessment-ingest: how many booking SessionDelivered events per
// second the assessment service's support consumer turns into activity
// records (issue 5 goal: 10,000/s), and how fast a full replay of the stream
// (every event a duplicate) is consumed.
//
// It starts a private PostgreSQL and Redis (tests/support/local_servers.h, in
// temporary directories, fsync on), applies the assessment migrations to a
// fresh schema, creates --assignments assignments (one teacher and one
// receiving school each), publishes --events events for distinct sessions of
// those teachers to gongtong:booking:events, then runs --consumers consumers
// of group assessment-support (MakeDeliveredSessionConsumer: the service's
// StreamConsumer options, i.e. one transaction per batch of 100 entries)
// until the stream is drained; then destroys the group and
// replays the whole stream. Output: one JSON line, e.g.
//   {"events":20000,"consumers":2,"ingest_per_s":1234.5,"replay_per_s":4567.8,"records":20000,...}
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "assessment/rpc/support_tasks.h"
#include "assessment/storage/support_store.h"
#include "common/events/event.h"
#include "common/pg/migrations.h"
#include "gongtong/events/v1/booking_events.pb.h"
#include "bench_args.h"
#include "local_servers.h"

namespace gongtong::pg {
const std::vector<Migration>& AssessmentMigrations();
}

namespace {

using namespace gongtong;
using bench::Flag;
namespace av1 = gongtong::assessment::v1;

std::string Code(int prefix, int i) { return absl::StrFormat("%d%08d", prefix, i); }

// Runs `consumers` consumers until none finds anything new; returns seconds
// from start to the last handled entry.
double Drain(pg::Pool* pool, const redis::Options& redis, int consumers, int64_t* handled) {
  std::atomic<int64_t> total{0};
  std::atomic<int64_t> last_ns{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < consumers; ++c) {
    threads.emplace_back([&, c] {
      auto consumer = assessment::MakeDeliveredSessionConsumer(pool, redis, "bench-" + std::to_string(c));
      for (int idle = 0; idle < 2;) {
        auto n = consumer->PollOnce();
        if (!n.ok()) {
          std::fprintf(stderr, "poll: %s\n", n.status().ToString().c_str());
          return;
        }
        if (*n == 0) {
          ++idle;
          continue;
        }
        idle = 0;
        total += *n;
        int64_t ns =
            std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count();
        int64_t prev = last_ns.load();
        while (ns > prev && !last_ns.compare_exchange_weak(prev, ns)) {
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  *handled = total.load();
  return last_ns.load() / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  const int events_n = Flag(argc, argv, "events", 20000);
  const int consumers = Flag(argc, argv, "consumers", 2);
  const int assignments = Flag(argc, argv, "assignments", 200);

  auto& postgres = gongtong::testing::LocalPostgres::Shared();
  const redis::Options redis_options = gongtong::testing::LocalRedis::Shared().options();
  pg::Pool pool({postgres.dsn(), gongtong::testing::UniqueSchema("ingest"), consumers + 2});
  auto migrated = pool.WithConnection([&](pqxx::connection& c) {
    return pg::ApplyMigrations(c, pool.schema(), {&pg::CommonMigrations(), &pg::AssessmentMigrations()}).status();
  });
  if (!migrated.ok()) {
    std::fprintf(stderr, "migrations: %s\n", migrated.ToString().c_str());
    return 1;
  }

  // Assignments of year 2024: teacher t-i sent from school S_i to R_i.
  assessment::SupportStore store(&pool);
  assessment::SupportWrite w;
  w.principal.role = auth::Role::kProvinceAdmin;
  w.actor.set_subject("bench");
  for (int i = 0; i < assignments; ++i) {
    av1::SupportQuota quota;
    quota.set_prior_year_associate_senior_places(1);
    auto q = store.UpdateQuota(
        Code(31, i), 2024, quota, {"prior_year_associate_senior_places"}, "", [](const std::string&) { return true; },
        w);
    av1::SupportAssignment a;
    a.set_teacher("teachers/t-" + std::to_string(i));
    a.set_sending_school("schools/" + Code(31, i));
    a.add_receiving_schools("schools/" + Code(21, i));
    a.set_school_year(2024);
    a.set_kind(av1::ASSIGNMENT_KIND_SUPPORT_TEACHING);
    auto created = store.CreateAssignment(a, "a-" + std::to_string(i), "331024", w);
    if (!q.ok() || !created.ok()) {
      std::fprintf(stderr, "setup: %s %s\n", q.status().ToString().c_str(), created.status().ToString().c_str());
      return 1;
    }
  }

  // The booking stream: one event per delivered session.
  redis::Client redis(redis_options);
  (void)redis.Command({"DEL", assessment::kBookingStream});
  std::vector<std::vector<std::string>> batch;
  for (int k = 0; k < events_n; ++k) {
    const int i = k % assignments;
    const int nth = k / assignments;  // the teacher's nth session: a school day of the year
    gongtong::events::v1::SessionDelivered delivered;
    auto* s = delivered.mutable_session();
    s->set_name("sessions/b-" + std::to_string(k));
    s->mutable_host()->set_teacher("teachers/t-" + std::to_string(i));
    s->add_receivers()->set_school("schools/" + Code(21, i));
    s->set_topic("bench");
    auto* date = s->mutable_window()->mutable_date();
    const int month_index = (nth / 20) % 10;  // Sep … Jun, 20 days a month
    date->set_year(month_index < 4 ? 2024 : 2025);
    date->set_month(month_index < 4 ? 9 + month_index : month_index - 3);
    date->set_day(1 + nth % 20);
    s->mutable_window()->mutable_start_time()->set_hours(8 + (nth / 200) % 8);
    auto env = events::MakeEvent("booking", "session", s->name(), 3, delivered, "bench");
    batch.push_back({"XADD", assessment::kBookingStream, "*", "event_id", env.event_id(), "event_type",
                     env.event_type(), "envelope", env.SerializeAsString()});
    if (batch.size() == 500 || k + 1 == events_n) {
      auto r = redis.Pipeline(batch);
      if (!r.ok()) {
        std::fprintf(stderr, "publish: %s\n", r.status().ToString().c_str());
        return 1;
      }
      batch.clear();
    }
  }

  int64_t handled = 0, replayed = 0;
  const double ingest_s = Drain(&pool, redis_options, consumers, &handled);
  int64_t records = 0;
  (void)pool.Transact([&](pqxx::work& tx) {
    records = tx.exec1("SELECT count(*) FROM support_activity_records")[0].as<int64_t>();
    return absl::OkStatus();
  });
  (void)redis.Command({"XGROUP", "DESTROY", assessment::kBookingStream, assessment::kSupportConsumerGroup});
  const double replay_s = Drain(&pool, redis_options, consumers, &replayed);
  int64_t records_after = 0;
  (void)pool.Transact([&](pqxx::work& tx) {
    records_after = tx.exec1("SELECT count(*) FROM support_activity_records")[0].as<int64_t>();
    return absl::OkStatus();
  });
  std::printf(
      "{\"events\":%d,\"consumers\":%d,\"assignments\":%d,\"handled\":%lld,\"ingest_s\":%.3f,"
      "\"ingest_per_s\":%.1f,\"records\":%lld,\"replayed\":%lld,\"replay_s\":%.3f,\"replay_per_s\":%.1f,"
      "\"records_after_replay\":%lld}\n",
      events_n, consumers, assignments, static_cast<long long>(handled), ingest_s,
      ingest_s > 0 ? handled / ingest_s : 0.0, static_cast<long long>(records), static_cast<long long>(replayed),
      replay_s, replay_s > 0 ? replayed / replay_s : 0.0, static_cast<long long>(records_after));
  return records == events_n && records_after == records ? 0 : 2;
}
