// Recurring series against real PostgreSQL, Redis and a real registry
// process: weekly dates across a range, holidays skipped, each occurrence
// booked with every rule of a single booking (R-SYNC-2 busy resources,
// R-SYNC-3 bell schedules), all_or_nothing, validate_only, retries, "this and
// following" cancellation, bad input and access — each asserted on the answer
// AND on what was (not) written.
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

// A weekly series of the seeded world: host t-host-1 in `room` with class
// `host_class`, receivers, MATHEMATICS, host period `period`, on the weekday
// of `first`, from `first` to `last`.
bv1::SessionSeries SeriesOf(absl::CivilDay first, absl::CivilDay last, int period, const std::string& teacher,
                            const std::string& room, const std::string& host_class,
                            const std::vector<std::string>& receivers) {
  bv1::SessionSeries s;
  auto* t = s.mutable_session_template();
  t->mutable_host()->set_teacher("teachers/" + teacher);
  t->mutable_host()->set_classroom(absl::StrCat("schools/", kHost, "/classrooms/", room));
  t->mutable_host()->set_school_class(Class(kHost, host_class));
  for (const auto& r : receivers) t->add_receiving_classes(r);
  t->mutable_subject()->set_code(gongtong::common::v1::SUBJECT_CODE_MATHEMATICS);
  t->set_topic("分数 第{n}讲");
  t->set_mode(bv1::SESSION_MODE_DEDICATED_DELIVERY);
  t->set_host_period(period);
  s.add_weekdays(ToDayOfWeek(absl::GetWeekday(first)));
  s.set_interval_weeks(1);
  *s.mutable_dates()->mutable_start_date() = ToProtoDate(first);
  *s.mutable_dates()->mutable_end_date() = ToProtoDate(last);
  s.set_follow_makeup_days(true);
  return s;
}

grpc::Status CreateSeries(const bv1::SessionSeries& series, bv1::SessionSeries* out, const Caller& who = HostAdmin(),
                          const std::string& series_id = "", bool all_or_nothing = false, bool validate_only = false,
                          const std::string& request_id = "") {
  bv1::CreateSeriesRequest req;
  *req.mutable_series() = series;
  req.set_series_id(series_id);
  req.set_all_or_nothing(all_or_nothing);
  req.set_validate_only(validate_only);
  req.set_request_id(request_id);
  return Call(&S::CreateSeries, W().booking(), req, out, who);
}

int64_t SessionsOfSeries(const std::string& series_name, bool live_only = false) {
  return W().Count(absl::StrCat("SELECT count(*) FROM sessions WHERE series_id = '", series_name, "'",
                                live_only ? " AND state IN (1, 2, 3)" : ""));
}
int64_t SeriesRows() { return W().Count("SELECT count(*) FROM series"); }
int64_t AllSessions() { return W().Count("SELECT count(*) FROM sessions"); }

absl::CivilDay DateOf(const bv1::SeriesOccurrence& o) { return ToCivilDay(o.date()); }

// The nth school day a week or more ahead whose weekday is not the seeded
// holiday's: weekly series from it for a few weeks meet no holiday. Each
// test books other resources or periods, so their dates may coincide.
absl::CivilDay FreeWeekday(int nth) {
  for (int n = nth;; ++n) {
    const absl::CivilDay d = W().SchoolDay(7, n);
    if (absl::GetWeekday(d) != absl::GetWeekday(W().HolidayDay())) return d;
  }
}

