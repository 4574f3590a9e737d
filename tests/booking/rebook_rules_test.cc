// RebookedSession: what a re-booked session keeps (UpdateSession,
// ModifySeries; R-SYNC-4 answers survive only an unchanged time).
#include <gtest/gtest.h>

#include "booking/domain/rebooked_session.h"

namespace gongtong::booking {
namespace {

v1::Session Stored(v1::SessionState state, int start_hour) {
  v1::Session s;
  s.set_name("sessions/s1");
  s.set_series("series/w1");
  s.set_sequence(3);
  s.set_state(state);
  s.mutable_hold_expire_time()->set_seconds(state == v1::SESSION_STATE_HELD ? 1000 : 0);
  s.mutable_window()->mutable_start_time()->set_hours(start_hour);
  auto* r = s.add_receivers();
  r->set_school_class("schools/2133102402/classes/c1");
  r->set_state(v1::RECEIVER_STATE_CONFIRMED);
  return s;
}

v1::Session Resolved(v1::SessionState state, bool short_notice, int start_hour) {
  v1::Session s;
  s.set_state(state);
  s.set_short_notice(short_notice);
  s.mutable_window()->mutable_start_time()->set_hours(start_hour);
  auto* r = s.add_receivers();
  r->set_school_class("schools/2133102402/classes/c1");
  r->set_state(v1::RECEIVER_STATE_PENDING);
  return s;
}

TEST(RebookedSession, TableOfCases) {
  struct Row {
    std::string what;
    v1::Session stored, resolved;
    v1::SessionState want_state;
    v1::ReceiverState want_receiver;
  };
  const std::vector<Row> rows = {
      {"R-SYNC-4 short notice, same time: the confirmation stands",
       Stored(v1::SESSION_STATE_CONFIRMED, 10), Resolved(v1::SESSION_STATE_PENDING_CONFIRMATION, true, 10),
       v1::SESSION_STATE_CONFIRMED, v1::RECEIVER_STATE_CONFIRMED},
      {"R-SYNC-4 short notice, new time: the receiver must confirm again",
       Stored(v1::SESSION_STATE_CONFIRMED, 10), Resolved(v1::SESSION_STATE_PENDING_CONFIRMATION, true, 14),
       v1::SESSION_STATE_PENDING_CONFIRMATION, v1::RECEIVER_STATE_PENDING},
      {"enough lead time, new time: booked", Stored(v1::SESSION_STATE_CONFIRMED, 10),
       Resolved(v1::SESSION_STATE_CONFIRMED, false, 14), v1::SESSION_STATE_CONFIRMED, v1::RECEIVER_STATE_PENDING},
      {"a hold stays a hold", Stored(v1::SESSION_STATE_HELD, 10), Resolved(v1::SESSION_STATE_CONFIRMED, false, 14),
       v1::SESSION_STATE_HELD, v1::RECEIVER_STATE_PENDING},
  };
  for (const auto& row : rows) {
    const v1::Session next = RebookedSession(row.stored, row.resolved);
    EXPECT_EQ(next.state(), row.want_state) << row.what;
    EXPECT_EQ(next.receivers(0).state(), row.want_receiver) << row.what;
    EXPECT_EQ(next.name(), "sessions/s1") << row.what;
    EXPECT_EQ(next.series(), "series/w1") << row.what;
    EXPECT_EQ(next.sequence(), 3) << row.what << ": the store raises it, once";
    if (row.want_state == v1::SESSION_STATE_HELD) { EXPECT_EQ(next.hold_expire_time().seconds(), 1000) << row.what; }
  }
}

}  // namespace
}  // namespace gongtong::booking
