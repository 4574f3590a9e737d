// Request shape checks (R-SYNC-1 a session's parts, R-SYNC-6 delivery records
// and reasons) and resource names: one row per case. Also the status-details
// readers the other *_rules_test.cc files share.
#include <gtest/gtest.h>

#include <functional>

#include "booking/domain/civil.h"
#include "booking/domain/session_rules.h"
#include "common/status/error.h"
#include "google/protobuf/util/time_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace gongtong::booking {

namespace {
google::rpc::Status DetailsOf(const absl::Status& s) {
  google::rpc::Status details;
  if (auto payload = s.GetPayload(kDetailsPayloadUrl)) details.ParseFromString(std::string(*payload));
  return details;
}
}  // namespace

// The BadRequest fields of `s`, in order.
std::vector<std::string> FieldsOf(const absl::Status& s) {
  std::vector<std::string> out;
  const google::rpc::Status details = DetailsOf(s);
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad;
    if (any.UnpackTo(&bad)) {
      for (const auto& v : bad.field_violations()) out.push_back(v.field());
    }
  }
  return out;
}

// The zh-CN LocalizedMessage of `s`, or "".
std::string ZhOf(const absl::Status& s) {
  const google::rpc::Status details = DetailsOf(s);
  for (const auto& any : details.details()) {
    google::rpc::LocalizedMessage m;
    if (any.UnpackTo(&m) && m.locale() == "zh-CN") return m.message();
  }
  return "";
}

// OK when `fields` is empty, else INVALID_ARGUMENT naming exactly `fields`,
// with a zh-CN message. ExpectField: the same for one field ("" = OK).
void ExpectFields(const absl::Status& st, const std::vector<std::string>& fields) {
  if (fields.empty()) {
    EXPECT_TRUE(st.ok()) << st;
    return;
  }
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldsOf(st), fields) << st;
  EXPECT_FALSE(ZhOf(st).empty()) << st;
}

void ExpectField(const absl::Status& st, const std::string& field) {
  ExpectFields(st, field.empty() ? std::vector<std::string>{} : std::vector<std::string>{field});
}