TEST(CreateSeries, BooksEveryWeekSkipsTheHolidayAndReportsTheCollision) {
  // Five Mondays-or-whatever around the seeded holiday: one holiday, one
  // date already taken by a single session of the same teacher.
  const absl::CivilDay holiday = W().HolidayDay();
  const absl::CivilDay first = holiday - 7, last = holiday + 21;
  bv1::Session single;
  bv1::CreateSessionRequest one;
  *one.mutable_session() = SessionAt(holiday + 7, 3, "t-host-1", "rec-2", "c4", {std::string(kMember3) + "/c4"});
  ASSERT_TRUE(Call(&S::CreateSession, W().booking(), one, &single, HostAdmin()).ok());

  bv1::SessionSeries out;
  grpc::Status s = CreateSeries(SeriesOf(first, last, 3, "t-host-1", "rec-1", "c1", {Class(kMember2, "c1")}), &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(out.state(), bv1::SERIES_STATE_ACTIVE);
  EXPECT_FALSE(out.etag().empty());
  ASSERT_EQ(out.occurrences_size(), 5);
  const std::vector<bv1::OccurrenceOutcome> expected = {
      bv1::OCCURRENCE_OUTCOME_BOOKED, bv1::OCCURRENCE_OUTCOME_SKIPPED_HOLIDAY, bv1::OCCURRENCE_OUTCOME_CONFLICT,
      bv1::OCCURRENCE_OUTCOME_BOOKED, bv1::OCCURRENCE_OUTCOME_BOOKED};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(DateOf(out.occurrences(i)), first + 7 * i) << i;
    EXPECT_EQ(out.occurrences(i).outcome(), expected[i]) << i;
  }
  const auto& collided = out.occurrences(2);
  EXPECT_TRUE(collided.session().empty());
  ASSERT_EQ(collided.conflicts_size(), 1);
  EXPECT_EQ(collided.conflicts(0).kind(), bv1::CONFLICT_KIND_TEACHER_BUSY);
  EXPECT_EQ(collided.conflicts(0).conflicting_session(), single.name());

  // Each booked date is its own confirmed session of the series, numbered.
  EXPECT_EQ(SessionsOfSeries(out.name()), 3);
  bv1::Session occ;
  bv1::GetSessionRequest get;
  get.set_name(out.occurrences(0).session());
  ASSERT_TRUE(Call(&S::GetSession, W().booking(), get, &occ).ok());
  EXPECT_EQ(occ.series(), out.name());
  EXPECT_EQ(occ.topic(), "分数 第1讲");
  EXPECT_EQ(occ.state(), bv1::SESSION_STATE_CONFIRMED);
  EXPECT_EQ(occ.window().start_time().hours(), 10);
  get.set_name(out.occurrences(3).session());
  ASSERT_TRUE(Call(&S::GetSession, W().booking(), get, &occ).ok());
  EXPECT_EQ(occ.topic(), "分数 第2讲");

  // GetSeries answers the same, as stored.
  bv1::SessionSeries read;
  bv1::GetSeriesRequest gs;
  gs.set_name(out.name());
  ASSERT_TRUE(Call(&S::GetSeries, W().booking(), gs, &read, County()).ok());
  EXPECT_EQ(read.occurrences_size(), 5);
  EXPECT_EQ(read.etag(), out.etag());
  EXPECT_EQ(read.session_template().topic(), "分数 第{n}讲");
}

