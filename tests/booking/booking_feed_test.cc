// GetCalendarFeed against real PostgreSQL, Redis and a real registry process:
// the iCalendar document of a teacher's, a class's and a school's sessions
// (holds excluded, cancelled sessions kept as CANCELLED), its range, bad
// input and access.
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "booking/domain/civil.h"
#include "booking/domain/lead_time.h"
#include "booking_world.h"

namespace gongtong::booking::testing {
namespace {

using S = BookingStub;

BookingWorld& W() { return BookingWorld::Shared(); }

grpc::Status Feed(const std::string& owner, bv1::CalendarFeed* out, const Caller& who = kProvince,
                  std::optional<std::pair<absl::CivilDay, absl::CivilDay>> dates = std::nullopt) {
  bv1::GetCalendarFeedRequest req;
  req.set_owner(owner);
  if (dates) {
    *req.mutable_dates()->mutable_start_date() = ToProtoDate(dates->first);
    *req.mutable_dates()->mutable_end_date() = ToProtoDate(dates->second);
  }
  return Call(&S::GetCalendarFeed, W().booking(), req, out, who);
}

bv1::Session Book(const bv1::Session& s, bool hold = false) {
  bv1::CreateSessionRequest req;
  *req.mutable_session() = s;
  req.set_hold(hold);
  bv1::Session out;
  grpc::Status st = Call(&S::CreateSession, W().booking(), req, &out, HostAdmin());
  EXPECT_TRUE(st.ok()) << st.error_message();
  return out;
}

int Count(const std::string& ics, const std::string& what) {
  int n = 0;
  for (size_t at = ics.find(what); at != std::string::npos; at = ics.find(what, at + 1)) ++n;
  return n;
}

TEST(GetCalendarFeed, ATeachersClassesAndSchoolsSessions) {
  const absl::CivilDay day = W().SchoolDay(10, 20);
  const bv1::Session a = Book(SessionAt(day, 3, "t-host-1", "rec-1", "c1", {std::string(kMember2) + "/c1"}));
  const bv1::Session b = Book(SessionAt(day, 5, "t-host-2", "rec-2", "c2", {std::string(kMember2) + "/c1"}));
  Book(SessionAt(day, 6, "t-host-1", "rec-1", "c3", {std::string(kMember2) + "/c3"}), /*hold=*/true);
  bv1::CancelSessionRequest cancel;
  cancel.set_name(b.name());
  cancel.set_reason_code(bv1::CANCELLATION_REASON_HOST_REQUEST);
  cancel.set_reason("改期");
  bv1::Session cancelled;
  ASSERT_TRUE(Call(&S::CancelSession, W().booking(), cancel, &cancelled, HostAdmin()).ok());

  bv1::CalendarFeed feed;
  // The teacher: her hosted session; the hold stays out.
  grpc::Status s = Feed("teachers/t-host-1", &feed, TeacherOf(kHost, "t-host-1"));
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(feed.content_type(), "text/calendar; charset=utf-8");
  EXPECT_EQ(feed.event_count(), 1);
  EXPECT_EQ(Count(feed.ics(), "BEGIN:VEVENT"), 1);
  EXPECT_TRUE(absl::StrContains(feed.ics(), "UID:" + a.name().substr(9) + "@gongtong"));
  EXPECT_TRUE(absl::StrContains(feed.ics(), "STATUS:CONFIRMED"));
  EXPECT_TRUE(absl::StrContains(feed.ics(), "TZID=Asia/Shanghai"));
  EXPECT_TRUE(absl::StrContains(feed.ics(), "BEGIN:VTIMEZONE"));
  EXPECT_FALSE(feed.etag().empty());
  // The receiving class: both sessions, the cancelled one as CANCELLED.
  ASSERT_TRUE(Feed(absl::StrCat("schools/", kMember2, "/classes/c1"), &feed, SchoolAdmin(kMember2)).ok());
  EXPECT_EQ(feed.event_count(), 2);
  EXPECT_EQ(Count(feed.ics(), "STATUS:CANCELLED"), 1);
  // The school, hosted and received, as its county sees it; the etag is
  // stable while nothing changes.
  ASSERT_TRUE(Feed(absl::StrCat("schools/", kMember2), &feed, County()).ok());
  EXPECT_EQ(feed.event_count(), 3 - 1);  // the held session is excluded
  bv1::CalendarFeed again;
  ASSERT_TRUE(Feed(absl::StrCat("schools/", kMember2), &again, County()).ok());
  EXPECT_EQ(again.etag(), feed.etag());
  // Outside the range: nothing.
  ASSERT_TRUE(Feed("teachers/t-host-1", &feed, kProvince, std::make_pair(day + 1, day + 30)).ok());
  EXPECT_EQ(feed.event_count(), 0);
}

TEST(GetCalendarFeed, BadInputAndAccess) {
  bv1::CalendarFeed feed;
  const absl::CivilDay today = LocalToday(absl::Now());
  struct Row {
    std::string what, owner;
    std::optional<std::pair<absl::CivilDay, absl::CivilDay>> dates;
    grpc::StatusCode code;
    std::string field;
  };
  const std::vector<Row> rows = {
      {"a session is no owner", "sessions/x", std::nullopt, grpc::StatusCode::INVALID_ARGUMENT, "owner"},
      {"empty owner", "", std::nullopt, grpc::StatusCode::INVALID_ARGUMENT, "owner"},
      {"401 days", "teachers/t-host-1", std::make_pair(today, today + 400), grpc::StatusCode::INVALID_ARGUMENT,
       "dates"},
      {"end before start", "teachers/t-host-1", std::make_pair(today, today - 1), grpc::StatusCode::INVALID_ARGUMENT,
       "dates"},
      {"unknown teacher", "teachers/nobody", std::nullopt, grpc::StatusCode::NOT_FOUND, "owner"},
      {"unknown class", absl::StrCat("schools/", kHost, "/classes/c9"), std::nullopt, grpc::StatusCode::NOT_FOUND,
       "owner"},
  };
  for (const auto& row : rows) {
    grpc::Status s = Feed(row.owner, &feed, kProvince, row.dates);
    EXPECT_EQ(s.error_code(), row.code) << row.what << ": " << s.error_message();
    EXPECT_TRUE(HasField(s, row.field)) << row.what << ": " << s.error_message();
  }
  const auto denied = grpc::StatusCode::PERMISSION_DENIED;
  // A teacher: her own feed and her school's classes only.
  EXPECT_EQ(Feed("teachers/t-host-2", &feed, TeacherOf(kHost, "t-host-1")).error_code(), denied);
  EXPECT_EQ(Feed(absl::StrCat("schools/", kHost), &feed, TeacherOf(kHost, "t-host-1")).error_code(), denied);
  EXPECT_TRUE(Feed(absl::StrCat("schools/", kHost, "/classes/c2"), &feed, TeacherOf(kHost, "t-host-1")).ok());
  // A school admin: its own school, classes and teachers.
  EXPECT_TRUE(Feed("teachers/t-host-2", &feed, HostAdmin()).ok());
  EXPECT_EQ(Feed("teachers/t-host-2", &feed, SchoolAdmin(kMember2)).error_code(), denied);
  EXPECT_EQ(Feed(absl::StrCat("schools/", kHost), &feed, SchoolAdmin(kOutsider)).error_code(), denied);
  // A county: its region only.
  EXPECT_EQ(Feed(absl::StrCat("schools/", kHost), &feed, County("330000")).error_code(), denied);
}

}  // namespace
}  // namespace gongtong::booking::testing
