// Class, classroom and teacher rules (DOMAIN §2, issue 3, school.proto and
// teacher.proto) and who may read and write them: one row per case. The
// rule a row covers is named in the row (the proto contract, or R-SYNC-1 /
// R-SYNC-2 for the sending classrooms a session needs).
#include <gtest/gtest.h>

#include <functional>

#include "common/status/error.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "registry/domain/roster_access.h"
#include "registry/domain/roster_rules.h"

namespace gongtong::registry {
namespace {

using namespace gongtong::registry::v1;
namespace cv1 = gongtong::common::v1;

constexpr char kSchool[] = "2133102401";  // 仙居县第一小学

google::type::Date D(int y, int m, int d) {
  google::type::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

std::vector<std::string> FieldsOf(const absl::Status& s) {
  std::vector<std::string> out;
  auto payload = s.GetPayload(kDetailsPayloadUrl);
  if (!payload) return out;
  google::rpc::Status details;
  details.ParseFromString(std::string(*payload));
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad;
    if (any.UnpackTo(&bad)) {
      for (const auto& v : bad.field_violations()) out.push_back(v.field());
    }
  }
  return out;
}

template <typename V>
std::vector<std::string> Fields(const V& violations) {
  std::vector<std::string> out;
  for (const auto& v : violations) out.push_back(v.field);
  return out;
}

SchoolClass ValidClass() {
  SchoolClass c;
  c.set_grade(cv1::GRADE_3);
  c.set_class_number(2);
  c.set_pupil_count(42);
  c.set_homeroom_teacher("teachers/wang-li");
  c.set_home_classroom("schools/2133102401/classrooms/room-302");
  return c;
}

Classroom ValidRoom() {
  Classroom r;
  r.set_display_name("录播教室一 (综合楼3楼)");
  r.set_kind(CLASSROOM_KIND_RECORDING);
  r.set_capacity(60);
  r.set_max_outgoing_streams(4);
  return r;
}

Teacher ValidTeacher() {
  Teacher t;
  t.set_staff_number("ZJ331024000123");
  t.set_display_name("王丽");
  t.set_school("schools/2133102401");
  t.add_subjects()->set_code(cv1::SUBJECT_CODE_CHINESE);
  t.add_subjects()->set_code(cv1::SUBJECT_CODE_HOMEROOM_WORK);
  t.set_title(TEACHER_TITLE_FIRST_GRADE);
  auto* h = t.add_honours();
  h->set_kind(HONOUR_KIND_BACKBONE_TEACHER);
  h->set_level(HONOUR_LEVEL_COUNTY);
  h->set_year(2023);
  t.mutable_party_membership()->set_status(PARTY_MEMBERSHIP_STATUS_FULL);
  t.mutable_party_membership()->set_organization("partyOrganizations/xianju-1-branch");
  t.set_employment_status(EMPLOYMENT_STATUS_ACTIVE);
  t.add_stages(cv1::SCHOOL_STAGE_PRIMARY);
  StartFirstStint(t, D(2020, 9, 1));
  return t;
}

// ---- names ----

TEST(RosterNames, RoundTripAndRejectMalformed) {
  EXPECT_EQ(SchoolClassName(kSchool, "c-1"), "schools/2133102401/classes/c-1");
  auto key = ParseSchoolClassName("schools/2133102401/classes/c-1", "name");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->school_code, kSchool);
  EXPECT_EQ(key->id, "c-1");
  EXPECT_EQ(ParseClassroomName("schools/2133102401/classrooms/r1", "name")->id, "r1");
  EXPECT_EQ(*ParseTeacherName("teachers/wang-li", "name"), "wang-li");
  for (const char* bad :
       {"schools/2133102401/classes/", "schools/213310240/classes/c", "schools/2133102401/classrooms/c",
        "schools/2133102401/classes/C", "classes/c", "schools/2133102401/classes/c/x"}) {
    EXPECT_EQ(FieldsOf(ParseSchoolClassName(bad, "name").status()), std::vector<std::string>{"name"}) << bad;
  }
  EXPECT_FALSE(ParseTeacherName("teacher/x", "name").ok());
  EXPECT_EQ(*ParseRosterParent("schools/-", "parent"), "");
  EXPECT_EQ(*ParseRosterParent("schools/2133102401", "parent"), kSchool);
  EXPECT_FALSE(ParseRosterParent("schools/12", "parent").ok());
}

TEST(RosterNames, ClassDisplayNames) {
  EXPECT_EQ(DefaultClassDisplayName(cv1::GRADE_3, 2), "三(2)班");
  EXPECT_EQ(DefaultClassDisplayName(cv1::GRADE_7, 1), "七(1)班");
  EXPECT_EQ(DefaultClassDisplayName(cv1::GRADE_10, 5), "高一(5)班");
  EXPECT_EQ(DefaultClassDisplayName(cv1::GRADE_KINDERGARTEN_SENIOR, 3), "大(3)班");
  EXPECT_EQ(StageOfGrade(cv1::GRADE_6), cv1::SCHOOL_STAGE_PRIMARY);
  EXPECT_EQ(StageOfGrade(cv1::GRADE_9), cv1::SCHOOL_STAGE_JUNIOR_MIDDLE);
  EXPECT_EQ(GradesOfStage(cv1::SCHOOL_STAGE_SENIOR_MIDDLE).size(), 3u);
}

// ---- classes (school.proto SchoolClass) ----

struct ClassRow {
  std::string name;
  std::function<void(SchoolClass&)> change;
  std::vector<std::string> fields;
};

class ClassValidation : public ::testing::TestWithParam<ClassRow> {};

TEST_P(ClassValidation, FlagsExactlyTheOffendingFields) {
  SchoolClass c = ValidClass();
  GetParam().change(c);
  EXPECT_EQ(Fields(SchoolClassViolations(c, kSchool, "school_class")), GetParam().fields);
}

INSTANTIATE_TEST_SUITE_P(
    Rows, ClassValidation,
    ::testing::Values(
        ClassRow{"valid", [](SchoolClass&) {}, {}},
        ClassRow{"valid_without_references",
                 [](SchoolClass& c) {
                   c.clear_homeroom_teacher();
                   c.clear_home_classroom();
                 },
                 {}},
        ClassRow{"grade_missing", [](SchoolClass& c) { c.clear_grade(); }, {"school_class.grade"}},
        ClassRow{
            "grade_unknown", [](SchoolClass& c) { c.set_grade(static_cast<cv1::Grade>(9)); }, {"school_class.grade"}},
        ClassRow{"class_number_0", [](SchoolClass& c) { c.set_class_number(0); }, {"school_class.class_number"}},
        ClassRow{"class_number_99_ok", [](SchoolClass& c) { c.set_class_number(99); }, {}},
        ClassRow{"class_number_100", [](SchoolClass& c) { c.set_class_number(100); }, {"school_class.class_number"}},
        ClassRow{"pupils_negative", [](SchoolClass& c) { c.set_pupil_count(-1); }, {"school_class.pupil_count"}},
        ClassRow{"pupils_200_ok", [](SchoolClass& c) { c.set_pupil_count(200); }, {}},
        ClassRow{"pupils_201", [](SchoolClass& c) { c.set_pupil_count(201); }, {"school_class.pupil_count"}},
        ClassRow{"homeroom_malformed",
                 [](SchoolClass& c) { c.set_homeroom_teacher("wang-li"); },
                 {"school_class.homeroom_teacher"}},
        ClassRow{"home_classroom_malformed",
                 [](SchoolClass& c) { c.set_home_classroom("classrooms/r"); },
                 {"school_class.home_classroom"}},
        ClassRow{"home_classroom_other_school",
                 [](SchoolClass& c) { c.set_home_classroom("schools/2133102402/classrooms/r"); },
                 {"school_class.home_classroom"}},
        ClassRow{"display_name_41_characters",
                 [](SchoolClass& c) {
                   std::string n;
                   for (int i = 0; i < 41; ++i) n += "班";
                   c.set_display_name(n);
                 },
                 {"school_class.display_name"}}),
    [](const auto& info) { return info.param.name; });

TEST(ClassNormalize, GeneratesTheDisplayNameOnlyWhenEmpty) {
  SchoolClass c = ValidClass();
  NormalizeSchoolClass(c);
  EXPECT_EQ(c.display_name(), "三(2)班");
  c.set_display_name("三年级2班（书法特色班）");
  NormalizeSchoolClass(c);
  EXPECT_EQ(c.display_name(), "三年级2班（书法特色班）");
}

TEST(ClassNormalize, AGeneratedNameFollowsGradeAndNumberAChosenOneStays) {
  SchoolClass before = ValidClass();
  NormalizeSchoolClass(before);  // 三(2)班
  SchoolClass after = before;
  after.set_grade(cv1::GRADE_4);
  NormalizeUpdatedClass(before, after, /*display_name_in_mask=*/false);
  EXPECT_EQ(after.display_name(), "四(2)班");
  after = before;
  after.set_class_number(3);
  after.set_display_name("三(3)班 书法班");
  NormalizeUpdatedClass(before, after, /*display_name_in_mask=*/true);
  EXPECT_EQ(after.display_name(), "三(3)班 书法班");
  before.set_display_name("三年级2班");
  after = before;
  after.set_class_number(5);
  NormalizeUpdatedClass(before, after, /*display_name_in_mask=*/false);
  EXPECT_EQ(after.display_name(), "三年级2班");
  after.clear_display_name();
  NormalizeUpdatedClass(before, after, /*display_name_in_mask=*/true);
  EXPECT_EQ(after.display_name(), "三(5)班");
}

// ---- classrooms (school.proto Classroom; R-SYNC-1 only sending rooms host,
// R-SYNC-2 a session feeds at most max_outgoing_streams classes) ----

struct RoomRow {
  std::string name;
  std::function<void(Classroom&)> change;
  std::vector<std::string> fields;
};

class ClassroomValidation : public ::testing::TestWithParam<RoomRow> {};

TEST_P(ClassroomValidation, FlagsExactlyTheOffendingFields) {
  Classroom r = ValidRoom();
  GetParam().change(r);
  EXPECT_EQ(Fields(ClassroomViolations(r, "classroom")), GetParam().fields);
}

INSTANTIATE_TEST_SUITE_P(
    Rows, ClassroomValidation,
    ::testing::Values(RoomRow{"valid_recording", [](Classroom&) {}, {}},
                      RoomRow{"valid_direct_broadcast_32_streams",
                              [](Classroom& r) {
                                r.set_kind(CLASSROOM_KIND_DIRECT_BROADCAST);
                                r.set_max_outgoing_streams(32);
                              },
                              {}},
                      RoomRow{"valid_ordinary",
                              [](Classroom& r) {
                                r.set_kind(CLASSROOM_KIND_ORDINARY);
                                r.set_max_outgoing_streams(0);
                              },
                              {}},
                      RoomRow{"R_SYNC_1_ordinary_cannot_send",
                              [](Classroom& r) { r.set_kind(CLASSROOM_KIND_ORDINARY); },
                              {"classroom.max_outgoing_streams"}},
                      RoomRow{"R_SYNC_2_streams_33",
                              [](Classroom& r) { r.set_max_outgoing_streams(33); },
                              {"classroom.max_outgoing_streams"}},
                      RoomRow{"R_SYNC_2_streams_negative",
                              [](Classroom& r) { r.set_max_outgoing_streams(-1); },
                              {"classroom.max_outgoing_streams"}},
                      RoomRow{"kind_missing", [](Classroom& r) { r.clear_kind(); }, {"classroom.kind"}},
                      RoomRow{"name_missing", [](Classroom& r) { r.clear_display_name(); }, {"classroom.display_name"}},
                      RoomRow{"name_61_characters",
                              [](Classroom& r) {
                                std::string n;
                                for (int i = 0; i < 61; ++i) n += "室";
                                r.set_display_name(n);
                              },
                              {"classroom.display_name"}},
                      RoomRow{"capacity_0", [](Classroom& r) { r.set_capacity(0); }, {"classroom.capacity"}},
                      RoomRow{"capacity_500_ok", [](Classroom& r) { r.set_capacity(500); }, {}},
                      RoomRow{"capacity_501", [](Classroom& r) { r.set_capacity(501); }, {"classroom.capacity"}}),
    [](const auto& info) { return info.param.name; });

TEST(ClassroomNormalize, SendingRoomDefaultsToOneStream) {
  Classroom r = ValidRoom();
  r.set_max_outgoing_streams(0);
  NormalizeClassroom(r);
  EXPECT_EQ(r.max_outgoing_streams(), 1);
  r.set_kind(CLASSROOM_KIND_ORDINARY);
  r.set_max_outgoing_streams(0);
  NormalizeClassroom(r);
  EXPECT_EQ(r.max_outgoing_streams(), 0);
}

// ---- teachers (teacher.proto Teacher) ----

struct TeacherRow {
  std::string name;
  std::function<void(Teacher&)> change;
  std::vector<std::string> fields;
};

class TeacherValidation : public ::testing::TestWithParam<TeacherRow> {};

TEST_P(TeacherValidation, FlagsExactlyTheOffendingFields) {
  Teacher t = ValidTeacher();
  GetParam().change(t);
  EXPECT_EQ(Fields(TeacherViolations(t, /*creating=*/true, "teacher")), GetParam().fields);
}

INSTANTIATE_TEST_SUITE_P(
    Rows, TeacherValidation,
    ::testing::Values(
        TeacherRow{"valid", [](Teacher&) {}, {}},
        TeacherRow{"valid_not_a_member",
                   [](Teacher& t) {
                     t.mutable_party_membership()->set_status(PARTY_MEMBERSHIP_STATUS_NONE);
                     t.mutable_party_membership()->clear_organization();
                   },
                   {}},
        TeacherRow{"valid_other_subject",
                   [](Teacher& t) {
                     auto* s = t.add_subjects();
                     s->set_code(cv1::SUBJECT_CODE_OTHER);
                     s->set_custom_name("围棋");
                   },
                   {}},
        TeacherRow{"staff_number_missing", [](Teacher& t) { t.clear_staff_number(); }, {"teacher.staff_number"}},
        TeacherRow{"staff_number_symbols", [](Teacher& t) { t.set_staff_number("ZJ-001"); }, {"teacher.staff_number"}},
        TeacherRow{
            "staff_number_33", [](Teacher& t) { t.set_staff_number(std::string(33, '1')); }, {"teacher.staff_number"}},
        TeacherRow{"name_missing", [](Teacher& t) { t.clear_display_name(); }, {"teacher.display_name"}},
        TeacherRow{"school_missing_on_create", [](Teacher& t) { t.clear_school(); }, {"teacher.school"}},
        TeacherRow{"no_subjects", [](Teacher& t) { t.clear_subjects(); }, {"teacher.subjects"}},
        TeacherRow{"nine_subjects",
                   [](Teacher& t) {
                     t.clear_subjects();
                     for (int c = 2; c <= 10; ++c) t.add_subjects()->set_code(static_cast<cv1::SubjectCode>(c));
                   },
                   {"teacher.subjects"}},
        TeacherRow{"subject_twice",
                   [](Teacher& t) { t.add_subjects()->set_code(cv1::SUBJECT_CODE_CHINESE); },
                   {"teacher.subjects[2]"}},
        TeacherRow{"subject_unspecified", [](Teacher& t) { t.add_subjects(); }, {"teacher.subjects[2].code"}},
        TeacherRow{"other_without_name",
                   [](Teacher& t) { t.add_subjects()->set_code(cv1::SUBJECT_CODE_OTHER); },
                   {"teacher.subjects[2].custom_name"}},
        TeacherRow{"title_missing", [](Teacher& t) { t.clear_title(); }, {"teacher.title"}},
        TeacherRow{
            "honour_kind_missing", [](Teacher& t) { t.mutable_honours(0)->clear_kind(); }, {"teacher.honours[0].kind"}},
        TeacherRow{
            "honour_year_1949", [](Teacher& t) { t.mutable_honours(0)->set_year(1949); }, {"teacher.honours[0].year"}},
        TeacherRow{"honour_other_untitled",
                   [](Teacher& t) { t.mutable_honours(0)->set_kind(HONOUR_KIND_OTHER); },
                   {"teacher.honours[0].title"}},
        TeacherRow{"twenty_one_honours",
                   [](Teacher& t) {
                     for (int i = 0; i < 20; ++i) *t.add_honours() = t.honours(0);
                   },
                   {"teacher.honours"}},
        TeacherRow{"member_without_organization",
                   [](Teacher& t) { t.mutable_party_membership()->clear_organization(); },
                   {"teacher.party_membership.organization"}},
        TeacherRow{"probationary_without_organization",
                   [](Teacher& t) {
                     t.mutable_party_membership()->set_status(PARTY_MEMBERSHIP_STATUS_PROBATIONARY);
                     t.mutable_party_membership()->clear_organization();
                   },
                   {"teacher.party_membership.organization"}},
        TeacherRow{"non_member_with_organization",
                   [](Teacher& t) { t.mutable_party_membership()->set_status(PARTY_MEMBERSHIP_STATUS_NONE); },
                   {"teacher.party_membership.organization"}},
        TeacherRow{"join_date_invalid",
                   [](Teacher& t) { *t.mutable_party_membership()->mutable_join_date() = D(2020, 2, 30); },
                   {"teacher.party_membership.join_date"}},
        TeacherRow{"stage_twice", [](Teacher& t) { t.add_stages(cv1::SCHOOL_STAGE_PRIMARY); }, {"teacher.stages[1]"}}),
    [](const auto& info) { return info.param.name; });

TEST(TeacherValidation, SchoolIsOutputOnlyOnUpdate) {
  Teacher t = ValidTeacher();
  t.clear_school();
  EXPECT_TRUE(TeacherViolations(t, /*creating=*/false, "teacher").empty());
}

// ---- against the database's facts (FAILED_PRECONDITION) ----

struct FactRow {
  std::string name;
  std::function<absl::Status()> check;
  absl::StatusCode code;
  std::string field;  // "" when OK
};

class RosterFacts : public ::testing::TestWithParam<FactRow> {};

TEST_P(RosterFacts, GiveTheCodeAndNameTheField) {
  absl::Status s = GetParam().check();
  EXPECT_EQ(s.code(), GetParam().code) << s;
  if (!GetParam().field.empty()) { EXPECT_EQ(FieldsOf(s), std::vector<std::string>{GetParam().field}) << s; }
}

const std::vector<SchoolStage> kPrimary = {cv1::SCHOOL_STAGE_PRIMARY};
const std::vector<SchoolStage> kNineYear = {cv1::SCHOOL_STAGE_PRIMARY, cv1::SCHOOL_STAGE_JUNIOR_MIDDLE};

INSTANTIATE_TEST_SUITE_P(
    Rows, RosterFacts,
    ::testing::Values(
        FactRow{"grade_of_primary", [] { return GradeFitsSchool(ValidClass(), kPrimary, "school_class"); },
                absl::StatusCode::kOk, ""},
        FactRow{"grade_7_in_primary",
                [] {
                  auto c = ValidClass();
                  c.set_grade(cv1::GRADE_7);
                  return GradeFitsSchool(c, kPrimary, "school_class");
                },
                absl::StatusCode::kFailedPrecondition, "school_class.grade"},
        FactRow{"grade_7_in_nine_year",
                [] {
                  auto c = ValidClass();
                  c.set_grade(cv1::GRADE_7);
                  return GradeFitsSchool(c, kNineYear, "school_class");
                },
                absl::StatusCode::kOk, ""},
        FactRow{"homeroom_of_school",
                [] {
                  return HomeroomOfSchool(ValidClass(), {true, false, kSchool}, kSchool, "school_class");
                },
                absl::StatusCode::kOk, ""},
        FactRow{"homeroom_unknown", [] { return HomeroomOfSchool(ValidClass(), {}, kSchool, "school_class"); },
                absl::StatusCode::kFailedPrecondition, "school_class.homeroom_teacher"},
        FactRow{"homeroom_deleted",
                [] {
                  return HomeroomOfSchool(ValidClass(), {true, true, kSchool}, kSchool, "school_class");
                },
                absl::StatusCode::kFailedPrecondition, "school_class.homeroom_teacher"},
        FactRow{"homeroom_of_other_school",
                [] {
                  return HomeroomOfSchool(ValidClass(), {true, false, "2133102402"}, kSchool, "school_class");
                },
                absl::StatusCode::kFailedPrecondition, "school_class.homeroom_teacher"},
        FactRow{"home_classroom_live",
                [] {
                  return HomeClassroomLive(ValidClass(), {true, false, kSchool}, "school_class");
                },
                absl::StatusCode::kOk, ""},
        FactRow{"home_classroom_deleted",
                [] {
                  return HomeClassroomLive(ValidClass(), {true, true, kSchool}, "school_class");
                },
                absl::StatusCode::kFailedPrecondition, "school_class.home_classroom"},
        FactRow{"teacher_stage_of_school", [] { return TeacherStagesFitSchool(ValidTeacher(), kPrimary, "teacher"); },
                absl::StatusCode::kOk, ""},
        FactRow{"teacher_junior_stage_in_primary",
                [] {
                  auto t = ValidTeacher();
                  t.add_stages(cv1::SCHOOL_STAGE_JUNIOR_MIDDLE);
                  return TeacherStagesFitSchool(t, kPrimary, "teacher");
                },
                absl::StatusCode::kFailedPrecondition, "teacher.stages[1]"}),
    [](const auto& info) { return info.param.name; });

// ---- moves (teacher.proto MoveTeacherRequest) ----

MoveTeacherRequest ValidMove() {
  MoveTeacherRequest m;
  m.set_name("teachers/wang-li");
  m.set_target_school("schools/2133102402");
  *m.mutable_effective_date() = D(2026, 9, 1);
  m.set_reason(MOVE_REASON_ROTATION);
  m.set_note("仙教人〔2026〕12号");
  return m;
}

struct MoveRow {
  std::string name;
  std::function<void(Teacher&, MoveTeacherRequest&)> change;
  absl::StatusCode code;
  std::string field;
};

class MoveRules : public ::testing::TestWithParam<MoveRow> {};

TEST_P(MoveRules, GiveTheCodeAndNameTheField) {
  Teacher t = ValidTeacher();
  MoveTeacherRequest m = ValidMove();
  GetParam().change(t, m);
  absl::Status s = CheckMove(t, m);
  EXPECT_EQ(s.code(), GetParam().code) << s;
  if (!GetParam().field.empty()) { EXPECT_EQ(FieldsOf(s), std::vector<std::string>{GetParam().field}) << s; }
}

INSTANTIATE_TEST_SUITE_P(
    Rows, MoveRules,
    ::testing::Values(
        MoveRow{"valid_rotation", [](Teacher&, MoveTeacherRequest&) {}, absl::StatusCode::kOk, ""},
        MoveRow{"same_school", [](Teacher&, MoveTeacherRequest& m) { m.set_target_school("schools/2133102401"); },
                absl::StatusCode::kInvalidArgument, "target_school"},
        MoveRow{"target_malformed", [](Teacher&, MoveTeacherRequest& m) { m.set_target_school("2133102402"); },
                absl::StatusCode::kInvalidArgument, "target_school"},
        MoveRow{"no_date", [](Teacher&, MoveTeacherRequest& m) { m.clear_effective_date(); },
                absl::StatusCode::kInvalidArgument, "effective_date"},
        MoveRow{"partial_date", [](Teacher&, MoveTeacherRequest& m) { m.mutable_effective_date()->set_day(0); },
                absl::StatusCode::kInvalidArgument, "effective_date"},
        MoveRow{"on_current_start",
                [](Teacher&, MoveTeacherRequest& m) { *m.mutable_effective_date() = D(2020, 9, 1); },
                absl::StatusCode::kInvalidArgument, "effective_date"},
        MoveRow{"day_after_current_start",
                [](Teacher&, MoveTeacherRequest& m) { *m.mutable_effective_date() = D(2020, 9, 2); },
                absl::StatusCode::kOk, ""},
        MoveRow{"reason_initial", [](Teacher&, MoveTeacherRequest& m) { m.set_reason(MOVE_REASON_INITIAL); },
                absl::StatusCode::kInvalidArgument, "reason"},
        MoveRow{"reason_missing", [](Teacher&, MoveTeacherRequest& m) { m.clear_reason(); },
                absl::StatusCode::kInvalidArgument, "reason"},
        MoveRow{"note_201_characters",
                [](Teacher&, MoveTeacherRequest& m) {
                  std::string n;
                  for (int i = 0; i < 201; ++i) n += "文";
                  m.set_note(n);
                },
                absl::StatusCode::kInvalidArgument, "note"},
        MoveRow{"retired", [](Teacher& t, MoveTeacherRequest&) { t.set_employment_status(EMPLOYMENT_STATUS_RETIRED); },
                absl::StatusCode::kFailedPrecondition, "name"},
        MoveRow{"on_leave",
                [](Teacher& t, MoveTeacherRequest&) { t.set_employment_status(EMPLOYMENT_STATUS_ON_LEAVE); },
                absl::StatusCode::kFailedPrecondition, "name"}),
    [](const auto& info) { return info.param.name; });

TEST(MoveTeacher, EndsTheCurrentStintTheDayBeforeAndKeepsTheHistory) {
  Teacher t = ApplyMove(ValidTeacher(), ValidMove());
  EXPECT_EQ(t.school(), "schools/2133102402");
  ASSERT_EQ(t.school_stints_size(), 2);
  EXPECT_EQ(t.school_stints(0).school(), "schools/2133102401");
  EXPECT_EQ(t.school_stints(0).reason(), MOVE_REASON_INITIAL);
  EXPECT_EQ(t.school_stints(0).end_date().day(), 31);
  EXPECT_EQ(t.school_stints(0).end_date().month(), 8);
  EXPECT_EQ(t.school_stints(1).school(), "schools/2133102402");
  EXPECT_EQ(t.school_stints(1).reason(), MOVE_REASON_ROTATION);
  EXPECT_FALSE(t.school_stints(1).has_end_date());
  MoveTeacherRequest back = ValidMove();
  back.set_target_school("schools/2133102401");
  *back.mutable_effective_date() = D(2027, 3, 1);
  t = ApplyMove(t, back);
  ASSERT_EQ(t.school_stints_size(), 3);
  EXPECT_EQ(t.school_stints(1).end_date().month(), 2);
  EXPECT_EQ(t.school_stints(1).end_date().day(), 28);
}

// ---- access (issue 3 "Access") ----

struct AccessRow {
  std::string name;
  auth::Role role;
  std::string region, school;
  bool read, write_own_school;
};

class RosterAccess : public ::testing::TestWithParam<AccessRow> {};

TEST_P(RosterAccess, EachRoleHitsItsWall) {
  auth::Principal p;
  p.role = GetParam().role;
  p.region_prefix = GetParam().region;
  p.school_code = GetParam().school;
  EXPECT_EQ(CanReadRoster(p, "331024").ok(), GetParam().read);
  EXPECT_EQ(CanWriteRoster(p, kSchool, "331024").ok(), GetParam().write_own_school);
  if (!GetParam().write_own_school) {
    EXPECT_EQ(CanWriteRoster(p, kSchool, "331024").code(), absl::StatusCode::kPermissionDenied);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rows, RosterAccess,
    ::testing::Values(AccessRow{"province", auth::Role::kProvinceAdmin, "", "", true, true},
                      AccessRow{"service", auth::Role::kService, "", "", true, true},
                      AccessRow{"county_of_the_school", auth::Role::kCountyBureau, "331024", "", true, true},
                      AccessRow{"city_covering_the_county", auth::Role::kCountyBureau, "3310", "", true, true},
                      AccessRow{"county_elsewhere", auth::Role::kCountyBureau, "520625", "", false, false},
                      AccessRow{"school_admin_of_the_school", auth::Role::kSchoolAdmin, "", kSchool, true, true},
                      AccessRow{"school_admin_elsewhere", auth::Role::kSchoolAdmin, "", "2133102402", true, false},
                      AccessRow{"teacher_reads_only", auth::Role::kTeacher, "", kSchool, true, false},
                      AccessRow{"township_head_reads_only", auth::Role::kTownshipHead, "331024103", "", true, false}),
    [](const auto& info) { return info.param.name; });

TEST(RosterAccess, RoleGateBeforeLookingAnythingUp) {
  auth::Principal p;
  p.role = auth::Role::kSchoolAdmin;
  p.school_code = kSchool;
  EXPECT_TRUE(MayWriteRoster(p, kSchool).ok());
  EXPECT_EQ(MayWriteRoster(p, "2133102402").code(), absl::StatusCode::kPermissionDenied);
  p.role = auth::Role::kTeacher;
  EXPECT_EQ(MayWriteRoster(p, kSchool).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(RosterReadScope(p), "");
  p.role = auth::Role::kCountyBureau;
  p.region_prefix = "331024";
  EXPECT_EQ(RosterReadScope(p), "331024");
}

TEST(RosterAccess, MovesNeedTheCountyOfBothSchoolsOrTheProvince) {
  auth::Principal p;
  p.role = auth::Role::kProvinceAdmin;
  EXPECT_TRUE(CanMoveTeacher(p, "331024", "520625").ok());
  p.role = auth::Role::kCountyBureau;
  p.region_prefix = "331024";
  EXPECT_TRUE(CanMoveTeacher(p, "331024", "331024").ok());
  EXPECT_EQ(CanMoveTeacher(p, "331024", "331082").code(), absl::StatusCode::kPermissionDenied);
  p.role = auth::Role::kSchoolAdmin;
  p.school_code = kSchool;
  EXPECT_EQ(MayMoveTeachers(p).code(), absl::StatusCode::kPermissionDenied);
  p.role = auth::Role::kTeacher;
  EXPECT_EQ(MayMoveTeachers(p).code(), absl::StatusCode::kPermissionDenied);
}

TEST(RosterAccess, TeachersSeePartyFieldsOnlyOfTheirOwnSchool) {
  auth::Principal p;
  p.role = auth::Role::kTeacher;
  p.school_code = "2133102402";
  Teacher t = ValidTeacher();
  RedactTeacher(p, t);
  EXPECT_FALSE(t.has_party_membership());
  p.school_code = kSchool;
  t = ValidTeacher();
  RedactTeacher(p, t);
  EXPECT_TRUE(t.has_party_membership());
  p.role = auth::Role::kSchoolAdmin;
  p.school_code = "2133102402";
  t = ValidTeacher();
  RedactTeacher(p, t);
  EXPECT_TRUE(t.has_party_membership());
}

}  // namespace
}  // namespace gongtong::registry