TEST(CreateSeries, PastDatesAndBellScheduleMisfitsAreReportedNotBooked) {
  // Period 1 (08:00–08:40) against 十都英小学's 08:20 lessons: 20 minutes of
  // overlap never fits (R-SYNC-3); dates before today are skipped as past.
  const absl::CivilDay today = LocalToday(absl::Now());
  const absl::CivilDay anchor = W().SchoolDay(3, 0);
  bv1::SessionSeries out;
  grpc::Status s =
      CreateSeries(SeriesOf(anchor - 28, anchor, 1, "t-host-2", "rec-2", "c2", {Class(kMember3, "c2")}), &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(out.occurrences_size(), 5);
  int past = 0;
  for (const auto& o : out.occurrences()) {
    if (DateOf(o) < today) {
      EXPECT_EQ(o.outcome(), bv1::OCCURRENCE_OUTCOME_SKIPPED_PAST) << FormatDay(DateOf(o));
      ++past;
    } else {
      ASSERT_EQ(o.outcome(), bv1::OCCURRENCE_OUTCOME_SCHEDULE_MISFIT) << FormatDay(DateOf(o));
      ASSERT_FALSE(o.conflicts().empty());
      EXPECT_EQ(o.conflicts(0).kind(), bv1::CONFLICT_KIND_BELL_SCHEDULE);
      EXPECT_EQ(o.conflicts(0).resource(), absl::StrCat("schools/", kMember3));
    }
  }
  EXPECT_GT(past, 0);
  EXPECT_EQ(SessionsOfSeries(out.name()), 0);
}

TEST(CreateSeries, AllOrNothingAndValidateOnlyWriteNothing) {
  const absl::CivilDay first = FreeWeekday(0);
  const auto series = SeriesOf(first, first + 21, 5, "t-host-2", "rec-1", "c3", {Class(kMember2, "c3")});
  // Take the third date's classroom with a single session.
  bv1::Session single;
  bv1::CreateSessionRequest one;
  *one.mutable_session() = SessionAt(first + 14, 5, "t-host-1", "rec-1", "c4", {std::string(kMember2) + "/c4"});
  ASSERT_TRUE(Call(&S::CreateSession, W().booking(), one, &single, HostAdmin()).ok());
  const int64_t series_before = SeriesRows(), sessions_before = AllSessions();

  bv1::SessionSeries out;
  grpc::Status s = CreateSeries(series, &out, HostAdmin(), "aon-1", /*all_or_nothing=*/true);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reason(s), "SERIES_NOT_BOOKABLE");
  auto conflicts = Conflicts(s);
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_EQ(conflicts[0].kind(), bv1::CONFLICT_KIND_CLASSROOM_BUSY);
  EXPECT_EQ(conflicts[0].conflicting_session(), single.name());
  EXPECT_EQ(SeriesRows(), series_before);
  EXPECT_EQ(AllSessions(), sessions_before);

  // validate_only shows what would happen, and writes nothing either.
  s = CreateSeries(series, &out, HostAdmin(), "aon-1", false,
                   /*validate_only=*/true);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(out.occurrences_size(), 4);
  EXPECT_EQ(out.occurrences(0).outcome(), bv1::OCCURRENCE_OUTCOME_BOOKED);
  EXPECT_EQ(out.occurrences(2).outcome(), bv1::OCCURRENCE_OUTCOME_CONFLICT);
  EXPECT_TRUE(out.etag().empty());
  EXPECT_EQ(SeriesRows(), series_before);
  EXPECT_EQ(AllSessions(), sessions_before);

  // Once the room is free again, all_or_nothing books every date.
  bv1::CancelSessionRequest cancel;
  cancel.set_name(single.name());
  cancel.set_reason_code(bv1::CANCELLATION_REASON_HOST_REQUEST);
  cancel.set_reason("改期");
  bv1::Session cancelled;
  ASSERT_TRUE(Call(&S::CancelSession, W().booking(), cancel, &cancelled, HostAdmin()).ok());
  s = CreateSeries(series, &out, HostAdmin(), "aon-1", true);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(out.name(), "series/aon-1");
  EXPECT_EQ(SessionsOfSeries("series/aon-1", true), 4);
  // The id is taken now.
  EXPECT_EQ(CreateSeries(series, &out, HostAdmin(), "aon-1").error_code(), grpc::StatusCode::ALREADY_EXISTS);
}

TEST(CreateSeries, ARetryWithTheSameRequestIdReturnsTheFirstAnswer) {
  const absl::CivilDay first = FreeWeekday(1);
  const auto series = SeriesOf(first, first + 7, 6, "t-host-1", "rec-2", "c1", {Class(kMember2, "c2")});
  bv1::SessionSeries a, b;
  ASSERT_TRUE(CreateSeries(series, &a, HostAdmin(), "", false, false, "7d3f1c2e-0b4a-4c55-9a1e-000000000001").ok());
  ASSERT_TRUE(CreateSeries(series, &b, HostAdmin(), "", false, false, "7d3f1c2e-0b4a-4c55-9a1e-000000000001").ok());
  EXPECT_EQ(a.name(), b.name());
  EXPECT_EQ(a.etag(), b.etag());
  EXPECT_EQ(SessionsOfSeries(a.name()), 2);
  EXPECT_EQ(W().Count(absl::StrCat("SELECT count(*) FROM series WHERE id = '", a.name().substr(7), "'")), 1);
  // The same key for another request is refused.
  auto other = series;
  other.mutable_session_template()->set_topic("另一个系列");
  grpc::Status s = CreateSeries(other, &b, HostAdmin(), "", false, false, "7d3f1c2e-0b4a-4c55-9a1e-000000000001");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(s, "request_id"));
}

