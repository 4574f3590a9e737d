// The booking service against real PostgreSQL, Redis and a real registry
// process: the booking rules (R-SYNC-1…4, 7), the lifecycle, bad input and
// access — each asserted on the answer AND on what was (not) written.
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "booking/domain/civil.h"
#include "booking/domain/lead_time.h"
#include "booking_world.h"

namespace gongtong::booking::testing {
namespace {

using S = BookingStub;

BookingWorld& W() { return BookingWorld::Shared(); }

std::string Room(const std::string& id) { return absl::StrCat("schools/", kHost, "/classrooms/", id); }
std::string Class(const std::string& school, const std::string& id) {
  return absl::StrCat("schools/", school, "/classes/", id);
}

grpc::Status Create(const bv1::Session& s, bv1::Session* out, const Caller& who = HostAdmin(),
                    const std::string& request_id = "", bool hold = false, const std::string& override_reason = "") {
  bv1::CreateSessionRequest req;
  *req.mutable_session() = s;
  req.set_request_id(request_id);
  req.set_hold(hold);
  req.set_bell_schedule_override_reason(override_reason);
  return Call(&S::CreateSession, W().booking(), req, out, who);
}

int64_t SessionsOn(absl::CivilDay day) {
  return W().Count(absl::StrCat("SELECT count(*) FROM sessions WHERE local_date = '", FormatDay(day), "'"));
}

int64_t EventsOf(const std::string& session_name, const std::string& type) {
  return W().Count(absl::StrCat("SELECT count(*) FROM outbox WHERE aggregate_id = '", session_name,
                                "' AND event_type = 'gongtong.events.v1.", type, "'"));
}

grpc::Status Cancel(const std::string& name, bv1::Session* out, const Caller& who = HostAdmin()) {
  bv1::CancelSessionRequest req;
  req.set_name(name);
  req.set_reason_code(bv1::CANCELLATION_REASON_HOST_REQUEST);
  req.set_reason("教研活动调整");
  return Call(&S::CancelSession, W().booking(), req, out, who);
}

// Time passing, for tests: rewrites a stored session's body (and its hold
// column) as the clock would have made it.
void RewriteStored(const bv1::Session& session, const std::function<void(bv1::Session&)>& change) {
  ASSERT_TRUE(W().sessions().pool()->Transact([&](pqxx::work& tx) {
    bv1::Session moved = session;
    change(moved);
    moved.clear_etag();
    moved.clear_audit();
    const std::string bytes = moved.SerializeAsString();
    tx.exec_params("UPDATE sessions SET body = $2, hold_expire_time = CASE WHEN $3 > 0 THEN to_timestamp($3) END "
                   "WHERE id = $1",
                   session.name().substr(9), pqxx::binarystring(bytes.data(), bytes.size()),
                   moved.has_hold_expire_time() ? moved.hold_expire_time().seconds() : 0);
    return absl::OkStatus();
  }).ok());
}

TEST(CreateSession, BooksAConfirmedSessionWithEverythingResolved) {
  const auto day = W().SchoolDay(10, 0);
  bv1::Session out;
  grpc::Status s = Create(SessionAt(day, 3), &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(out.state(), bv1::SESSION_STATE_CONFIRMED);
  EXPECT_FALSE(out.short_notice());
  EXPECT_EQ(out.community(), "communities/xj");
  EXPECT_EQ(out.host().school(), absl::StrCat("schools/", kHost));
  ASSERT_EQ(out.receivers_size(), 1);
  EXPECT_EQ(out.receivers(0).school(), absl::StrCat("schools/", kMember2));
  EXPECT_EQ(out.receivers(0).pairing(), "communities/xj/pairings/p-02");
  EXPECT_EQ(out.window().start_time().hours(), 10);  // the host's 3rd period, 10:00–10:40
  EXPECT_EQ(out.window().end_time().minutes(), 40);
  EXPECT_EQ(out.end_time().seconds() - out.start_time().seconds(), 40 * 60);
  EXPECT_EQ(absl::FromUnixSeconds(out.start_time().seconds()), LocalToInstant(day, 600));
  EXPECT_EQ(out.term().school_year() > 2000, true);
  EXPECT_FALSE(out.etag().empty());
  // Stored with its occupancy (teacher, classroom, host class, receiver) and its event.
  const std::string id = out.name().substr(9);
  EXPECT_EQ(W().Count("SELECT count(*) FROM occupancy WHERE live AND session_id = '" + id + "'"), 4);
  EXPECT_EQ(EventsOf(out.name(), "SessionBooked"), 1);
  // The receiving school reads it too.
  bv1::GetSessionRequest get;
  get.set_name(out.name());
  bv1::Session read;
  ASSERT_TRUE(Call(&S::GetSession, W().booking(), get, &read, SchoolAdmin(kMember2)).ok());
  EXPECT_EQ(read.etag(), out.etag());
  EXPECT_EQ(read.state(), bv1::SESSION_STATE_CONFIRMED);
}

TEST(CreateSession, ATeacherClassroomOrClassIsNeverInTwoLiveSessions) {
  const auto day = W().SchoolDay(10, 1);
  bv1::Session first;
  ASSERT_TRUE(Create(SessionAt(day, 3), &first).ok());
  // Same teacher, other room and classes: the teacher collides (R-SYNC-2).
  bv1::Session out;
  grpc::Status s = Create(SessionAt(day, 3, "t-host-1", "rec-2", "c2", {std::string(kMember3) + "/c2"}), &out);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reason(s), "TEACHER_BUSY");
  auto conflicts = Conflicts(s);
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_EQ(conflicts[0].kind(), bv1::CONFLICT_KIND_TEACHER_BUSY);
  EXPECT_EQ(conflicts[0].resource(), "teachers/t-host-1");
  EXPECT_EQ(conflicts[0].conflicting_session(), first.name());
  EXPECT_EQ(conflicts[0].conflicting_window().start_time().hours(), 10);
  // Another teacher in another room, but the receiving class is taken: every busy resource named.
  s = Create(SessionAt(day, 3, "t-host-2", "rec-1", "c2", {std::string(kMember2) + "/c1"}), &out);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  conflicts = Conflicts(s);
  ASSERT_EQ(conflicts.size(), 2u);
  std::set<std::string> busy;
  for (const auto& c : conflicts) busy.insert(c.resource());
  EXPECT_TRUE(busy.count(Room("rec-1")));
  EXPECT_TRUE(busy.count(Class(kMember2, "c1")));
  // Half-open windows: the next period (10:50) is free for all of them.
  ASSERT_TRUE(Create(SessionAt(day, 4), &out).ok());
  EXPECT_EQ(SessionsOn(day), 2);
}

TEST(CreateSession, BellSchedulesOfEverySchoolMustFitUnlessOverridden) {
  const auto day = W().SchoolDay(10, 2);
  bv1::Session out;
  // Host 08:00–08:40, receiver 08:10–08:50: 30 minutes of overlap for a 40-minute lesson (R-SYNC-3).
  grpc::Status s = Create(SessionAt(day, 1), &out);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  auto conflicts = Conflicts(s);
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_EQ(conflicts[0].kind(), bv1::CONFLICT_KIND_BELL_SCHEDULE);
  EXPECT_EQ(conflicts[0].resource(), absl::StrCat("schools/", kMember2));
  EXPECT_EQ(conflicts[0].nearest_period(), 1);
  EXPECT_EQ(conflicts[0].overlap_minutes(), 30);
  EXPECT_EQ(conflicts[0].required_minutes(), 40);
  EXPECT_EQ(SessionsOn(day), 0);
  // An explicit 30-minute window inside both periods fits.
  bv1::Session narrow = SessionAt(day, 0);
  narrow.mutable_window()->mutable_start_time()->set_hours(8);
  narrow.mutable_window()->mutable_start_time()->set_minutes(10);
  narrow.mutable_window()->mutable_end_time()->set_hours(8);
  narrow.mutable_window()->mutable_end_time()->set_minutes(40);
  ASSERT_TRUE(Create(narrow, &out).ok());
  // The host's admin may override, recorded with who and why; a teacher may not.
  EXPECT_EQ(Create(SessionAt(day, 1, "t-host-2", "rec-2", "c3", {std::string(kMember2) + "/c3"}), &out,
                   TeacherOf(kHost, "t-host-2"), "", false, "两校统一调整为第一节")
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Create(SessionAt(day, 1, "t-host-2", "rec-2", "c3", {std::string(kMember2) + "/c3"}), &out, HostAdmin(),
                     "", false, "两校统一调整为第一节")
                  .ok());
  EXPECT_EQ(out.bell_schedule_override().reason(), "两校统一调整为第一节");
  EXPECT_EQ(out.bell_schedule_override().actor().role(), gongtong::common::v1::ROLE_SCHOOL_ADMIN);
}

TEST(CreateSession, AHolidayIsRefusedNamingTheCalendar) {
  bv1::Session out;
  grpc::Status s = Create(SessionAt(W().HolidayDay(), 3), &out);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  auto conflicts = Conflicts(s);
  ASSERT_FALSE(conflicts.empty());
  EXPECT_EQ(conflicts[0].kind(), bv1::CONFLICT_KIND_CALENDAR);
  EXPECT_EQ(SessionsOn(W().HolidayDay()), 0);
}

TEST(CreateSession, ShortNoticeWaitsForEachReceivingSchool) {
  const auto day = W().SchoolDay(2, 0);
  ASSERT_LT(LeadDays(LocalToday(absl::Now()), day), 7);
  bv1::Session out;
  ASSERT_TRUE(Create(SessionAt(day, 5, "t-host-1", "rec-2", "c4",
                               {std::string(kMember2) + "/c4", std::string(kMember3) + "/c4"}),
                     &out)
                  .ok());
  EXPECT_TRUE(out.short_notice());
  EXPECT_EQ(out.state(), bv1::SESSION_STATE_PENDING_CONFIRMATION);
  // The host cannot confirm for a receiver; each receiver confirms for itself.
  bv1::ConfirmSessionRequest confirm;
  confirm.set_name(out.name());
  bv1::Session after;
  EXPECT_EQ(Call(&S::ConfirmSession, W().booking(), confirm, &after, HostAdmin()).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(&S::ConfirmSession, W().booking(), confirm, &after, SchoolAdmin(kMember2)).ok());
  EXPECT_EQ(after.state(), bv1::SESSION_STATE_PENDING_CONFIRMATION);
  EXPECT_EQ(after.receivers(0).state(), bv1::RECEIVER_STATE_CONFIRMED);
  EXPECT_EQ(after.receivers(0).answered_by().school(), absl::StrCat("schools/", kMember2));
  // Confirming again is a no-op.
  bv1::Session again;
  ASSERT_TRUE(Call(&S::ConfirmSession, W().booking(), confirm, &again, SchoolAdmin(kMember2)).ok());
  EXPECT_EQ(again.etag(), after.etag());
  ASSERT_TRUE(Call(&S::ConfirmSession, W().booking(), confirm, &after, SchoolAdmin(kMember3)).ok());
  EXPECT_EQ(after.state(), bv1::SESSION_STATE_CONFIRMED);
  EXPECT_EQ(EventsOf(out.name(), "SessionConfirmed"), 2);
}

TEST(CreateSession, DecliningReleasesTheClassesAndAllDeclinedCancels) {
  const auto day = W().SchoolDay(2, 1);
  bv1::Session out;
  ASSERT_TRUE(Create(SessionAt(day, 5, "t-host-2", "rec-2", "c1", {std::string(kMember3) + "/c1"}), &out).ok());
  bv1::DeclineSessionRequest decline;
  decline.set_name(out.name());
  decline.set_reason("当天学校运动会");
  bv1::Session after;
  EXPECT_EQ(Call(&S::DeclineSession, W().booking(), decline, &after, SchoolAdmin(kMember3)).error_code(),
            grpc::StatusCode::OK);
  EXPECT_EQ(after.state(), bv1::SESSION_STATE_CANCELLED);
  EXPECT_EQ(after.cancellation().reason_code(), bv1::CANCELLATION_REASON_RECEIVERS_DECLINED);
  EXPECT_EQ(W().Count("SELECT count(*) FROM occupancy WHERE live AND session_id = '" + out.name().substr(9) + "'"), 0);
}

TEST(CreateSession, BadInputIsRefusedWithTheFieldAndNothingIsWritten) {
  const auto day = W().SchoolDay(10, 3);
  bv1::Session out;
  struct Row {
    std::string what;
    std::function<void(bv1::Session&)> change;
    grpc::StatusCode code;
    std::string field;
  };
  const std::vector<Row> rows = {
      {"end before start",
       [](bv1::Session& s) {
         s.set_host_period(0);
         s.mutable_window()->mutable_start_time()->set_hours(10);
         s.mutable_window()->mutable_end_time()->set_hours(9);
       },
       grpc::StatusCode::INVALID_ARGUMENT, "session.window.end_time"},
      {"receiver not paired (R-SYNC-1)",
       [](bv1::Session& s) { s.mutable_receivers(0)->set_school_class(Class(kOutsider, "c1")); },
       grpc::StatusCode::FAILED_PRECONDITION, "session.receivers[0].school_class"},
      {"a class of another school as the host class",
       [](bv1::Session& s) { s.mutable_host()->set_school_class(Class(kMember3, "c1")); },
       grpc::StatusCode::FAILED_PRECONDITION, "session.host.school_class"},
      {"a teacher not of the host school",
       [](bv1::Session& s) { s.mutable_host()->set_teacher("teachers/t-member"); },
       grpc::StatusCode::FAILED_PRECONDITION, "session.host.teacher"},
      {"a teacher who does not teach the subject",
       [](bv1::Session& s) { s.mutable_host()->set_teacher("teachers/t-other"); },
       grpc::StatusCode::FAILED_PRECONDITION, "session.subject"},
      {"an unknown teacher", [](bv1::Session& s) { s.mutable_host()->set_teacher("teachers/nobody"); },
       grpc::StatusCode::NOT_FOUND, "session.host.teacher"},
      {"an unknown receiving class",
       [](bv1::Session& s) { s.mutable_receivers(0)->set_school_class(Class(kMember2, "c99")); },
       grpc::StatusCode::NOT_FOUND, "session.receivers[0].school_class"},
      {"an ordinary classroom cannot send",
       [](bv1::Session& s) { s.mutable_host()->set_classroom(Room("ord-1")); },
       grpc::StatusCode::FAILED_PRECONDITION, "session.host.classroom"},
      {"no receivers", [](bv1::Session& s) { s.clear_receivers(); }, grpc::StatusCode::INVALID_ARGUMENT,
       "session.receivers"},
      {"a period the host does not have", [](bv1::Session& s) { s.set_host_period(9); },
       grpc::StatusCode::FAILED_PRECONDITION, "session.host_period"},
      {"mode missing", [](bv1::Session& s) { s.set_mode(bv1::SESSION_MODE_UNSPECIFIED); },
       grpc::StatusCode::INVALID_ARGUMENT, "session.mode"},
  };
  for (const auto& row : rows) {
    bv1::Session s = SessionAt(day, 3);
    row.change(s);
    grpc::Status st = Create(s, &out);
    EXPECT_EQ(st.error_code(), row.code) << row.what << ": " << st.error_message();
    EXPECT_TRUE(HasField(st, row.field)) << row.what << ": fields " << absl::StrJoin(Fields(st), ",");
  }
  EXPECT_EQ(SessionsOn(day), 0);
  // More receivers than the room's streams: refused with the cap.
  grpc::Status st = Create(SessionAt(day, 5, "t-host-1", "rec-1", "c1",
                                     {std::string(kMember2) + "/c1", std::string(kMember2) + "/c2",
                                      std::string(kMember3) + "/c1"}),
                           &out);
  ASSERT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Conflicts(st)[0].kind(), bv1::CONFLICT_KIND_OUTGOING_STREAMS);
  EXPECT_EQ(Conflicts(st)[0].limit(), 2);
  EXPECT_EQ(SessionsOn(day), 0);
}

TEST(CreateSession, EachRoleHitsItsWall) {
  const auto day = W().SchoolDay(10, 4);
  bv1::Session out;
  EXPECT_EQ(Create(SessionAt(day, 3), &out, TeacherOf(kHost, "t-host-1")).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Create(SessionAt(day, 3), &out, SchoolAdmin(kMember2)).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Create(SessionAt(day, 3), &out, County("330100")).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(SessionsOn(day), 0);
  ASSERT_TRUE(Create(SessionAt(day, 3), &out, County(kRegion)).ok());
  // Nobody cancels another school's session.
  bv1::Session cancelled;
  EXPECT_EQ(Cancel(out.name(), &cancelled, SchoolAdmin(kMember2)).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // A school outside the session cannot read it.
  bv1::GetSessionRequest get;
  get.set_name(out.name());
  bv1::Session read;
  EXPECT_EQ(Call(&S::GetSession, W().booking(), get, &read, SchoolAdmin(kOutsider)).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(&S::GetSession, W().booking(), get, &read, TeacherOf(kHost, "t-host-1")).error_code(),
            grpc::StatusCode::OK);
}

TEST(CreateSession, ARetryWithTheSameRequestIdReturnsTheFirstAnswer) {
  const auto day = W().SchoolDay(10, 5);
  bv1::Session first, second;
  ASSERT_TRUE(Create(SessionAt(day, 3), &first, HostAdmin(), "6f1c3c2e-0000-4000-8000-000000000001").ok());
  ASSERT_TRUE(Create(SessionAt(day, 3), &second, HostAdmin(), "6f1c3c2e-0000-4000-8000-000000000001").ok());
  EXPECT_EQ(first.name(), second.name());
  EXPECT_EQ(SessionsOn(day), 1);
  // The same key for another request is refused.
  grpc::Status s = Create(SessionAt(day, 4), &second, HostAdmin(), "6f1c3c2e-0000-4000-8000-000000000001");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(s, "request_id"));
}

TEST(Lifecycle, HoldsCommitCancelAndLapse) {
  const auto day = W().SchoolDay(10, 6);
  bv1::Session held;
  ASSERT_TRUE(Create(SessionAt(day, 3), &held, HostAdmin(), "", /*hold=*/true).ok());
  EXPECT_EQ(held.state(), bv1::SESSION_STATE_HELD);
  EXPECT_GT(held.hold_expire_time().seconds(), absl::ToUnixSeconds(absl::Now()));
  bv1::CommitSessionRequest commit;
  commit.set_name(held.name());
  commit.set_etag("v999");
  bv1::Session out;
  EXPECT_EQ(Call(&S::CommitSession, W().booking(), commit, &out, HostAdmin()).error_code(), grpc::StatusCode::ABORTED);
  commit.set_etag(held.etag());
  ASSERT_TRUE(Call(&S::CommitSession, W().booking(), commit, &out, HostAdmin()).ok());
  EXPECT_EQ(out.state(), bv1::SESSION_STATE_CONFIRMED);
  // Cancel, then the slot is free again; delivering a cancelled session is refused.
  ASSERT_TRUE(Cancel(out.name(), &out).ok());
  EXPECT_EQ(out.state(), bv1::SESSION_STATE_CANCELLED);
  EXPECT_EQ(out.cancellation().reason_code(), bv1::CANCELLATION_REASON_HOST_REQUEST);
  bv1::MarkSessionDeliveredRequest deliver;
  deliver.set_name(out.name());
  EXPECT_EQ(Call(&S::MarkSessionDelivered, W().booking(), deliver, &out, HostAdmin()).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  // A hold whose time ran out blocks nobody and cannot be committed.
  bv1::Session lapsing;
  ASSERT_TRUE(Create(SessionAt(day, 3), &lapsing, HostAdmin(), "", /*hold=*/true).ok());
  RewriteStored(lapsing, [](bv1::Session& s) {
    s.mutable_hold_expire_time()->set_seconds(absl::ToUnixSeconds(absl::Now()) - 1);
  });
  commit.set_name(lapsing.name());
  commit.clear_etag();
  grpc::Status s = Call(&S::CommitSession, W().booking(), commit, &out, HostAdmin());
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reason(s), "HOLD_EXPIRED");
  bv1::Session over;
  ASSERT_TRUE(Create(SessionAt(day, 3), &over).ok()) << "a lapsed hold must not block";
  bv1::GetSessionRequest get;
  get.set_name(lapsing.name());
  ASSERT_TRUE(Call(&S::GetSession, W().booking(), get, &out).ok());
  EXPECT_EQ(out.state(), bv1::SESSION_STATE_CANCELLED);
  EXPECT_EQ(out.cancellation().reason_code(), bv1::CANCELLATION_REASON_HOLD_EXPIRED);
}

TEST(Lifecycle, DeliveredSessionsKeepTheirRecord) {
  const auto day = W().SchoolDay(10, 7);
  bv1::Session s;
  ASSERT_TRUE(Create(SessionAt(day, 3), &s).ok());
  bv1::MarkSessionDeliveredRequest deliver;
  deliver.set_name(s.name());
  bv1::Session out;
  grpc::Status st = Call(&S::MarkSessionDelivered, W().booking(), deliver, &out, HostAdmin());
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << "before the window";
  // Time passes: the lesson was held.
  RewriteStored(s, [](bv1::Session& m) { m.mutable_start_time()->set_seconds(absl::ToUnixSeconds(absl::Now()) - 3600); });
  auto* host = deliver.mutable_delivery_record()->add_attendance();
  host->set_school_class(s.host().school_class());
  host->set_pupils_present(30);
  auto* member = deliver.mutable_delivery_record()->add_attendance();
  member->set_school_class(s.receivers(0).school_class());
  member->set_pupils_present(99);
  st = Call(&S::MarkSessionDelivered, W().booking(), deliver, &out, HostAdmin());
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << "99 present of 31 enrolled";
  member->set_pupils_present(29);
  deliver.mutable_delivery_record()->set_co_marking_notes("两校教师共同批改作业");
  ASSERT_TRUE(Call(&S::MarkSessionDelivered, W().booking(), deliver, &out, TeacherOf(kHost, "t-host-1")).ok());
  EXPECT_EQ(out.state(), bv1::SESSION_STATE_DELIVERED);
  EXPECT_EQ(EventsOf(s.name(), "SessionDelivered"), 1);
  bv1::GetDeliveryRecordRequest get;
  get.set_name(s.name() + "/deliveryRecord");
  bv1::DeliveryRecord record;
  ASSERT_TRUE(Call(&S::GetDeliveryRecord, W().booking(), get, &record, SchoolAdmin(kMember2)).ok());
  EXPECT_EQ(record.attendance_size(), 2);
  EXPECT_EQ(record.attendance(1).pupils_enrolled(), 31);  // from the registry's pupil count
  EXPECT_EQ(record.co_marking_notes(), "两校教师共同批改作业");
}

TEST(Capacity, ARegionNeverExceedsItsCap) {
  const auto day = W().SchoolDay(10, 8);
  bv1::UpdateRegionCapacityRequest cap;
  cap.mutable_region_capacity()->set_name(absl::StrCat("regions/", kRegion, "/liveCapacity"));
  cap.mutable_region_capacity()->set_max_concurrent_sessions(1);
  cap.mutable_update_mask()->add_paths("max_concurrent_sessions");
  bv1::RegionCapacity got;
  EXPECT_EQ(Call(&S::UpdateRegionCapacity, W().booking(), cap, &got, HostAdmin()).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(&S::UpdateRegionCapacity, W().booking(), cap, &got, County(kRegion)).ok());
  EXPECT_EQ(got.source(), kRegion);
  bv1::Session out;
  ASSERT_TRUE(Create(SessionAt(day, 3), &out).ok());
  grpc::Status s = Create(SessionAt(day, 3, "t-host-2", "rec-2", "c2", {std::string(kMember3) + "/c2"}), &out);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  auto conflicts = Conflicts(s);
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_EQ(conflicts[0].kind(), bv1::CONFLICT_KIND_REGION_CAPACITY);
  EXPECT_EQ(conflicts[0].limit(), 1);
  EXPECT_EQ(conflicts[0].in_use(), 1);
  // Raise it again for the other tests.
  cap.mutable_region_capacity()->set_max_concurrent_sessions(500);
  ASSERT_TRUE(Call(&S::UpdateRegionCapacity, W().booking(), cap, &got, County(kRegion)).ok());
  ASSERT_TRUE(Create(SessionAt(day, 3, "t-host-2", "rec-2", "c2", {std::string(kMember3) + "/c2"}), &out).ok());
}

TEST(Policy, DefaultsUntilUpdatedThenTheCommunitysOwn) {
  bv1::GetBookingPolicyRequest get;
  get.set_name("communities/xj/bookingPolicy");
  bv1::BookingPolicy p;
  ASSERT_TRUE(Call(&S::GetBookingPolicy, W().booking(), get, &p, TeacherOf(kHost, "t-host-1")).ok());
  EXPECT_EQ(p.min_lead_days(), 7);
  EXPECT_EQ(p.hold_duration().seconds(), 15 * 60);
  bv1::UpdateBookingPolicyRequest up;
  up.mutable_booking_policy()->set_name(get.name());
  up.mutable_booking_policy()->set_min_lead_days(61);
  up.mutable_update_mask()->add_paths("min_lead_days");
  bv1::BookingPolicy after;
  grpc::Status s = Call(&S::UpdateBookingPolicy, W().booking(), up, &after, County(kRegion));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(s, "booking_policy.min_lead_days"));
  up.mutable_booking_policy()->set_min_lead_days(7);
  up.mutable_update_mask()->add_paths("no_such_field");
  EXPECT_EQ(Call(&S::UpdateBookingPolicy, W().booking(), up, &after, County(kRegion)).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  get.set_name("communities/nope/bookingPolicy");
  EXPECT_EQ(Call(&S::GetBookingPolicy, W().booking(), get, &p).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST(ListSessions, ATeachersAndAClassesWeekAndTheScopes) {
  const auto day = W().SchoolDay(10, 9);
  bv1::Session a, b;
  ASSERT_TRUE(Create(SessionAt(day, 3, "t-host-2", "rec-1", "c3", {std::string(kMember3) + "/c3"}), &a).ok());
  ASSERT_TRUE(Create(SessionAt(day, 5, "t-host-2", "rec-1", "c3", {std::string(kMember2) + "/c3"}), &b).ok());
  bv1::ListSessionsRequest req;
  req.set_filter(absl::StrCat("teacher = \"teachers/t-host-2\" AND date = \"", FormatDay(day), "\""));
  bv1::ListSessionsResponse resp;
  ASSERT_TRUE(Call(&S::ListSessions, W().booking(), req, &resp).ok());
  ASSERT_EQ(resp.sessions_size(), 2);
  EXPECT_EQ(resp.sessions(0).name(), a.name());  // start_time order
  EXPECT_EQ(resp.total_size(), 2);
  // A class's week: host or receiving.
  req.set_filter(absl::StrCat("school_class = \"", Class(kMember3, "c3"), "\" AND date >= \"", FormatDay(day),
                              "\" AND date <= \"", FormatDay(day + 6), "\""));
  ASSERT_TRUE(Call(&S::ListSessions, W().booking(), req, &resp).ok());
  ASSERT_EQ(resp.sessions_size(), 1);
  EXPECT_EQ(resp.sessions(0).name(), a.name());
  // Paging.
  req.set_filter(absl::StrCat("date = \"", FormatDay(day), "\""));
  req.set_page_size(1);
  ASSERT_TRUE(Call(&S::ListSessions, W().booking(), req, &resp).ok());
  ASSERT_EQ(resp.sessions_size(), 1);
  ASSERT_FALSE(resp.next_page_token().empty());
  req.set_page_token(resp.next_page_token());
  bv1::ListSessionsResponse page2;
  ASSERT_TRUE(Call(&S::ListSessions, W().booking(), req, &page2).ok());
  ASSERT_EQ(page2.sessions_size(), 1);
  EXPECT_NE(page2.sessions(0).name(), resp.sessions(0).name());
  // Scopes: member 2 sees only what it receives; an outsider sees nothing.
  req.clear_page_token();
  req.set_page_size(0);
  ASSERT_TRUE(Call(&S::ListSessions, W().booking(), req, &resp, SchoolAdmin(kMember2)).ok());
  ASSERT_EQ(resp.sessions_size(), 1);
  EXPECT_EQ(resp.sessions(0).name(), b.name());
  ASSERT_TRUE(Call(&S::ListSessions, W().booking(), req, &resp, SchoolAdmin(kOutsider)).ok());
  EXPECT_EQ(resp.sessions_size(), 0);
  // Bad filters are named.
  req.set_filter("colour = \"red\"");
  grpc::Status s = Call(&S::ListSessions, W().booking(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(s, "filter"));
  req.set_filter("");
  req.set_page_size(-1);
  EXPECT_EQ(Call(&S::ListSessions, W().booking(), req, &resp).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST(GetSession, UnknownAndMalformedNames) {
  bv1::GetSessionRequest get;
  bv1::Session out;
  get.set_name("sessions/does-not-exist");
  EXPECT_EQ(Call(&S::GetSession, W().booking(), get, &out).error_code(), grpc::StatusCode::NOT_FOUND);
  get.set_name("session/x");
  grpc::Status s = Call(&S::GetSession, W().booking(), get, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(s, "name"));
}

TEST(UpdateSession, ATopicChangeIsACheapChangeAMoveReBooksAtomically) {
  const auto day = W().SchoolDay(10, 12);
  bv1::Session s, other;
  ASSERT_TRUE(Create(SessionAt(day, 3), &s).ok());
  ASSERT_TRUE(Create(SessionAt(day, 6, "t-host-2", "rec-2", "c2", {std::string(kMember3) + "/c2"}), &other).ok());
  bv1::UpdateSessionRequest up;
  up.mutable_session()->set_name(s.name());
  up.mutable_session()->set_topic("小数的初步认识");
  up.mutable_update_mask()->add_paths("topic");
  bv1::Session after;
  ASSERT_TRUE(Call(&S::UpdateSession, W().booking(), up, &after, HostAdmin()).ok());
  EXPECT_EQ(after.topic(), "小数的初步认识");
  EXPECT_EQ(after.sequence(), s.sequence() + 1);
  EXPECT_EQ(EventsOf(s.name(), "SessionChanged"), 1);
  // Subject is not updatable; a stale etag is refused.
  up.mutable_update_mask()->add_paths("subject");
  grpc::Status st = Call(&S::UpdateSession, W().booking(), up, &after, HostAdmin());
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  up.mutable_update_mask()->clear_paths();
  up.mutable_update_mask()->add_paths("topic");
  up.mutable_session()->set_etag(s.etag());
  EXPECT_EQ(Call(&S::UpdateSession, W().booking(), up, &after, HostAdmin()).error_code(), grpc::StatusCode::ABORTED);
  // Moving onto the other session's receiving class at period 6: refused, nothing changes.
  bv1::UpdateSessionRequest move;
  move.mutable_session()->set_name(s.name());
  move.mutable_session()->set_host_period(6);
  move.mutable_session()->add_receivers()->set_school_class(Class(kMember3, "c2"));
  move.mutable_update_mask()->add_paths("host_period");
  move.mutable_update_mask()->add_paths("receivers");
  st = Call(&S::UpdateSession, W().booking(), move, &after, HostAdmin());
  ASSERT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << st.error_message();
  EXPECT_EQ(Conflicts(st)[0].conflicting_session(), other.name());
  bv1::GetSessionRequest get;
  get.set_name(s.name());
  ASSERT_TRUE(Call(&S::GetSession, W().booking(), get, &after).ok());
  EXPECT_EQ(after.host_period(), 3);
  // Moving to period 5: the old slot is free for others at once, the new one taken.
  move.mutable_session()->clear_receivers();
  move.mutable_session()->set_host_period(5);
  move.mutable_update_mask()->clear_paths();
  move.mutable_update_mask()->add_paths("host_period");
  ASSERT_TRUE(Call(&S::UpdateSession, W().booking(), move, &after, HostAdmin()).ok());
  EXPECT_EQ(after.window().start_time().hours(), 14);
  EXPECT_EQ(after.state(), bv1::SESSION_STATE_CONFIRMED);
  bv1::Session takes_old;
  EXPECT_TRUE(Create(SessionAt(day, 3), &takes_old).ok()) << "period 3 is free again";
  bv1::Session clash;
  EXPECT_EQ(Create(SessionAt(day, 5, "t-host-1", "rec-2", "c3", {std::string(kMember3) + "/c3"}), &clash).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(W().Count("SELECT count(*) FROM occupancy a JOIN occupancy b ON a.resource = b.resource "
                      "AND a.session_id < b.session_id AND a.during && b.during WHERE a.live AND b.live"),
            0);
  // Only the host side changes a session.
  EXPECT_EQ(Call(&S::UpdateSession, W().booking(), up, &after, SchoolAdmin(kMember2)).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST(UpdateDeliveryRecord, AReceivingSchoolAmendsOnlyItsOwnAttendance) {
  const auto day = W().SchoolDay(10, 13);
  bv1::Session s;
  ASSERT_TRUE(Create(SessionAt(day, 3), &s).ok());
  RewriteStored(s, [](bv1::Session& m) {
    m.mutable_start_time()->set_seconds(absl::ToUnixSeconds(absl::Now()) - 7200);
    m.mutable_end_time()->set_seconds(absl::ToUnixSeconds(absl::Now()) - 4800);
  });
  bv1::MarkSessionDeliveredRequest deliver;
  deliver.set_name(s.name());
  for (const auto& c : {s.host().school_class(), s.receivers(0).school_class()}) {
    auto* a = deliver.mutable_delivery_record()->add_attendance();
    a->set_school_class(c);
    a->set_pupils_present(25);
  }
  bv1::Session out;
  ASSERT_TRUE(Call(&S::MarkSessionDelivered, W().booking(), deliver, &out, HostAdmin()).ok());
  bv1::UpdateDeliveryRecordRequest up;
  up.mutable_delivery_record()->set_name(s.name() + "/deliveryRecord");
  auto* mine = up.mutable_delivery_record()->add_attendance();
  mine->set_school_class(s.receivers(0).school_class());
  mine->set_pupils_present(30);
  up.mutable_update_mask()->add_paths("attendance");
  bv1::DeliveryRecord record;
  ASSERT_TRUE(Call(&S::UpdateDeliveryRecord, W().booking(), up, &record, SchoolAdmin(kMember2)).ok());
  ASSERT_EQ(record.attendance_size(), 2);
  EXPECT_EQ(record.attendance(0).pupils_present(), 25) << "the host's entry is untouched";
  EXPECT_EQ(record.attendance(1).pupils_present(), 30);
  up.mutable_update_mask()->add_paths("co_marking_notes");
  EXPECT_EQ(Call(&S::UpdateDeliveryRecord, W().booking(), up, &record, SchoolAdmin(kMember2)).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  up.mutable_delivery_record()->set_co_marking_notes("共同批改：两校交换批改");
  up.mutable_update_mask()->clear_paths();
  up.mutable_update_mask()->add_paths("co_marking_notes");  // the host amends the notes; attendance stays
  ASSERT_TRUE(Call(&S::UpdateDeliveryRecord, W().booking(), up, &record, HostAdmin()).ok());
  EXPECT_EQ(record.co_marking_notes(), "共同批改：两校交换批改");
  EXPECT_EQ(record.attendance(1).pupils_present(), 30);
  EXPECT_EQ(EventsOf(s.name(), "DeliveryRecordUpdated"), 2);
}

// Last (gtest runs a file's tests in order): the registry goes away for good.
TEST(ZzRegistryDown, UnknownRegistryFactsAreUnavailableNotGuessedAndNothingIsWritten) {
  const auto day = W().SchoolDay(10, 11);
  W().StopRegistry();
  // The host school, room and classes are cached; this teacher was never read: the service cannot
  // know whether she exists (NOT_FOUND while the registry is up) and says so.
  bv1::Session out;
  grpc::Status s = Create(SessionAt(day, 3, "t-never-read", "rec-1", "c1"), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  EXPECT_EQ(Reason(s), "REGISTRY_UNAVAILABLE");
  EXPECT_EQ(SessionsOn(day), 0);
}

}  // namespace
}  // namespace gongtong::booking::testing