namespace {

constexpr char kHostClass[] = "schools/3310240001/classes/c3-2";

google::type::TimeOfDay T(int h, int m) { return ToTimeOfDay(h * 60 + m); }

v1::Session ValidSession() {
  v1::Session s;
  s.mutable_host()->set_teacher("teachers/wang-li");
  s.mutable_host()->set_classroom("schools/3310240001/classrooms/rec-1");
  s.mutable_host()->set_school_class(kHostClass);
  s.add_receivers()->set_school_class("schools/3310240002/classes/c3-1");
  s.add_receivers()->set_school_class("schools/3310240003/classes/c3-1");
  s.mutable_subject()->set_code(common::v1::SUBJECT_CODE_CHINESE);
  s.set_topic("《秋天的雨》第二课时");
  s.set_mode(v1::SESSION_MODE_DEDICATED_DELIVERY);
  *s.mutable_window()->mutable_date() = ToProtoDate(absl::CivilDay(2026, 11, 23));
  s.set_host_period(1);
  return s;
}

struct ShapeRow {
  const char* rule_case;
  bool hold;
  std::function<void(v1::Session&)> change;
  std::vector<std::string> fields;  // empty = valid
};
void PrintTo(const ShapeRow& r, std::ostream* os) { *os << r.rule_case; }

class SessionShapeTest : public ::testing::TestWithParam<ShapeRow> {};

TEST_P(SessionShapeTest, Row) {
  v1::Session s = ValidSession();
  if (GetParam().change) GetParam().change(s);
  const absl::Status st = ValidateSessionShape(s, GetParam().hold);
  ExpectFields(st, GetParam().fields);
  if (!st.ok()) {
    EXPECT_EQ(ReasonOf(st), "SESSION_INVALID");
  }
}

void ExplicitWindow(v1::Session& s, int h1, int m1, int h2, int m2) {
  s.set_host_period(0);
  *s.mutable_window()->mutable_start_time() = T(h1, m1);
  *s.mutable_window()->mutable_end_time() = T(h2, m2);
}

std::string Topic(int chars) {
  std::string t;
  for (int i = 0; i < chars; ++i) t += "课";
  return t;
}

INSTANTIATE_TEST_SUITE_P(
    RSync1, SessionShapeTest,
    ::testing::Values(
        ShapeRow{"R-SYNC-1 valid with a host period", false, nullptr, {}},
        ShapeRow{"R-SYNC-1 valid with an explicit window", false, [](auto& s) { ExplicitWindow(s, 8, 10, 8, 40); }, {}},
        ShapeRow{"R-SYNC-1 host teacher malformed", false, [](auto& s) { s.mutable_host()->set_teacher("wang-li"); },
                 {"session.host.teacher"}},
        ShapeRow{"R-SYNC-1 host classroom malformed (9-digit school)", false,
                 [](auto& s) { s.mutable_host()->set_classroom("schools/331024000/classrooms/rec-1"); },
                 {"session.host.classroom"}},
        ShapeRow{"R-SYNC-1 host class is a classroom name", false,
                 [](auto& s) { s.mutable_host()->set_school_class("schools/3310240001/classrooms/rec-1"); },
                 {"session.host.school_class"}},
        ShapeRow{"R-SYNC-1 no receiver", false, [](auto& s) { s.clear_receivers(); }, {"session.receivers"}},
        ShapeRow{"R-SYNC-1 33 receivers", false,
                 [](auto& s) {
                   s.clear_receivers();
                   for (int i = 0; i < 33; ++i) s.add_receivers()->set_school_class("schools/3310240002/classes/c" + std::to_string(i));
                 },
                 {"session.receivers"}},
        ShapeRow{"R-SYNC-1 32 receivers is the limit", false,
                 [](auto& s) {
                   s.clear_receivers();
                   for (int i = 0; i < 32; ++i) s.add_receivers()->set_school_class("schools/3310240002/classes/c" + std::to_string(i));
                 },
                 {}},
        ShapeRow{"R-SYNC-1 receiver malformed", false,
                 [](auto& s) { s.mutable_receivers(1)->set_school_class("classes/c3-1"); },
                 {"session.receivers[1].school_class"}},
        ShapeRow{"R-SYNC-1 receiver twice", false,
                 [](auto& s) { s.add_receivers()->set_school_class("schools/3310240002/classes/c3-1"); },
                 {"session.receivers[2].school_class"}},
        ShapeRow{"R-SYNC-1 host class also receiving", false,
                 [](auto& s) { s.add_receivers()->set_school_class(kHostClass); },
                 {"session.receivers[2].school_class"}},
        ShapeRow{"R-SYNC-1 subject missing", false, [](auto& s) { s.clear_subject(); }, {"session.subject.code"}},
        ShapeRow{"R-SYNC-1 OTHER subject needs its name", false,
                 [](auto& s) { s.mutable_subject()->set_code(common::v1::SUBJECT_CODE_OTHER); },
                 {"session.subject.custom_name"}},
        ShapeRow{"R-SYNC-1 OTHER subject with its name", false,
                 [](auto& s) {
                   s.mutable_subject()->set_code(common::v1::SUBJECT_CODE_OTHER);
                   s.mutable_subject()->set_custom_name("书法");
                 },
                 {}},
        ShapeRow{"R-SYNC-1 mode missing", false, [](auto& s) { s.set_mode(v1::SESSION_MODE_UNSPECIFIED); }, {"session.mode"}},
        ShapeRow{"R-SYNC-1 topic required to book", false, [](auto& s) { s.clear_topic(); }, {"session.topic"}},
        ShapeRow{"R-SYNC-1 topic may be empty while held", true, [](auto& s) { s.clear_topic(); }, {}},
        ShapeRow{"R-SYNC-1 topic of 100 Chinese characters (300 octets)", false, [](auto& s) { s.set_topic(Topic(100)); }, {}},
        ShapeRow{"R-SYNC-1 topic of 101 characters", true, [](auto& s) { s.set_topic(Topic(101)); }, {"session.topic"}},
        ShapeRow{"R-SYNC-1 date missing", false, [](auto& s) { s.mutable_window()->clear_date(); }, {"session.window.date"}},
        ShapeRow{"R-SYNC-1 date without a day", false, [](auto& s) { s.mutable_window()->mutable_date()->set_day(0); },
                 {"session.window.date"}},
        ShapeRow{"R-SYNC-1 negative period", false, [](auto& s) { s.set_host_period(-1); }, {"session.host_period"}},
        ShapeRow{"R-SYNC-1 explicit window without times", false, [](auto& s) { s.set_host_period(0); },
                 {"session.window.start_time", "session.window.end_time"}},
        ShapeRow{"R-SYNC-1 end before start", false, [](auto& s) { ExplicitWindow(s, 8, 40, 8, 0); },
                 {"session.window.end_time"}},
        ShapeRow{"R-SYNC-1 end equal to start", false, [](auto& s) { ExplicitWindow(s, 8, 0, 8, 0); },
                 {"session.window.end_time"}},
        ShapeRow{"R-SYNC-1 seconds are refused (minute precision)", false,
                 [](auto& s) {
                   ExplicitWindow(s, 8, 0, 8, 40);
                   s.mutable_window()->mutable_start_time()->set_seconds(30);
                 },
                 {"session.window.start_time"}},
        ShapeRow{"R-SYNC-1 several problems named at once", false,
                 [](auto& s) {
                   s.clear_topic();
                   s.set_mode(v1::SESSION_MODE_UNSPECIFIED);
                 },
                 {"session.mode", "session.topic"}}));

TEST(SessionClassesTest, HostThenReceiversNotDeclined) {
  v1::Session s = ValidSession();
  s.mutable_receivers(0)->set_state(v1::RECEIVER_STATE_DECLINED);
  s.mutable_receivers(1)->set_state(v1::RECEIVER_STATE_CONFIRMED);
  EXPECT_EQ(SessionClasses(s), (std::vector<std::string>{kHostClass, "schools/3310240003/classes/c3-1"}));
}

TEST(SessionShapePrefixTest, PrefixNamesTheRequestField) {
  v1::Session s = ValidSession();
  s.mutable_receivers(0)->set_school_class("bad");
  EXPECT_EQ(FieldsOf(ValidateSessionShape(s, false, "series.session_template")),
            std::vector<std::string>{"series.session_template.receivers[0].school_class"});
}

// ---- reasons (R-SYNC-6: a session not held is cancelled or marked not delivered, with reason) ----

struct ReasonRow {
  const char* rule_case;
  std::function<absl::Status()> check;
  std::string field;  // "" = valid
};
void PrintTo(const ReasonRow& r, std::ostream* os) { *os << r.rule_case; }

class ReasonTest : public ::testing::TestWithParam<ReasonRow> {};

TEST_P(ReasonTest, Row) {
  const absl::Status st = GetParam().check();
  ExpectField(st, GetParam().field);
}

INSTANTIATE_TEST_SUITE_P(
    RSync6, ReasonTest,
    ::testing::Values(
        ReasonRow{"R-SYNC-6 cancel with code and reason",
                  [] { return ValidateCancellation(v1::CANCELLATION_REASON_TEACHER_UNAVAILABLE, "王老师外出培训"); }, ""},
        ReasonRow{"R-SYNC-6 cancel without code",
                  [] { return ValidateCancellation(v1::CANCELLATION_REASON_UNSPECIFIED, "x"); }, "reason_code"},
        ReasonRow{"R-SYNC-6 HOLD_EXPIRED is the service's own",
                  [] { return ValidateCancellation(v1::CANCELLATION_REASON_HOLD_EXPIRED, "x"); }, "reason_code"},
        ReasonRow{"R-SYNC-6 cancel without reason",
                  [] { return ValidateCancellation(v1::CANCELLATION_REASON_OTHER, ""); }, "reason"},
        ReasonRow{"R-SYNC-6 blank reason", [] { return ValidateCancellation(v1::CANCELLATION_REASON_OTHER, "  \n"); },
                  "reason"},
        ReasonRow{"R-SYNC-6 500 Chinese characters are fine",
                  [] { return ValidateCancellation(v1::CANCELLATION_REASON_OTHER, Topic(500)); }, ""},
        ReasonRow{"R-SYNC-6 501 characters are too many",
                  [] { return ValidateCancellation(v1::CANCELLATION_REASON_OTHER, Topic(501)); }, "reason"},
        ReasonRow{"R-SYNC-6 not delivered with code and reason",
                  [] { return ValidateNotDelivered(v1::NOT_DELIVERED_REASON_NETWORK_FAILURE, "直播平台故障"); }, ""},
        ReasonRow{"R-SYNC-6 not delivered without code",
                  [] { return ValidateNotDelivered(v1::NOT_DELIVERED_REASON_UNSPECIFIED, "x"); }, "reason_code"},
        ReasonRow{"R-SYNC-6 not delivered without reason",
                  [] { return ValidateNotDelivered(v1::NOT_DELIVERED_REASON_EMERGENCY, ""); }, "reason"},
        ReasonRow{"R-SYNC-3 override reason of 200 characters",
                  [] { return ValidateReason(Topic(200), "bell_schedule_override_reason", kMaxOverrideReasonChars); }, ""},
        ReasonRow{"R-SYNC-3 override reason of 201 characters",
                  [] { return ValidateReason(Topic(201), "bell_schedule_override_reason", kMaxOverrideReasonChars); },
                  "bell_schedule_override_reason"}));

// ---- delivery record (R-SYNC-6) ----

const std::vector<std::string> kClasses = {kHostClass, "schools/3310240002/classes/c3-1"};

v1::DeliveryRecord ValidRecord() {
  v1::DeliveryRecord r;
  for (const auto& c : kClasses) {
    auto* a = r.add_attendance();
    a->set_school_class(c);
    a->set_pupils_enrolled(40);
    a->set_pupils_present(38);
  }
  r.mutable_homework()->set_description("完成练习册第12页");
  r.mutable_homework()->set_co_marked_count(78);
  r.set_co_marking_notes("两校教师共同批改");
  *r.mutable_actual_start_time() = google::protobuf::util::TimeUtil::SecondsToTimestamp(1795000000);
  *r.mutable_actual_end_time() = google::protobuf::util::TimeUtil::SecondsToTimestamp(1795002400);
  return r;
}

struct RecordRow {
  const char* rule_case;
  std::function<void(v1::DeliveryRecord&)> change;
  std::vector<std::string> fields;
};
void PrintTo(const RecordRow& r, std::ostream* os) { *os << r.rule_case; }

class DeliveryRecordTest : public ::testing::TestWithParam<RecordRow> {};

TEST_P(DeliveryRecordTest, Row) {
  v1::DeliveryRecord r = ValidRecord();
  if (GetParam().change) GetParam().change(r);
  const absl::Status st = ValidateDeliveryRecord(r, kClasses);
  ExpectFields(st, GetParam().fields);
}

INSTANTIATE_TEST_SUITE_P(
    RSync6, DeliveryRecordTest,
    ::testing::Values(
        RecordRow{"R-SYNC-6 attendance of every class", nullptr, {}},
        RecordRow{"R-SYNC-6 a class missing", [](auto& r) { r.mutable_attendance()->RemoveLast(); },
                  {"delivery_record.attendance"}},
        RecordRow{"R-SYNC-6 a foreign class",
                  [](auto& r) { r.mutable_attendance(1)->set_school_class("schools/3310240009/classes/x"); },
                  {"delivery_record.attendance[1].school_class", "delivery_record.attendance"}},
        RecordRow{"R-SYNC-6 a class twice", [](auto& r) { *r.add_attendance() = r.attendance(0); },
                  {"delivery_record.attendance[2].school_class"}},
        RecordRow{"R-SYNC-6 more present than enrolled", [](auto& r) { r.mutable_attendance(0)->set_pupils_present(41); },
                  {"delivery_record.attendance[0].pupils_present"}},
        RecordRow{"R-SYNC-6 all present", [](auto& r) { r.mutable_attendance(0)->set_pupils_present(40); }, {}},
        RecordRow{"R-SYNC-6 negative present", [](auto& r) { r.mutable_attendance(0)->set_pupils_present(-1); },
                  {"delivery_record.attendance[0].pupils_present"}},
        RecordRow{"R-SYNC-6 attendance note of 501 characters",
                  [](auto& r) { r.mutable_attendance(1)->set_note(Topic(501)); }, {"delivery_record.attendance[1].note"}},
        RecordRow{"R-SYNC-6 notes of 2000 characters", [](auto& r) { r.set_tutoring_notes(Topic(2000)); }, {}},
        RecordRow{"R-SYNC-6 notes of 2001 characters", [](auto& r) { r.set_preparation_notes(Topic(2001)); },
                  {"delivery_record.preparation_notes"}},
        RecordRow{"R-SYNC-6 homework of 2001 characters",
                  [](auto& r) { r.mutable_homework()->set_description(Topic(2001)); },
                  {"delivery_record.homework.description"}},
        RecordRow{"R-SYNC-6 actual end before actual start",
                  [](auto& r) { std::swap(*r.mutable_actual_start_time(), *r.mutable_actual_end_time()); },
                  {"delivery_record.actual_end_time"}},
        RecordRow{"R-SYNC-6 only an actual start", [](auto& r) { r.clear_actual_end_time(); }, {}}));

// ---- names ----

TEST(NamesTest, SessionName) {
  EXPECT_EQ(ParseSessionName("sessions/abc-123", "name").value(), "abc-123");
  for (const char* bad : {"sessions/", "sessions/ABC", "session/abc", "sessions/-abc", "sessions/a/b", ""}) {
    const auto got = ParseSessionName(bad, "name");
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(FieldsOf(got.status()), std::vector<std::string>{"name"}) << bad;
  }
  EXPECT_EQ(SessionName("abc"), "sessions/abc");
}

TEST(NamesTest, SchoolOfResource) {
  EXPECT_EQ(SchoolOfResource("schools/3310240001", "f").value(), "3310240001");
  EXPECT_EQ(SchoolOfResource("schools/3310240001/classes/c3-2", "f").value(), "3310240001");
  for (const char* bad : {"schools/331024000", "schools/33102400011", "schools/3310240001/", "teachers/x", "schools/33102400a1/classes/c"}) {
    EXPECT_EQ(FieldsOf(SchoolOfResource(bad, "session.host.classroom").status()),
              std::vector<std::string>{"session.host.classroom"})
        << bad;
  }
}

TEST(NamesTest, ClientId) {
  EXPECT_TRUE(ValidClientId("a"));
  EXPECT_TRUE(ValidClientId("0-a-" + std::string(36, 'b')));  // 40
  EXPECT_FALSE(ValidClientId(std::string(41, 'a')));
  EXPECT_FALSE(ValidClientId("-a"));
  EXPECT_FALSE(ValidClientId("A"));
  EXPECT_FALSE(ValidClientId(""));
}

}  // namespace
}  // namespace gongtong::booking