TEST(CreateSeries, BadInputIsRefusedWithTheFieldAndNothingIsWritten) {
  const absl::CivilDay first = FreeWeekday(2);
  const auto good = SeriesOf(first, first + 14, 2, "t-host-1", "rec-1", "c2", {Class(kMember2, "c2")});
  struct Row {
    std::string what;
    std::function<void(bv1::CreateSeriesRequest&)> change;
    grpc::StatusCode code;
    std::string field;
  };
  const std::vector<Row> rows = {
      {"no series", [](bv1::CreateSeriesRequest& r) { r.clear_series(); }, grpc::StatusCode::INVALID_ARGUMENT,
       "series"},
      {"bad id", [](bv1::CreateSeriesRequest& r) { r.set_series_id("Bad_Id"); }, grpc::StatusCode::INVALID_ARGUMENT,
       "series_id"},
      {"no weekday", [](bv1::CreateSeriesRequest& r) { r.mutable_series()->clear_weekdays(); },
       grpc::StatusCode::INVALID_ARGUMENT, "series.weekdays"},
      {"interval 5", [](bv1::CreateSeriesRequest& r) { r.mutable_series()->set_interval_weeks(5); },
       grpc::StatusCode::INVALID_ARGUMENT, "series.interval_weeks"},
      {"no end date", [](bv1::CreateSeriesRequest& r) { r.mutable_series()->mutable_dates()->clear_end_date(); },
       grpc::StatusCode::INVALID_ARGUMENT, "series.dates.end_date"},
      {"more than 200 days",
       [&](bv1::CreateSeriesRequest& r) {
         *r.mutable_series()->mutable_dates()->mutable_end_date() = ToProtoDate(first + 201);
       },
       grpc::StatusCode::INVALID_ARGUMENT, "series.dates"},
      {"no topic", [](bv1::CreateSeriesRequest& r) { r.mutable_series()->mutable_session_template()->clear_topic(); },
       grpc::StatusCode::INVALID_ARGUMENT, "series.session_template.topic"},
      {"receiver not paired (R-SYNC-1)",
       [](bv1::CreateSeriesRequest& r) {
         r.mutable_series()->mutable_session_template()->set_receiving_classes(0, Class(kOutsider, "c1"));
       },
       grpc::StatusCode::FAILED_PRECONDITION, "series.session_template.receiving_classes[0]"},
      {"unknown teacher",
       [](bv1::CreateSeriesRequest& r) {
         r.mutable_series()->mutable_session_template()->mutable_host()->set_teacher("teachers/nobody");
       },
       grpc::StatusCode::NOT_FOUND, "series.session_template.host.teacher"},
  };
  const int64_t series_before = SeriesRows(), sessions_before = AllSessions();
  for (const auto& row : rows) {
    bv1::CreateSeriesRequest req;
    *req.mutable_series() = good;
    row.change(req);
    bv1::SessionSeries out;
    grpc::Status s = Call(&S::CreateSeries, W().booking(), req, &out, HostAdmin());
    EXPECT_EQ(s.error_code(), row.code) << row.what << ": " << s.error_message();
    EXPECT_TRUE(HasField(s, row.field)) << row.what << ": " << s.error_message();
  }
  EXPECT_EQ(SeriesRows(), series_before);
  EXPECT_EQ(AllSessions(), sessions_before);
}

