// FindFreeSlots against real PostgreSQL, Redis and a real registry process:
// the host's periods that fit every receiver's bell schedule (R-SYNC-3), minus
// the participants' live sessions (R-SYNC-2), holidays and weekends, with the
// region's remaining capacity (R-SYNC-7) and short notice (R-SYNC-4); paging,
// bad input and access.
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "booking/domain/civil.h"
#include "booking/domain/lead_time.h"
#include "booking_world.h"

namespace gongtong::booking::testing {
namespace {

using S = BookingStub;

BookingWorld& W() { return BookingWorld::Shared(); }

std::string Class(const std::string& school, const std::string& id) {
  return absl::StrCat("schools/", school, "/classes/", id);
}

bv1::FindFreeSlotsRequest Request(absl::CivilDay first, absl::CivilDay last, const std::vector<std::string>& receivers,
                                  const std::string& teacher = "t-host-1", const std::string& room = "rec-1",
                                  const std::string& host_class = "c1") {
  bv1::FindFreeSlotsRequest req;
  req.mutable_host()->set_teacher("teachers/" + teacher);
  req.mutable_host()->set_classroom(absl::StrCat("schools/", kHost, "/classrooms/", room));
  req.mutable_host()->set_school_class(Class(kHost, host_class));
  for (const auto& r : receivers) req.add_receiving_classes(r);
  req.mutable_subject()->set_code(gongtong::common::v1::SUBJECT_CODE_MATHEMATICS);
  *req.mutable_dates()->mutable_start_date() = ToProtoDate(first);
  *req.mutable_dates()->mutable_end_date() = ToProtoDate(last);
  return req;
}

std::vector<int> PeriodsOn(const bv1::FindFreeSlotsResponse& r, absl::CivilDay day) {
  std::vector<int> out;
  for (const auto& s : r.slots()) {
    if (ToCivilDay(s.window().date()) == day) out.push_back(s.host_period());
  }
  return out;
}

TEST(FindFreeSlots, PeriodsThatFitEveryoneAndAreFree) {
  const absl::CivilDay day = W().SchoolDay(10, 20);
  // Host lessons 08:00, 08:50, 10:00, 10:50, 14:00, 14:50; 对垟小学 10 minutes
  // later in period 1 only: 30 of 40 minutes never fit, every other period does.
  bv1::FindFreeSlotsResponse resp;
  grpc::Status s =
      Call(&S::FindFreeSlots, W().booking(), Request(day, day, {Class(kMember2, "c1")}), &resp, HostAdmin());
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(PeriodsOn(resp, day), (std::vector<int>{2, 3, 4, 5, 6}));
  const auto& third = resp.slots(1);
  EXPECT_EQ(third.window().start_time().hours(), 10);
  EXPECT_EQ(third.window().end_time().minutes(), 40);
  ASSERT_EQ(third.receiver_periods_size(), 1);
  EXPECT_EQ(third.receiver_periods(0).school(), absl::StrCat("schools/", kMember2));
  EXPECT_EQ(third.receiver_periods(0).period(), 3);
  EXPECT_EQ(third.receiver_periods(0).overlap_minutes(), 40);
  EXPECT_EQ(third.capacity_remaining(), 500);
  EXPECT_FALSE(third.short_notice());

  // A shorter lesson fits period 1 too: the window narrows to 08:10–08:40.
  auto req = Request(day, day, {Class(kMember2, "c1")});
  req.set_min_minutes(30);
  ASSERT_TRUE(Call(&S::FindFreeSlots, W().booking(), req, &resp, HostAdmin()).ok());
  ASSERT_EQ(PeriodsOn(resp, day).front(), 1);
  EXPECT_EQ(resp.slots(0).window().start_time().minutes(), 10);

  // A live session of the receiving class (with another teacher and room)
  // takes period 3 away; a session of somebody else does not.
  bv1::CreateSessionRequest one;
  *one.mutable_session() = SessionAt(day, 3, "t-host-2", "rec-2", "c2", {std::string(kMember2) + "/c1"});
  bv1::Session booked;
  ASSERT_TRUE(Call(&S::CreateSession, W().booking(), one, &booked, HostAdmin()).ok());
  *one.mutable_session() = SessionAt(day, 4, "t-host-2", "rec-2", "c3", {std::string(kMember2) + "/c3"});
  bv1::Session other;
  ASSERT_TRUE(Call(&S::CreateSession, W().booking(), one, &other, HostAdmin()).ok());
  ASSERT_TRUE(
      Call(&S::FindFreeSlots, W().booking(), Request(day, day, {Class(kMember2, "c1")}), &resp, HostAdmin()).ok());
  EXPECT_EQ(PeriodsOn(resp, day), (std::vector<int>{2, 4, 5, 6}));
  // Capacity counts every live session of the region at that time.
  for (const auto& slot : resp.slots()) {
    if (slot.host_period() == 2) { EXPECT_EQ(slot.capacity_remaining(), 500); }
    if (slot.host_period() == 4) { EXPECT_EQ(slot.capacity_remaining(), 499); }
  }
}

TEST(FindFreeSlots, WeekendsHolidaysAndThePastHaveNoSlots) {
  const absl::CivilDay holiday = W().HolidayDay();
  bv1::FindFreeSlotsResponse resp;
  // The week of the holiday, Monday..Sunday.
  absl::CivilDay monday = holiday;
  while (absl::GetWeekday(monday) != absl::Weekday::monday) --monday;
  ASSERT_TRUE(Call(&S::FindFreeSlots, W().booking(),
                   Request(monday, monday + 6, {Class(kMember2, "c2")}, "t-host-2", "rec-2", "c2"), &resp, HostAdmin())
                  .ok());
  std::set<absl::CivilDay> days;
  for (const auto& s : resp.slots()) days.insert(ToCivilDay(s.window().date()));
  EXPECT_EQ(days.count(holiday), 0u);
  EXPECT_EQ(days.count(monday + 5), 0u);
  EXPECT_EQ(days.count(monday + 6), 0u);
  EXPECT_EQ(days.size(), 4u);  // the other weekdays
  // Entirely in the past: nothing.
  const absl::CivilDay today = LocalToday(absl::Now());
  ASSERT_TRUE(
      Call(&S::FindFreeSlots, W().booking(), Request(today - 20, today - 1, {Class(kMember2, "c2")}), &resp).ok());
  EXPECT_EQ(resp.slots_size(), 0);
}

TEST(FindFreeSlots, ShortNoticeAndPaging) {
  const absl::CivilDay first = W().SchoolDay(1, 0);
  bv1::FindFreeSlotsResponse resp;
  auto req = Request(first, first + 13, {Class(kMember2, "c4")}, "t-host-2", "rec-2", "c4");
  req.set_page_size(7);
  ASSERT_TRUE(Call(&S::FindFreeSlots, W().booking(), req, &resp, TeacherOf(kHost, "t-host-2")).ok());
  ASSERT_EQ(resp.slots_size(), 7);
  EXPECT_TRUE(resp.slots(0).short_notice());  // within the default 7 lead days
  std::vector<std::string> seen;
  auto key = [](const bv1::FreeSlot& s) {
    return absl::StrCat(FormatDay(ToCivilDay(s.window().date())), "/", s.host_period());
  };
  for (const auto& s : resp.slots()) seen.push_back(key(s));
  while (!resp.next_page_token().empty()) {
    req.set_page_token(resp.next_page_token());
    ASSERT_TRUE(Call(&S::FindFreeSlots, W().booking(), req, &resp, TeacherOf(kHost, "t-host-2")).ok());
    for (const auto& s : resp.slots()) seen.push_back(key(s));
  }
  // All pages together are the unpaged answer, in order, without repeats.
  req.clear_page_token();
  req.set_page_size(500);
  ASSERT_TRUE(Call(&S::FindFreeSlots, W().booking(), req, &resp, TeacherOf(kHost, "t-host-2")).ok());
  std::vector<std::string> all;
  for (const auto& s : resp.slots()) all.push_back(key(s));
  EXPECT_EQ(seen, all);
  bool late = false;
  for (const auto& s : resp.slots()) late = late || !s.short_notice();
  EXPECT_TRUE(late);
}

TEST(FindFreeSlots, BadInputNamesTheFieldAndAccessIsAsForBooking) {
  const absl::CivilDay day = W().SchoolDay(10, 21);
  struct Row {
    std::string what;
    std::function<void(bv1::FindFreeSlotsRequest&)> change;
    grpc::StatusCode code;
    std::string field;
  };
  const std::vector<Row> rows = {
      {"no receivers", [](bv1::FindFreeSlotsRequest& r) { r.clear_receiving_classes(); },
       grpc::StatusCode::INVALID_ARGUMENT, "receiving_classes"},
      {"no end date", [](bv1::FindFreeSlotsRequest& r) { r.mutable_dates()->clear_end_date(); },
       grpc::StatusCode::INVALID_ARGUMENT, "dates.end_date"},
      {"32 days", [&](bv1::FindFreeSlotsRequest& r) { *r.mutable_dates()->mutable_end_date() = ToProtoDate(day + 31); },
       grpc::StatusCode::INVALID_ARGUMENT, "dates"},
      {"min_minutes 241", [](bv1::FindFreeSlotsRequest& r) { r.set_min_minutes(241); },
       grpc::StatusCode::INVALID_ARGUMENT, "min_minutes"},
      {"negative page size", [](bv1::FindFreeSlotsRequest& r) { r.set_page_size(-1); },
       grpc::StatusCode::INVALID_ARGUMENT, "page_size"},
      {"bad page token", [](bv1::FindFreeSlotsRequest& r) { r.set_page_token("garbage"); },
       grpc::StatusCode::INVALID_ARGUMENT, "page_token"},
      {"no host teacher", [](bv1::FindFreeSlotsRequest& r) { r.mutable_host()->clear_teacher(); },
       grpc::StatusCode::INVALID_ARGUMENT, "host.teacher"},
      {"unknown teacher", [](bv1::FindFreeSlotsRequest& r) { r.mutable_host()->set_teacher("teachers/nobody"); },
       grpc::StatusCode::NOT_FOUND, "host.teacher"},
      {"receiver not paired (R-SYNC-1)",
       [](bv1::FindFreeSlotsRequest& r) { r.set_receiving_classes(0, Class(kOutsider, "c1")); },
       grpc::StatusCode::FAILED_PRECONDITION, "receiving_classes[0]"},
  };
  for (const auto& row : rows) {
    auto req = Request(day, day, {Class(kMember2, "c1")});
    row.change(req);
    bv1::FindFreeSlotsResponse resp;
    grpc::Status s = Call(&S::FindFreeSlots, W().booking(), req, &resp, HostAdmin());
    EXPECT_EQ(s.error_code(), row.code) << row.what << ": " << s.error_message();
    EXPECT_TRUE(HasField(s, row.field)) << row.what << ": " << s.error_message();
  }
  // Access: a member school, another teacher of the host school, another county: no.
  bv1::FindFreeSlotsResponse resp;
  const auto req = Request(day, day, {Class(kMember2, "c1")});
  EXPECT_EQ(Call(&S::FindFreeSlots, W().booking(), req, &resp, SchoolAdmin(kMember2)).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(&S::FindFreeSlots, W().booking(), req, &resp, TeacherOf(kHost, "t-host-2")).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(&S::FindFreeSlots, W().booking(), req, &resp, County("330000")).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(Call(&S::FindFreeSlots, W().booking(), req, &resp, County()).ok());
  EXPECT_TRUE(Call(&S::FindFreeSlots, W().booking(), req, &resp, TeacherOf(kHost, "t-host-1")).ok());
}

}  // namespace
}  // namespace gongtong::booking::testing
