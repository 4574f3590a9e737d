// R-SYNC-2 proven, not hoped: many real concurrent clients fire bookings
// with heavy deliberate overlap (the same teachers, rooms and classes, the
// same and partly overlapping windows); afterwards an SQL check over all
// sessions finds no two live sessions sharing a teacher, classroom or class
// at any instant, every refusal carried the conflict answer, and every
// success is a live session. (tools/bench/booking_race runs it at full
// size: 64 clients, 10,000 requests.)
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "booking_world.h"
#include "grpcpp/create_channel.h"

namespace gongtong::booking::testing {
namespace {

using S = BookingStub;

// A random request of the overlapping mix: 2 teachers, 2 rooms, 4 host
// classes, 4 classes at each member school, periods 3/5/6 and 20-minute
// windows sliding through period 3, on 2 dates.
bv1::Session RandomSession(std::mt19937& rng, const std::vector<absl::CivilDay>& days) {
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  const std::string teacher = pick(2) ? "t-host-1" : "t-host-2";
  const std::string room = pick(2) ? "rec-1" : "rec-2";
  const std::string host_class = absl::StrCat("c", 1 + pick(4));
  const std::string receiver = absl::StrCat(pick(2) ? kMember2 : kMember3, "/c", 1 + pick(4));
  const auto day = days[pick(static_cast<int>(days.size()))];
  const int shape = pick(5);
  bv1::Session s = SessionAt(day, shape == 0 ? 5 : shape == 1 ? 6 : 3, teacher, room, host_class, {receiver});
  if (shape >= 3) {  // 10:00–10:20, 10:10–10:30 or 10:20–10:40
    const int start = 600 + 10 * pick(3);
    s.set_host_period(0);
    s.mutable_window()->mutable_start_time()->set_hours(start / 60);
    s.mutable_window()->mutable_start_time()->set_minutes(start % 60);
    s.mutable_window()->mutable_end_time()->set_hours((start + 20) / 60);
    s.mutable_window()->mutable_end_time()->set_minutes((start + 20) % 60);
  }
  return s;
}

TEST(BookingRace, ConcurrentOverlappingBookingsNeverDoubleBook) {
  auto& world = BookingWorld::Shared();
  const std::vector<absl::CivilDay> days = {world.SchoolDay(9, 0), world.SchoolDay(9, 1)};
  constexpr int kClients = 24, kPerClient = 25;
  std::atomic<int> booked{0}, refused{0};
  std::vector<std::string> failures;
  std::mutex failures_mu;
  const std::string token = Token(HostAdmin());
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      // Each client its own channel, like separate processes.
      grpc::ChannelArguments args;
      args.SetInt("grpc.channel_id", c);
      auto stub = bv1::BookingService::NewStub(
          grpc::CreateCustomChannel(world.booking_address(), grpc::InsecureChannelCredentials(), args));
      std::mt19937 rng(1000 + c);
      for (int i = 0; i < kPerClient; ++i) {
        bv1::CreateSessionRequest req;
        *req.mutable_session() = RandomSession(rng, days);
        bv1::Session out;
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
        ctx.AddMetadata("authorization", "Bearer " + token);
        ctx.set_wait_for_ready(true);  // a connection still being set up is waited for, not failed
        grpc::Status s = stub->CreateSession(&ctx, req, &out);
        if (s.ok()) {
          ++booked;
          continue;
        }
        auto conflicts = Conflicts(s);
        const bool busy_answer = s.error_code() == grpc::StatusCode::FAILED_PRECONDITION && !conflicts.empty() &&
                                 absl::StrContains(Reason(s), "BUSY") && !conflicts[0].conflicting_session().empty();
        if (busy_answer) {
          ++refused;
        } else {
          std::lock_guard<std::mutex> lock(failures_mu);
          failures.push_back(absl::StrCat(s.error_code(), " ", Reason(s), " ", s.error_message()));
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_TRUE(failures.empty()) << failures.size() << " requests got neither a booking nor the conflict answer, e.g. "
                                << (failures.empty() ? "" : failures[0]);
  EXPECT_EQ(booked + refused, kClients * kPerClient);
  EXPECT_GE(booked.load(), 8) << "every room has at least four free slots a day";
  EXPECT_GT(refused.load(), kClients * kPerClient / 2) << "the mix must overlap heavily";
  // The invariant, checked by the database over everything written.
  EXPECT_EQ(world.Count("SELECT count(*) FROM occupancy a JOIN occupancy b ON a.resource = b.resource "
                        "AND a.session_id < b.session_id AND a.during && b.during WHERE a.live AND b.live"),
            0);
  EXPECT_EQ(world.Count("SELECT count(*) FROM sessions WHERE state IN (1, 2, 3)"), booked.load());
  EXPECT_EQ(world.Count("SELECT count(*) FROM sessions s WHERE NOT EXISTS (SELECT 1 FROM occupancy o "
                        "WHERE o.session_id = s.id AND o.live)"),
            0);
}

}  // namespace
}  // namespace gongtong::booking::testing