TEST(CancelSeries, ThisAndFollowingThenEverything) {
  const absl::CivilDay first = FreeWeekday(3);
  bv1::SessionSeries out;
  ASSERT_TRUE(
      CreateSeries(SeriesOf(first, first + 21, 4, "t-host-2", "rec-2", "c4", {Class(kMember2, "c4")}), &out).ok());
  ASSERT_EQ(SessionsOfSeries(out.name(), true), 4);

  bv1::CancelSeriesRequest req;
  req.set_name(out.name());
  req.set_reason_code(bv1::CANCELLATION_REASON_TEACHER_UNAVAILABLE);
  req.set_reason("主讲教师外出培训");
  *req.mutable_from_date() = ToProtoDate(first + 14);
  req.set_etag("v999");
  bv1::SessionSeries after;
  EXPECT_EQ(Call(&S::CancelSeries, W().booking(), req, &after, HostAdmin()).error_code(), grpc::StatusCode::ABORTED);
  req.set_etag(out.etag());
  // A member school may not cancel the host's series.
  EXPECT_EQ(Call(&S::CancelSeries, W().booking(), req, &after, SchoolAdmin(kMember2)).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(&S::CancelSeries, W().booking(), req, &after, HostAdmin()).ok());
  EXPECT_EQ(after.state(), bv1::SERIES_STATE_ACTIVE);
  EXPECT_EQ(after.occurrences(1).outcome(), bv1::OCCURRENCE_OUTCOME_BOOKED);
  EXPECT_EQ(after.occurrences(2).outcome(), bv1::OCCURRENCE_OUTCOME_CANCELLED);
  EXPECT_EQ(after.occurrences(3).outcome(), bv1::OCCURRENCE_OUTCOME_CANCELLED);
  EXPECT_EQ(SessionsOfSeries(out.name(), true), 2);

  // A session cancelled on its own reads as CANCELLED in the series.
  bv1::CancelSessionRequest one;
  one.set_name(after.occurrences(1).session());
  one.set_reason_code(bv1::CANCELLATION_REASON_HOST_REQUEST);
  one.set_reason("调课");
  bv1::Session cancelled;
  ASSERT_TRUE(Call(&S::CancelSession, W().booking(), one, &cancelled, HostAdmin()).ok());
  bv1::GetSeriesRequest get;
  get.set_name(out.name());
  bv1::SessionSeries read;
  ASSERT_TRUE(Call(&S::GetSeries, W().booking(), get, &read, HostAdmin()).ok());
  EXPECT_EQ(read.occurrences(1).outcome(), bv1::OCCURRENCE_OUTCOME_CANCELLED);

  // Without a date: every future occurrence, and the series is cancelled.
  req.clear_from_date();
  req.set_etag("");
  ASSERT_TRUE(Call(&S::CancelSeries, W().booking(), req, &after, County()).ok());
  EXPECT_EQ(after.state(), bv1::SERIES_STATE_CANCELLED);
  EXPECT_EQ(SessionsOfSeries(out.name(), true), 0);
  // Bad input names the field.
  req.set_reason_code(bv1::CANCELLATION_REASON_UNSPECIFIED);
  grpc::Status s = Call(&S::CancelSeries, W().booking(), req, &after, HostAdmin());
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(s, "reason_code"));
}

TEST(Series, EachRoleSeesAndBooksOnlyItsOwn) {
  const absl::CivilDay first = FreeWeekday(4);
  const auto series = SeriesOf(first, first + 7, 6, "t-host-2", "rec-1", "c2", {Class(kMember3, "c3")});
  bv1::SessionSeries out;
  // Only the host's admin, its county or the province books for the host.
  EXPECT_EQ(CreateSeries(series, &out, SchoolAdmin(kMember2)).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CreateSeries(series, &out, County("330000")).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(CreateSeries(series, &out, County()).ok());

  bv1::GetSeriesRequest get;
  get.set_name(out.name());
  bv1::SessionSeries read;
  EXPECT_EQ(Call(&S::GetSeries, W().booking(), get, &read, SchoolAdmin(kOutsider)).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(Call(&S::GetSeries, W().booking(), get, &read, TeacherOf(kHost, "t-host-2")).ok());
  get.set_name("series/nope");
  EXPECT_EQ(Call(&S::GetSeries, W().booking(), get, &read).error_code(), grpc::StatusCode::NOT_FOUND);
  get.set_name("sessions/x");
  grpc::Status s = Call(&S::GetSeries, W().booking(), get, &read);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(s, "name"));

  // Listing: filtered silently by scope, paged.
  bv1::ListSeriesRequest list;
  bv1::ListSeriesResponse page;
  ASSERT_TRUE(Call(&S::ListSeries, W().booking(), list, &page, SchoolAdmin(kOutsider)).ok());
  EXPECT_EQ(page.series_size(), 0);
  list.set_filter("teacher = \"teachers/t-host-2\"");
  list.set_page_size(1);
  ASSERT_TRUE(Call(&S::ListSeries, W().booking(), list, &page, HostAdmin()).ok());
  ASSERT_EQ(page.series_size(), 1);
  const int total = page.total_size();
  EXPECT_GE(total, 1);
  int seen = 1;
  while (!page.next_page_token().empty()) {
    list.set_page_token(page.next_page_token());
    page.Clear();
    ASSERT_TRUE(Call(&S::ListSeries, W().booking(), list, &page, HostAdmin()).ok());
    seen += page.series_size();
  }
  EXPECT_EQ(seen, total);
  EXPECT_EQ(total, W().Count("SELECT count(*) FROM series WHERE host_teacher = "
                             "'teachers/t-host-2'"));
  list.set_filter("colour = \"red\"");
  list.clear_page_token();
  s = Call(&S::ListSeries, W().booking(), list, &page);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(s, "filter"));
}

TEST(Series, AnOccurrenceChangedOnItsOwnIsDetached) {
  const absl::CivilDay first = FreeWeekday(80);  // after every other test's dates
  bv1::SessionSeries out;
  ASSERT_TRUE(
      CreateSeries(SeriesOf(first, first + 14, 5, "t-host-1", "rec-1", "c3", {Class(kMember3, "c1")}), &out).ok());
  ASSERT_EQ(out.occurrences_size(), 3);
  for (const auto& o : out.occurrences()) {
    ASSERT_EQ(o.outcome(), bv1::OCCURRENCE_OUTCOME_BOOKED);
    EXPECT_FALSE(o.detached());
  }

  // "This occurrence": the second date's topic changes on its own.
  bv1::UpdateSessionRequest up;
  up.mutable_session()->set_name(out.occurrences(1).session());
  up.mutable_session()->set_topic("分数 复习课");
  up.mutable_update_mask()->add_paths("topic");
  bv1::Session changed;
  ASSERT_TRUE(Call(&S::UpdateSession, W().booking(), up, &changed, HostAdmin()).ok());
  EXPECT_EQ(changed.series(), out.name());

  bv1::GetSeriesRequest get;
  get.set_name(out.name());
  bv1::SessionSeries read;
  ASSERT_TRUE(Call(&S::GetSeries, W().booking(), get, &read, HostAdmin()).ok());
  EXPECT_FALSE(read.occurrences(0).detached());
  EXPECT_TRUE(read.occurrences(1).detached());
  EXPECT_FALSE(read.occurrences(2).detached());
  EXPECT_EQ(read.occurrences(1).outcome(), bv1::OCCURRENCE_OUTCOME_BOOKED);
  EXPECT_NE(read.etag(), out.etag());  // the series changed

  // Changing it again changes the series no more.
  up.mutable_session()->set_topic("分数 复习课（二）");
  ASSERT_TRUE(Call(&S::UpdateSession, W().booking(), up, &changed, HostAdmin()).ok());
  bv1::SessionSeries again;
  ASSERT_TRUE(Call(&S::GetSeries, W().booking(), get, &again, HostAdmin()).ok());
  EXPECT_EQ(again.etag(), read.etag());
  EXPECT_TRUE(again.occurrences(1).detached());
}

TEST(ModifySeries, ThisAndFollowingReBooksTheLaterOccurrencesAndCancelsWhatNoLongerFits) {
  // Far enough ahead that no other test of this binary books these dates.
  const absl::CivilDay first = FreeWeekday(40);
  bv1::SessionSeries out;
  ASSERT_TRUE(
      CreateSeries(SeriesOf(first, first + 21, 3, "t-host-1", "rec-1", "c1", {Class(kMember2, "c1")}), &out).ok());
  ASSERT_EQ(out.occurrences_size(), 4);
  for (const auto& o : out.occurrences()) ASSERT_EQ(o.outcome(), bv1::OCCURRENCE_OUTCOME_BOOKED);
  // t-host-2 teaches period 3 on the third date; the fourth date was changed on its own.
  bv1::Session single;
  bv1::CreateSessionRequest one;
  *one.mutable_session() = SessionAt(first + 14, 3, "t-host-2", "rec-2", "c2", {std::string(kMember3) + "/c4"});
  ASSERT_TRUE(Call(&S::CreateSession, W().booking(), one, &single, HostAdmin()).ok());
  bv1::UpdateSessionRequest up;
  up.mutable_session()->set_name(out.occurrences(3).session());
  up.mutable_session()->set_topic("分数 复习课");
  up.mutable_update_mask()->add_paths("topic");
  bv1::Session changed;
  ASSERT_TRUE(Call(&S::UpdateSession, W().booking(), up, &changed, HostAdmin()).ok());

  // From the second date: t-host-2 in classroom rec-2, a new topic.
  bv1::ModifySeriesRequest req;
  req.set_name(out.name());
  *req.mutable_from_date() = ToProtoDate(first + 7);
  req.mutable_session_template()->mutable_host()->set_teacher("teachers/t-host-2");
  req.mutable_session_template()->mutable_host()->set_classroom(absl::StrCat("schools/", kHost, "/classrooms/rec-2"));
  req.mutable_session_template()->set_topic("分数（调整）第{n}讲");
  for (const char* p : {"host.teacher", "host.classroom", "topic"}) req.mutable_update_mask()->add_paths(p);
  req.set_etag(out.etag());  // stale: the detached occurrence moved it
  req.set_request_id("5b1f7f2e-0d55-4d3c-9a51-2f0c3e7d9a11");
  bv1::SessionSeries after;
  EXPECT_EQ(Call(&S::ModifySeries, W().booking(), req, &after, HostAdmin()).error_code(), grpc::StatusCode::ABORTED);
  req.clear_etag();
  // A member school may not change the host's series.
  EXPECT_EQ(Call(&S::ModifySeries, W().booking(), req, &after, SchoolAdmin(kMember2)).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status s = Call(&S::ModifySeries, W().booking(), req, &after, HostAdmin());
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(after.session_template().host().teacher(), "teachers/t-host-2");
  EXPECT_EQ(after.session_template().host().classroom(), absl::StrCat("schools/", kHost, "/classrooms/rec-2"));
  ASSERT_EQ(after.occurrences_size(), 4);

  bv1::GetSessionRequest get;
  bv1::Session occ;
  // Before from_date: as booked.
  EXPECT_EQ(after.occurrences(0).outcome(), bv1::OCCURRENCE_OUTCOME_BOOKED);
  get.set_name(after.occurrences(0).session());
  ASSERT_TRUE(Call(&S::GetSession, W().booking(), get, &occ).ok());
  EXPECT_EQ(occ.host().teacher(), "teachers/t-host-1");
  EXPECT_EQ(occ.window().start_time().hours(), 10);
  EXPECT_EQ(occ.window().start_time().minutes(), 0);
  // The second: re-booked with the new teacher and classroom, numbered.
  EXPECT_EQ(after.occurrences(1).outcome(), bv1::OCCURRENCE_OUTCOME_BOOKED);
  get.set_name(after.occurrences(1).session());
  ASSERT_TRUE(Call(&S::GetSession, W().booking(), get, &occ).ok());
  EXPECT_EQ(occ.host().teacher(), "teachers/t-host-2");
  EXPECT_EQ(occ.host().classroom(), absl::StrCat("schools/", kHost, "/classrooms/rec-2"));
  EXPECT_EQ(occ.window().start_time().hours(), 10);
  EXPECT_EQ(occ.topic(), "分数（调整）第2讲");
  EXPECT_EQ(occ.state(), bv1::SESSION_STATE_CONFIRMED);
  // The third no longer fits: cancelled, reported with the collision.
  const auto& lost = after.occurrences(2);
  EXPECT_EQ(lost.outcome(), bv1::OCCURRENCE_OUTCOME_CONFLICT);
  ASSERT_EQ(lost.conflicts_size(), 2);  // the teacher and the classroom
  std::set<bv1::ConflictKind> kinds;
  for (const auto& c : lost.conflicts()) {
    kinds.insert(c.kind());
    EXPECT_EQ(c.conflicting_session(), single.name());
  }
  EXPECT_EQ(kinds, (std::set<bv1::ConflictKind>{bv1::CONFLICT_KIND_TEACHER_BUSY, bv1::CONFLICT_KIND_CLASSROOM_BUSY}));
  get.set_name(lost.session());
  ASSERT_TRUE(Call(&S::GetSession, W().booking(), get, &occ).ok());
  EXPECT_EQ(occ.state(), bv1::SESSION_STATE_CANCELLED);
  EXPECT_EQ(occ.host().teacher(), "teachers/t-host-1");  // cancelled as it was
  // The detached fourth is passed by.
  EXPECT_TRUE(after.occurrences(3).detached());
  get.set_name(after.occurrences(3).session());
  ASSERT_TRUE(Call(&S::GetSession, W().booking(), get, &occ).ok());
  EXPECT_EQ(occ.host().teacher(), "teachers/t-host-1");
  EXPECT_EQ(occ.topic(), "分数 复习课");
  EXPECT_EQ(SessionsOfSeries(out.name(), true), 3);

  // A retry with the same request_id answers the same, acting no more.
  bv1::SessionSeries retried;
  ASSERT_TRUE(Call(&S::ModifySeries, W().booking(), req, &retried, HostAdmin()).ok());
  EXPECT_EQ(retried.etag(), after.etag());
  EXPECT_EQ(SessionsOfSeries(out.name(), true), 3);
}

TEST(ModifySeries, BadInputIsRefusedAndNothingChanges) {
  const absl::CivilDay first = FreeWeekday(62);  // weeks after the test above
  bv1::SessionSeries out;
  ASSERT_TRUE(
      CreateSeries(SeriesOf(first, first + 7, 3, "t-host-2", "rec-2", "c3", {Class(kMember2, "c3")}), &out).ok());
  ASSERT_EQ(out.occurrences_size(), 2);
  for (const auto& o : out.occurrences()) ASSERT_EQ(o.outcome(), bv1::OCCURRENCE_OUTCOME_BOOKED);
  bv1::ModifySeriesRequest req;
  req.set_name(out.name());
  *req.mutable_from_date() = ToProtoDate(first);
  req.mutable_session_template()->set_topic("新课题");
  req.mutable_update_mask()->add_paths("topic");
  bv1::SessionSeries after;
  auto code = [&](const Caller& who = HostAdmin()) {
    return Call(&S::ModifySeries, W().booking(), req, &after, who).error_code();
  };
  req.mutable_update_mask()->add_paths("subject");  // not changeable
  EXPECT_EQ(code(), grpc::StatusCode::INVALID_ARGUMENT);
  req.mutable_update_mask()->clear_paths();
  req.mutable_update_mask()->add_paths("topic");
  req.clear_from_date();  // required
  EXPECT_EQ(code(), grpc::StatusCode::INVALID_ARGUMENT);
  *req.mutable_from_date() = ToProtoDate(LocalToday(absl::Now()) - 1);  // past
  EXPECT_EQ(code(), grpc::StatusCode::INVALID_ARGUMENT);
  *req.mutable_from_date() = ToProtoDate(first);
  req.mutable_session_template()->set_topic("");  // a topic is required
  EXPECT_EQ(code(), grpc::StatusCode::INVALID_ARGUMENT);
  req.mutable_session_template()->set_topic("新课题");
  EXPECT_EQ(code(SchoolAdmin(kOutsider)), grpc::StatusCode::PERMISSION_DENIED);
  req.set_name("series/nope");
  EXPECT_EQ(code(), grpc::StatusCode::NOT_FOUND);
  // Nothing of the series changed.
  bv1::GetSeriesRequest get;
  get.set_name(out.name());
  bv1::SessionSeries read;
  ASSERT_TRUE(Call(&S::GetSeries, W().booking(), get, &read).ok());
  EXPECT_EQ(read.etag(), out.etag());
  bv1::GetSessionRequest one;
  one.set_name(read.occurrences(0).session());
  bv1::Session occ;
  ASSERT_TRUE(Call(&S::GetSession, W().booking(), one, &occ).ok());
  EXPECT_EQ(occ.topic(), "分数 第1讲");
  // A topic-only change: every later occurrence renamed in place, numbered.
  req.set_name(out.name());
  req.mutable_update_mask()->clear_paths();
  req.mutable_update_mask()->add_paths("topic");
  req.mutable_session_template()->set_topic("新课题 {n}");
  ASSERT_EQ(code(), grpc::StatusCode::OK);
  for (int i = 0; i < 2; ++i) {
    one.set_name(after.occurrences(i).session());
    ASSERT_TRUE(Call(&S::GetSession, W().booking(), one, &occ).ok());
    EXPECT_EQ(occ.topic(), absl::StrCat("新课题 ", i + 1));
    EXPECT_EQ(occ.host().teacher(), "teachers/t-host-2");
  }
}

}  // namespace
}  // namespace gongtong::booking::testing
