// RegistryService classes, classrooms and teachers, in-process on the common
// runner against real PostgreSQL and Redis: create/get/list/update/delete/
// undelete, bad input (field named, nothing written), etags, request_id
// retries, each role hitting its wall, the change feed with tombstones and
// the events the booking service invalidates its cache from.
#include <gtest/gtest.h>

#include <functional>

#include "registry/rpc/registry_service.h"
#include "registry_test_server.h"

namespace gongtong::registry {
namespace {

using Stub = rv1::RegistryService::Stub;
using testing::Call;
using testing::Caller;
using testing::HasField;
using testing::kProvince;
using testing::RegistryServer;
namespace cv1 = gongtong::common::v1;

// Schools of this suite: 仙居 (331024) primaries and one in 印江 (520625).
std::string Code(int n) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "2133%06d", 800000 + n);
  return buf;
}

const Caller kCounty{auth::Role::kCountyBureau, "331024", ""};
const Caller kOtherCounty{auth::Role::kCountyBureau, "520625", ""};
Caller SchoolAdmin(const std::string& code) { return {auth::Role::kSchoolAdmin, "", code}; }
Caller TeacherOf(const std::string& code) { return {auth::Role::kTeacher, "", code}; }

google::type::Date D(int y, int m, int d) {
  google::type::Date out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}

rv1::SchoolClass Class(cv1::Grade grade, int number, int pupils = 40) {
  rv1::SchoolClass c;
  c.set_grade(grade);
  c.set_class_number(number);
  c.set_pupil_count(pupils);
  return c;
}

rv1::Classroom Room(const std::string& name, rv1::ClassroomKind kind, int capacity, int streams = 0) {
  rv1::Classroom r;
  r.set_display_name(name);
  r.set_kind(kind);
  r.set_capacity(capacity);
  r.set_max_outgoing_streams(streams);
  return r;
}

class Roster : public ::testing::Test {
 protected:
  // Teachers' memberships name partyOrganizations/branch-1, which must be
  // registered (teacher.proto): a branch of a school of its own.
  static void SetUpTestSuite() {
    server_ = new RegistryServer("regroster");
    rv1::CreateSchoolRequest school;
    school.mutable_school()->set_school_code(Code(990));
    school.mutable_school()->set_display_name("党支部所在学校");
    school.mutable_school()->set_region_code("331024");
    school.mutable_school()->set_urban_rural_category(rv1::URBAN_RURAL_CATEGORY_VILLAGE);
    school.mutable_school()->set_school_type_code("211");
    rv1::School created;
    ASSERT_TRUE(Call(&Stub::CreateSchool, server_->stub(), school, &created).ok());
    rv1::CreatePartyOrganizationRequest branch;
    branch.set_party_organization_id("branch-1");
    branch.mutable_party_organization()->set_display_name("第一党支部");
    branch.mutable_party_organization()->set_kind(rv1::PARTY_ORGANIZATION_KIND_BRANCH);
    branch.mutable_party_organization()->add_schools(created.name());
    rv1::PartyOrganization org;
    ASSERT_TRUE(Call(&Stub::CreatePartyOrganization, server_->stub(), branch, &org).ok());
  }
  static void TearDownTestSuite() { delete server_; }
  Stub* stub() { return server_->stub(); }
  int64_t Count(const std::string& sql) { return server_->Count(sql); }

  std::string NewSchool(int n, const std::string& region = "331024", const std::string& type = "211") {
    rv1::CreateSchoolRequest req;
    auto* s = req.mutable_school();
    s->set_school_code(type == "211" ? Code(n) : "3" + Code(n).substr(1));
    s->set_display_name("测试学校" + std::to_string(n));
    s->set_region_code(region);
    s->set_urban_rural_category(rv1::URBAN_RURAL_CATEGORY_VILLAGE);
    s->set_school_type_code(type);
    if (region != "331024")
      s->set_school_code(s->school_code().substr(0, 2) + region.substr(0, 2) + s->school_code().substr(4));
    rv1::School out;
    grpc::Status st = Call(&Stub::CreateSchool, stub(), req, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out.name();
  }

  grpc::Status CreateClass(const std::string& school, const rv1::SchoolClass& c, rv1::SchoolClass* out,
                           const std::string& id = "", const Caller& caller = kProvince,
                           const std::string& request_id = "") {
    rv1::CreateSchoolClassRequest req;
    req.set_parent(school);
    *req.mutable_school_class() = c;
    req.set_school_class_id(id);
    req.set_request_id(request_id);
    return Call(&Stub::CreateSchoolClass, stub(), req, out, caller);
  }

  grpc::Status CreateRoom(const std::string& school, const rv1::Classroom& r, rv1::Classroom* out,
                          const std::string& id = "", const Caller& caller = kProvince) {
    rv1::CreateClassroomRequest req;
    req.set_parent(school);
    *req.mutable_classroom() = r;
    req.set_classroom_id(id);
    return Call(&Stub::CreateClassroom, stub(), req, out, caller);
  }

  grpc::Status CreateTeacher(const std::string& school, const std::string& staff, rv1::Teacher* out,
                             const std::string& id = "", const Caller& caller = kProvince,
                             const std::function<void(rv1::Teacher&)>& change = nullptr) {
    rv1::CreateTeacherRequest req;
    auto* t = req.mutable_teacher();
    t->set_staff_number(staff);
    t->set_display_name("教师" + staff);
    t->set_school(school);
    t->add_subjects()->set_code(cv1::SUBJECT_CODE_MATHEMATICS);
    t->set_title(rv1::TEACHER_TITLE_SECOND_GRADE);
    t->mutable_party_membership()->set_status(rv1::PARTY_MEMBERSHIP_STATUS_FULL);
    t->mutable_party_membership()->set_organization("partyOrganizations/branch-1");
    if (change) change(*t);
    req.set_teacher_id(id);
    return Call(&Stub::CreateTeacher, stub(), req, out, caller);
  }

  grpc::Status Move(const rv1::Teacher& t, const std::string& target, google::type::Date date, rv1::Teacher* out,
                    const Caller& caller = kProvince, rv1::MoveReason reason = rv1::MOVE_REASON_ROTATION) {
    rv1::MoveTeacherRequest req;
    req.set_name(t.name());
    req.set_target_school(target);
    *req.mutable_effective_date() = date;
    req.set_reason(reason);
    req.set_note("交流轮岗");
    return Call(&Stub::MoveTeacher, stub(), req, out, caller);
  }


  static RegistryServer* server_;
};
RegistryServer* Roster::server_ = nullptr;

// ---- classes --------------------------------------------------------------------

TEST_F(Roster, ClassesAreCreatedReadListedUpdatedDeletedAndRestored) {
  const std::string school = NewSchool(1);
  rv1::SchoolClass c31, c32, c41, out;
  ASSERT_TRUE(CreateClass(school, Class(cv1::GRADE_3, 1), &c31, "g3-1").ok());
  ASSERT_TRUE(CreateClass(school, Class(cv1::GRADE_4, 1), &c41).ok());
  grpc::Status st = CreateClass(school, Class(cv1::GRADE_3, 2), &c32, "g3-2");
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(c31.name(), school + "/classes/g3-1");
  EXPECT_EQ(c31.school(), school);
  EXPECT_EQ(c31.display_name(), "三(1)班");
  EXPECT_EQ(c31.etag(), "1");
  EXPECT_TRUE(c31.audit().has_create_time());
  EXPECT_EQ(c31.audit().creator().role(), cv1::ROLE_PROVINCE_ADMIN);
  EXPECT_EQ(c41.name().rfind(school + "/classes/class-", 0), 0u) << c41.name();

  rv1::GetSchoolClassRequest get;
  get.set_name(c32.name());
  ASSERT_TRUE(Call(&Stub::GetSchoolClass, stub(), get, &out).ok());
  EXPECT_EQ(out.display_name(), "三(2)班");
  EXPECT_EQ(out.pupil_count(), 40);

  // Listed by grade then number; paged; filtered.
  rv1::ListSchoolClassesRequest list;
  list.set_parent(school);
  list.set_page_size(2);
  rv1::ListSchoolClassesResponse page1, page2;
  ASSERT_TRUE(Call(&Stub::ListSchoolClasses, stub(), list, &page1).ok());
  ASSERT_EQ(page1.school_classes_size(), 2);
  EXPECT_EQ(page1.school_classes(0).name(), c31.name());
  EXPECT_EQ(page1.school_classes(1).name(), c32.name());
  EXPECT_EQ(page1.total_size(), 3);
  list.set_page_token(page1.next_page_token());
  ASSERT_TRUE(Call(&Stub::ListSchoolClasses, stub(), list, &page2).ok());
  ASSERT_EQ(page2.school_classes_size(), 1);
  EXPECT_EQ(page2.school_classes(0).name(), c41.name());
  EXPECT_TRUE(page2.next_page_token().empty());
  rv1::ListSchoolClassesRequest filtered;
  filtered.set_parent("schools/-");
  filtered.set_filter("grade = GRADE_3 AND region_code:\"3310\"");
  filtered.set_order_by("class_number desc");
  rv1::ListSchoolClassesResponse grade3;
  ASSERT_TRUE(Call(&Stub::ListSchoolClasses, stub(), filtered, &grade3).ok());
  ASSERT_EQ(grade3.school_classes_size(), 2);
  EXPECT_EQ(grade3.school_classes(0).name(), c32.name());
  filtered.set_filter("stage = SCHOOL_STAGE_JUNIOR_MIDDLE");
  ASSERT_TRUE(Call(&Stub::ListSchoolClasses, stub(), filtered, &grade3).ok());
  EXPECT_EQ(grade3.school_classes_size(), 0);

  // Update with etag; a stale etag is ABORTED and writes nothing.
  rv1::UpdateSchoolClassRequest up;
  *up.mutable_school_class() = c32;
  up.mutable_school_class()->set_pupil_count(45);
  up.mutable_school_class()->set_display_name("三(2)班 书法特色班");
  up.mutable_update_mask()->add_paths("pupil_count");
  up.mutable_update_mask()->add_paths("display_name");
  ASSERT_TRUE(Call(&Stub::UpdateSchoolClass, stub(), up, &out).ok());
  EXPECT_EQ(out.pupil_count(), 45);
  EXPECT_EQ(out.etag(), "2");
  st = Call(&Stub::UpdateSchoolClass, stub(), up, &out);  // etag "1" is stale now
  EXPECT_EQ(st.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_TRUE(HasField(st, "etag"));

  // A generated display name follows a new number; a chosen one stays.
  rv1::UpdateSchoolClassRequest renumber;
  renumber.mutable_school_class()->set_name(c41.name());
  renumber.mutable_school_class()->set_class_number(2);
  renumber.mutable_update_mask()->add_paths("class_number");
  ASSERT_TRUE(Call(&Stub::UpdateSchoolClass, stub(), renumber, &out).ok());
  EXPECT_EQ(out.display_name(), "四(2)班");
  renumber.mutable_school_class()->set_name(c32.name());
  renumber.mutable_school_class()->set_class_number(3);
  ASSERT_TRUE(Call(&Stub::UpdateSchoolClass, stub(), renumber, &out).ok());
  EXPECT_EQ(out.display_name(), "三(2)班 书法特色班");

  // Delete hides it from lists; Get still returns it; undelete restores it.
  rv1::DeleteSchoolClassRequest del;
  del.set_name(c31.name());
  ASSERT_TRUE(Call(&Stub::DeleteSchoolClass, stub(), del, &out).ok());
  EXPECT_TRUE(out.audit().has_delete_time());
  EXPECT_EQ(Call(&Stub::DeleteSchoolClass, stub(), del, &out).error_code(), grpc::StatusCode::NOT_FOUND);
  list.clear_page_token();
  list.set_page_size(0);
  ASSERT_TRUE(Call(&Stub::ListSchoolClasses, stub(), list, &page1).ok());
  EXPECT_EQ(page1.total_size(), 2);
  get.set_name(c31.name());
  ASSERT_TRUE(Call(&Stub::GetSchoolClass, stub(), get, &out).ok());
  EXPECT_TRUE(out.audit().has_delete_time());
  // Its grade and number are free again: a new 三(1)班 may be created …
  rv1::SchoolClass again;
  ASSERT_TRUE(CreateClass(school, Class(cv1::GRADE_3, 1), &again, "g3-1-new").ok());
  // … and then the old one cannot come back while the new one is live.
  rv1::UndeleteSchoolClassRequest undel;
  undel.set_name(c31.name());
  st = Call(&Stub::UndeleteSchoolClass, stub(), undel, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << st.error_message();
  del.set_name(again.name());
  ASSERT_TRUE(Call(&Stub::DeleteSchoolClass, stub(), del, &out).ok());
  ASSERT_TRUE(Call(&Stub::UndeleteSchoolClass, stub(), undel, &out).ok());
  EXPECT_FALSE(out.audit().has_delete_time());
  EXPECT_EQ(Call(&Stub::UndeleteSchoolClass, stub(), undel, &out).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(Roster, BadClassesAreRefusedWithTheFieldNamedAndNothingWritten) {
  const std::string school = NewSchool(2);
  const int64_t before = Count("SELECT count(*) FROM school_classes");
  const int64_t changes = Count("SELECT count(*) FROM changes");
  rv1::SchoolClass out;
  struct Case {
    std::string parent;
    rv1::SchoolClass c;
    std::string id;
    grpc::StatusCode code;
    std::string field;
  };
  rv1::SchoolClass other_room = Class(cv1::GRADE_1, 1);
  other_room.set_home_classroom("schools/" + Code(99) + "/classrooms/r1");
  rv1::SchoolClass missing_teacher = Class(cv1::GRADE_1, 2);
  missing_teacher.set_homeroom_teacher("teachers/nobody");
  const std::vector<Case> cases = {
      {"schools/" + Code(98), Class(cv1::GRADE_1, 1), "", grpc::StatusCode::NOT_FOUND, ""},
      {"schools/123", Class(cv1::GRADE_1, 1), "", grpc::StatusCode::INVALID_ARGUMENT, "parent"},
      {school, Class(cv1::GRADE_1, 1), "Bad_Id", grpc::StatusCode::INVALID_ARGUMENT, "school_class_id"},
      {school, Class(cv1::GRADE_1, 0), "", grpc::StatusCode::INVALID_ARGUMENT, "school_class.class_number"},
      {school, Class(cv1::GRADE_UNSPECIFIED, 1), "", grpc::StatusCode::INVALID_ARGUMENT, "school_class.grade"},
      {school, Class(cv1::GRADE_1, 1, 201), "", grpc::StatusCode::INVALID_ARGUMENT, "school_class.pupil_count"},
      {school, other_room, "", grpc::StatusCode::INVALID_ARGUMENT, "school_class.home_classroom"},
      {school, Class(cv1::GRADE_7, 1), "", grpc::StatusCode::FAILED_PRECONDITION, "school_class.grade"},
      {school, missing_teacher, "", grpc::StatusCode::FAILED_PRECONDITION, "school_class.homeroom_teacher"},
  };
  for (const auto& k : cases) {
    grpc::Status st = CreateClass(k.parent, k.c, &out, k.id);
    EXPECT_EQ(st.error_code(), k.code) << k.parent << " " << k.c.ShortDebugString() << ": " << st.error_message();
    if (!k.field.empty()) {
      EXPECT_TRUE(HasField(st, k.field)) << k.field << ": " << st.error_message();
    }
  }
  // A live class with the same grade and number, or a taken id: ALREADY_EXISTS.
  ASSERT_TRUE(CreateClass(school, Class(cv1::GRADE_2, 1), &out, "g2-1").ok());
  EXPECT_EQ(CreateClass(school, Class(cv1::GRADE_2, 1), &out).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(CreateClass(school, Class(cv1::GRADE_2, 2), &out, "g2-1").error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Count("SELECT count(*) FROM school_classes"), before + 1);
  EXPECT_EQ(Count("SELECT count(*) FROM changes"), changes + 1);

  rv1::ListSchoolClassesRequest list;
  list.set_parent(school);
  list.set_page_size(-1);
  rv1::ListSchoolClassesResponse resp;
  grpc::Status st = Call(&Stub::ListSchoolClasses, stub(), list, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(st, "page_size"));
  list.set_page_size(0);
  list.set_filter("colour = red");
  EXPECT_TRUE(HasField(Call(&Stub::ListSchoolClasses, stub(), list, &resp), "filter"));
  list.set_filter("grade = GRADE_13");
  EXPECT_TRUE(HasField(Call(&Stub::ListSchoolClasses, stub(), list, &resp), "filter"));
  list.clear_filter();
  list.set_order_by("pupil_count");
  EXPECT_TRUE(HasField(Call(&Stub::ListSchoolClasses, stub(), list, &resp), "order_by"));

  rv1::GetSchoolClassRequest get;
  get.set_name(school + "/class/g2-1");
  st = Call(&Stub::GetSchoolClass, stub(), get, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(st, "name"));
  get.set_name(school + "/classes/none");
  EXPECT_EQ(Call(&Stub::GetSchoolClass, stub(), get, &out).error_code(), grpc::StatusCode::NOT_FOUND);

  rv1::UpdateSchoolClassRequest up;
  up.mutable_school_class()->set_name(school + "/classes/g2-1");
  up.mutable_update_mask()->add_paths("colour");
  st = Call(&Stub::UpdateSchoolClass, stub(), up, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(HasField(st, "update_mask.paths[0]"));
  up.mutable_update_mask()->set_paths(0, "school");
  EXPECT_TRUE(HasField(Call(&Stub::UpdateSchoolClass, stub(), up, &out), "update_mask.paths[0]"));
  up.mutable_update_mask()->set_paths(0, "class_number");
  up.mutable_school_class()->set_class_number(100);
  EXPECT_TRUE(HasField(Call(&Stub::UpdateSchoolClass, stub(), up, &out), "school_class.class_number"));
  EXPECT_EQ(Count("SELECT count(*) FROM changes"), changes + 1);
}

TEST_F(Roster, CreateRetriedWithTheSameRequestIdActsOnce) {
  const std::string school = NewSchool(3);
  rv1::SchoolClass first, again;
  ASSERT_TRUE(
      CreateClass(school, Class(cv1::GRADE_5, 1), &first, "", kProvince, "4b1f7c1e-0000-4000-8000-000000000001").ok());
  ASSERT_TRUE(
      CreateClass(school, Class(cv1::GRADE_5, 1), &again, "", kProvince, "4b1f7c1e-0000-4000-8000-000000000001").ok());
  EXPECT_EQ(first.name(), again.name());  // the generated id is the first answer's
  EXPECT_EQ(Count("SELECT count(*) FROM school_classes WHERE school_code = '" + Code(3) + "'"), 1);
  EXPECT_EQ(CreateClass(school, Class(cv1::GRADE_5, 2), &again, "", kProvince, "4b1f7c1e-0000-4000-8000-000000000001")
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

// ---- classrooms -----------------------------------------------------------------

TEST_F(Roster, ClassroomsOfEveryKindWithStreamsAndFilters) {
  const std::string school = NewSchool(4);
  rv1::Classroom rec, ordinary, ai, out;
  ASSERT_TRUE(CreateRoom(school, Room("录播教室一", rv1::CLASSROOM_KIND_RECORDING, 60), &rec, "rec-1").ok());
  EXPECT_EQ(rec.max_outgoing_streams(), 1);  // 0 sent for a sending room: 1
  ASSERT_TRUE(CreateRoom(school, Room("三(1)班教室", rv1::CLASSROOM_KIND_ORDINARY, 45), &ordinary, "room-301").ok());
  rv1::Classroom ai_room = Room("AI录播教室", rv1::CLASSROOM_KIND_RECORDING, 80, 4);
  ai_room.set_ai_analysis(true);
  ai_room.set_location("综合楼 302");
  ASSERT_TRUE(CreateRoom(school, ai_room, &ai, "ai-1").ok());
  EXPECT_EQ(ai.max_outgoing_streams(), 4);
  EXPECT_EQ(CreateRoom(school, Room("普通教室", rv1::CLASSROOM_KIND_ORDINARY, 45, 1), &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  grpc::Status st = CreateRoom(school, Room("录播", rv1::CLASSROOM_KIND_RECORDING, 0), &out);
  EXPECT_TRUE(HasField(st, "classroom.capacity"));
  EXPECT_EQ(CreateRoom(school, Room("录播", rv1::CLASSROOM_KIND_RECORDING, 10), &out, "rec-1").error_code(),
            grpc::StatusCode::ALREADY_EXISTS);

  rv1::ListClassroomsRequest list;
  list.set_parent(school);
  rv1::ListClassroomsResponse resp;
  ASSERT_TRUE(Call(&Stub::ListClassrooms, stub(), list, &resp).ok());
  ASSERT_EQ(resp.classrooms_size(), 3);
  list.set_filter("kind = CLASSROOM_KIND_RECORDING AND ai_analysis = true");
  ASSERT_TRUE(Call(&Stub::ListClassrooms, stub(), list, &resp).ok());
  ASSERT_EQ(resp.classrooms_size(), 1);
  EXPECT_EQ(resp.classrooms(0).name(), ai.name());
  list.set_filter("kind != CLASSROOM_KIND_ORDINARY");
  list.set_order_by("capacity desc");
  ASSERT_TRUE(Call(&Stub::ListClassrooms, stub(), list, &resp).ok());
  ASSERT_EQ(resp.classrooms_size(), 2);
  EXPECT_EQ(resp.classrooms(0).name(), ai.name());
  list.set_filter("capacity >= 50 AND capacity <= 70");
  list.clear_order_by();
  ASSERT_TRUE(Call(&Stub::ListClassrooms, stub(), list, &resp).ok());
  ASSERT_EQ(resp.classrooms_size(), 1);
  EXPECT_EQ(resp.classrooms(0).name(), rec.name());
  list.set_filter("ai_analysis = maybe");
  EXPECT_TRUE(HasField(Call(&Stub::ListClassrooms, stub(), list, &resp), "filter"));

  // Turning a recording room into an ordinary one needs its streams at 0.
  rv1::UpdateClassroomRequest up;
  *up.mutable_classroom() = ai;
  up.mutable_classroom()->set_kind(rv1::CLASSROOM_KIND_ORDINARY);
  up.mutable_update_mask()->add_paths("kind");
  st = Call(&Stub::UpdateClassroom, stub(), up, &out);
  EXPECT_TRUE(HasField(st, "classroom.max_outgoing_streams")) << st.error_message();
  up.mutable_classroom()->set_max_outgoing_streams(0);
  up.mutable_update_mask()->add_paths("max_outgoing_streams");
  ASSERT_TRUE(Call(&Stub::UpdateClassroom, stub(), up, &out).ok());
  EXPECT_EQ(out.kind(), rv1::CLASSROOM_KIND_ORDINARY);
  EXPECT_EQ(out.location(), "综合楼 302");

  // A class can name its home classroom; a deleted room cannot be named.
  rv1::SchoolClass c;
  rv1::SchoolClass with_room = Class(cv1::GRADE_3, 1);
  with_room.set_home_classroom(ordinary.name());
  ASSERT_TRUE(CreateClass(school, with_room, &c).ok());
  rv1::DeleteClassroomRequest del;
  del.set_name(ordinary.name());
  del.set_etag("7");
  EXPECT_EQ(Call(&Stub::DeleteClassroom, stub(), del, &out).error_code(), grpc::StatusCode::ABORTED);
  del.set_etag(ordinary.etag());
  ASSERT_TRUE(Call(&Stub::DeleteClassroom, stub(), del, &out).ok());
  with_room.set_class_number(2);
  st = CreateClass(school, with_room, &c);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(HasField(st, "school_class.home_classroom"));
  rv1::UndeleteClassroomRequest undel;
  undel.set_name(ordinary.name());
  ASSERT_TRUE(Call(&Stub::UndeleteClassroom, stub(), undel, &out).ok());
  EXPECT_EQ(out.etag(), "3");
}

// ---- access ---------------------------------------------------------------------

TEST_F(Roster, EachRoleHitsItsWallOnClassesAndClassrooms) {
  const std::string mine = NewSchool(5), other = NewSchool(6);
  const std::string yinjiang = NewSchool(7, "520625");
  rv1::SchoolClass c, out;
  rv1::Classroom room;
  ASSERT_TRUE(CreateClass(mine, Class(cv1::GRADE_1, 1), &c, "g1-1").ok());
  const std::string mine_code = mine.substr(8), other_code = other.substr(8);

  // School admin: writes its own school only, before any validation.
  EXPECT_TRUE(CreateClass(mine, Class(cv1::GRADE_1, 2), &out, "", SchoolAdmin(mine_code)).ok());
  EXPECT_EQ(CreateClass(other, Class(cv1::GRADE_1, 2), &out, "", SchoolAdmin(mine_code)).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CreateClass(other, Class(cv1::GRADE_1, 0), &out, "", SchoolAdmin(mine_code)).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(
      CreateRoom(mine, Room("录播教室", rv1::CLASSROOM_KIND_RECORDING, 50), &room, "", SchoolAdmin(mine_code)).ok());
  EXPECT_EQ(CreateRoom(other, Room("录播教室", rv1::CLASSROOM_KIND_RECORDING, 50), &room, "", SchoolAdmin(mine_code))
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  rv1::DeleteSchoolClassRequest del;
  del.set_name(c.name());
  EXPECT_EQ(Call(&Stub::DeleteSchoolClass, stub(), del, &out, SchoolAdmin(other_code)).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // Teacher: reads every school's classes, writes nothing.
  rv1::GetSchoolClassRequest get;
  get.set_name(c.name());
  EXPECT_TRUE(Call(&Stub::GetSchoolClass, stub(), get, &out, TeacherOf(other_code)).ok());
  EXPECT_EQ(CreateClass(mine, Class(cv1::GRADE_1, 3), &out, "", TeacherOf(mine_code)).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(&Stub::DeleteSchoolClass, stub(), del, &out, TeacherOf(mine_code)).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // County bureau: its region prefix only, reads and writes; outside it
  // cannot even tell whether a class exists.
  EXPECT_TRUE(CreateClass(mine, Class(cv1::GRADE_1, 3), &out, "", kCounty).ok());
  EXPECT_TRUE(Call(&Stub::GetSchoolClass, stub(), get, &out, kCounty).ok());
  EXPECT_EQ(Call(&Stub::GetSchoolClass, stub(), get, &out, kOtherCounty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  get.set_name(mine + "/classes/does-not-exist");
  EXPECT_EQ(Call(&Stub::GetSchoolClass, stub(), get, &out, kOtherCounty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  get.set_name("schools/" + Code(97) + "/classes/x");
  EXPECT_EQ(Call(&Stub::GetSchoolClass, stub(), get, &out, kOtherCounty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CreateClass(mine, Class(cv1::GRADE_1, 4), &out, "", kOtherCounty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(CreateClass(yinjiang, Class(cv1::GRADE_1, 1), &out, "", kOtherCounty).ok());
  rv1::ListSchoolClassesRequest list;
  list.set_parent("schools/-");
  rv1::ListSchoolClassesResponse resp;
  ASSERT_TRUE(Call(&Stub::ListSchoolClasses, stub(), list, &resp, kOtherCounty).ok());
  for (const auto& k : resp.school_classes()) EXPECT_EQ(k.school(), yinjiang);
  EXPECT_GE(resp.school_classes_size(), 1);
  list.set_parent(mine);
  EXPECT_EQ(Call(&Stub::ListSchoolClasses, stub(), list, &resp, kOtherCounty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// ---- change feed and events -------------------------------------------------------

TEST_F(Roster, ClassAndClassroomChangesReachTheFeedWithTombstonesAndEvents) {
  const std::string school = NewSchool(8);
  const std::string code = school.substr(8);
  rv1::SchoolClass c, out;
  rv1::Classroom room, rout;
  ASSERT_TRUE(CreateClass(school, Class(cv1::GRADE_6, 3), &c, "g6-3").ok());
  ASSERT_TRUE(CreateRoom(school, Room("录播教室", rv1::CLASSROOM_KIND_RECORDING, 50), &room, "rec").ok());
  rv1::UpdateSchoolClassRequest up;
  *up.mutable_school_class() = c;
  up.mutable_school_class()->set_pupil_count(38);
  up.mutable_update_mask()->add_paths("pupil_count");
  ASSERT_TRUE(Call(&Stub::UpdateSchoolClass, stub(), up, &out).ok());
  rv1::DeleteSchoolClassRequest del;
  del.set_name(c.name());
  ASSERT_TRUE(Call(&Stub::DeleteSchoolClass, stub(), del, &out).ok());
  rv1::DeleteClassroomRequest rdel;
  rdel.set_name(room.name());
  ASSERT_TRUE(Call(&Stub::DeleteClassroom, stub(), rdel, &rout).ok());

  rv1::ListChangesRequest req;
  req.set_filter("school_code = " + code + " AND resource_type != RESOURCE_TYPE_SCHOOL");
  rv1::ListChangesResponse feed;
  ASSERT_TRUE(Call(&Stub::ListChanges, stub(), req, &feed).ok());
  ASSERT_EQ(feed.changes_size(), 5);
  EXPECT_EQ(feed.changes(0).resource_type(), rv1::RESOURCE_TYPE_SCHOOL_CLASS);
  EXPECT_EQ(feed.changes(0).kind(), rv1::CHANGE_KIND_CREATED);
  EXPECT_EQ(feed.changes(0).school_class().name(), c.name());
  EXPECT_EQ(feed.changes(1).resource_type(), rv1::RESOURCE_TYPE_CLASSROOM);
  EXPECT_EQ(feed.changes(2).kind(), rv1::CHANGE_KIND_UPDATED);
  EXPECT_EQ(feed.changes(2).changed_fields().paths(0), "pupil_count");
  EXPECT_EQ(feed.changes(2).version(), 2);
  const auto& tomb = feed.changes(3);
  EXPECT_EQ(tomb.kind(), rv1::CHANGE_KIND_DELETED);
  EXPECT_FALSE(tomb.has_school_class());
  EXPECT_EQ(tomb.name(), c.name());
  EXPECT_EQ(tomb.natural_key().school_code(), code);
  EXPECT_EQ(tomb.natural_key().grade(), "GRADE_6");
  EXPECT_EQ(tomb.natural_key().class_number(), 3);
  EXPECT_EQ(feed.changes(4).natural_key().resource_id(), "rec");
  EXPECT_FALSE(feed.changes(4).has_classroom());

  EXPECT_EQ(server_->EventTypes(c.name()),
            (std::vector<std::string>{"school_class:SchoolClassChanged", "school_class:SchoolClassChanged",
                                      "school_class:SchoolClassDeleted"}));
  EXPECT_EQ(server_->EventTypes(room.name()),
            (std::vector<std::string>{"classroom:ClassroomChanged", "classroom:ClassroomDeleted"}));
}

// ---- teachers ---------------------------------------------------------------------

TEST_F(Roster, TeachersAreCreatedReadListedUpdatedDeletedAndRestored) {
  const std::string school = NewSchool(20);
  rv1::Teacher wang, li, out;
  ASSERT_TRUE(CreateTeacher(school, "ZJ2001", &wang, "wang-li", kProvince, [](rv1::Teacher& t) {
                t.set_display_name("王丽");
                t.add_subjects()->set_code(cv1::SUBJECT_CODE_CHINESE);
                t.set_title(rv1::TEACHER_TITLE_ASSOCIATE_SENIOR);
                t.add_honours()->set_kind(rv1::HONOUR_KIND_SUBJECT_LEADER);
                t.add_stages(cv1::SCHOOL_STAGE_PRIMARY);
              }).ok());
  ASSERT_TRUE(CreateTeacher(school, "ZJ2002", &li).ok());
  EXPECT_EQ(wang.name(), "teachers/wang-li");
  EXPECT_EQ(wang.school(), school);
  EXPECT_EQ(wang.employment_status(), rv1::EMPLOYMENT_STATUS_ACTIVE);  // unset reads as ACTIVE
  ASSERT_EQ(wang.school_stints_size(), 1);
  EXPECT_EQ(wang.school_stints(0).school(), school);
  EXPECT_EQ(wang.school_stints(0).reason(), rv1::MOVE_REASON_INITIAL);
  EXPECT_FALSE(wang.school_stints(0).has_end_date());
  EXPECT_EQ(li.name().rfind("teachers/t-", 0), 0u);

  rv1::GetTeacherRequest get;
  get.set_name(wang.name());
  ASSERT_TRUE(Call(&Stub::GetTeacher, stub(), get, &out).ok());
  EXPECT_EQ(out.display_name(), "王丽");
  EXPECT_EQ(out.honours(0).kind(), rv1::HONOUR_KIND_SUBJECT_LEADER);

  rv1::ListTeachersRequest list;
  rv1::ListTeachersResponse resp;
  list.set_filter("school = \"" + school + "\" AND subject = SUBJECT_CODE_CHINESE");
  ASSERT_TRUE(Call(&Stub::ListTeachers, stub(), list, &resp).ok());
  ASSERT_EQ(resp.teachers_size(), 1);
  EXPECT_EQ(resp.teachers(0).name(), wang.name());
  list.set_filter("school = \"" + school + "\" AND title >= TEACHER_TITLE_FIRST_GRADE");
  ASSERT_TRUE(Call(&Stub::ListTeachers, stub(), list, &resp).ok());
  ASSERT_EQ(resp.teachers_size(), 1);
  list.set_filter("school = \"" + school + "\" AND honour = HONOUR_KIND_SUBJECT_LEADER AND display_name:\"王\"");
  ASSERT_TRUE(Call(&Stub::ListTeachers, stub(), list, &resp).ok());
  ASSERT_EQ(resp.teachers_size(), 1);
  list.set_filter("school = \"" + school + "\"");
  list.set_order_by("staff_number desc");
  list.set_page_size(1);
  ASSERT_TRUE(Call(&Stub::ListTeachers, stub(), list, &resp).ok());
  ASSERT_EQ(resp.teachers_size(), 1);
  EXPECT_EQ(resp.teachers(0).staff_number(), "ZJ2002");
  EXPECT_EQ(resp.total_size(), 2);
  list.set_page_token(resp.next_page_token());
  ASSERT_TRUE(Call(&Stub::ListTeachers, stub(), list, &resp).ok());
  ASSERT_EQ(resp.teachers_size(), 1);
  EXPECT_EQ(resp.teachers(0).staff_number(), "ZJ2001");
  list.set_order_by("staff_number");  // a token is pinned to its request
  EXPECT_TRUE(HasField(Call(&Stub::ListTeachers, stub(), list, &resp), "page_token"));

  rv1::UpdateTeacherRequest up;
  *up.mutable_teacher() = wang;
  up.mutable_teacher()->set_title(rv1::TEACHER_TITLE_SENIOR);
  up.mutable_teacher()->set_position("教研组长");
  up.mutable_update_mask()->add_paths("title");
  up.mutable_update_mask()->add_paths("position");
  ASSERT_TRUE(Call(&Stub::UpdateTeacher, stub(), up, &out).ok());
  EXPECT_EQ(out.title(), rv1::TEACHER_TITLE_SENIOR);
  EXPECT_EQ(out.school_stints_size(), 1);
  EXPECT_EQ(Call(&Stub::UpdateTeacher, stub(), up, &out).error_code(), grpc::StatusCode::ABORTED);
  for (const char* path : {"school", "staff_number", "school_stints", "nickname"}) {
    up.mutable_update_mask()->Clear();
    up.mutable_update_mask()->add_paths(path);
    grpc::Status st = Call(&Stub::UpdateTeacher, stub(), up, &out);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << path;
    EXPECT_TRUE(HasField(st, "update_mask.paths[0]")) << path;
  }

  rv1::DeleteTeacherRequest del;
  del.set_name(li.name());
  ASSERT_TRUE(Call(&Stub::DeleteTeacher, stub(), del, &out).ok());
  EXPECT_TRUE(out.audit().has_delete_time());
  list.clear_page_token();
  list.set_page_size(0);
  ASSERT_TRUE(Call(&Stub::ListTeachers, stub(), list, &resp).ok());
  EXPECT_EQ(resp.total_size(), 1);
  list.set_show_deleted(true);
  ASSERT_TRUE(Call(&Stub::ListTeachers, stub(), list, &resp).ok());
  EXPECT_EQ(resp.total_size(), 2);
  // A deleted teacher's staff number stays taken.
  EXPECT_EQ(CreateTeacher(school, "ZJ2002", &out).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  rv1::UndeleteTeacherRequest undel;
  undel.set_name(li.name());
  ASSERT_TRUE(Call(&Stub::UndeleteTeacher, stub(), undel, &out).ok());
  EXPECT_EQ(Call(&Stub::UndeleteTeacher, stub(), undel, &out).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(Roster, BadTeachersAreRefusedWithTheFieldNamed) {
  const std::string school = NewSchool(21);
  const std::string gone = NewSchool(22);
  rv1::DeleteSchoolRequest del_school;
  del_school.set_name(gone);
  rv1::School s;
  ASSERT_TRUE(Call(&Stub::DeleteSchool, stub(), del_school, &s).ok());
  const int64_t before = Count("SELECT count(*) FROM teachers");
  rv1::Teacher out;
  EXPECT_EQ(CreateTeacher("schools/" + Code(96), "ZJ2101", &out).error_code(), grpc::StatusCode::NOT_FOUND);
  grpc::Status st = CreateTeacher(gone, "ZJ2102", &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(HasField(st, "teacher.school"));
  st = CreateTeacher(school, "ZJ-21", &out);
  EXPECT_TRUE(HasField(st, "teacher.staff_number"));
  st = CreateTeacher(school, "ZJ2103", &out, "", kProvince, [](rv1::Teacher& t) {
    t.clear_subjects();
    t.clear_title();
  });
  EXPECT_TRUE(HasField(st, "teacher.subjects"));
  EXPECT_TRUE(HasField(st, "teacher.title"));
  st = CreateTeacher(school, "ZJ2104", &out, "", kProvince,
                     [](rv1::Teacher& t) { t.mutable_party_membership()->clear_organization(); });
  EXPECT_TRUE(HasField(st, "teacher.party_membership.organization"));
  st = CreateTeacher(school, "ZJ2105", &out, "", kProvince,
                     [](rv1::Teacher& t) { t.add_stages(cv1::SCHOOL_STAGE_JUNIOR_MIDDLE); });
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(HasField(st, "teacher.stages[0]"));
  st = CreateTeacher(school, "ZJ2106", &out, "Teacher_1");
  EXPECT_TRUE(HasField(st, "teacher_id"));
  EXPECT_EQ(Count("SELECT count(*) FROM teachers"), before);

  rv1::ListTeachersRequest list;
  rv1::ListTeachersResponse resp;
  list.set_page_size(-5);
  EXPECT_TRUE(HasField(Call(&Stub::ListTeachers, stub(), list, &resp), "page_size"));
  list.set_page_size(0);
  list.set_filter("title > TEACHER_TITLE_NONE");
  EXPECT_TRUE(HasField(Call(&Stub::ListTeachers, stub(), list, &resp), "filter"));
  list.set_filter("subject = SUBJECT_CODE_ASTROLOGY");
  EXPECT_TRUE(HasField(Call(&Stub::ListTeachers, stub(), list, &resp), "filter"));
  rv1::GetTeacherRequest get;
  get.set_name("teachers/");
  EXPECT_TRUE(HasField(Call(&Stub::GetTeacher, stub(), get, &out), "name"));
  get.set_name("teachers/nobody");
  EXPECT_EQ(Call(&Stub::GetTeacher, stub(), get, &out).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(Roster, HomeroomTeachersBelongToTheSchoolAndStayWhileTheyLeadAClass) {
  const std::string school = NewSchool(23), other = NewSchool(24);
  rv1::Teacher zhang, chen, out;
  ASSERT_TRUE(CreateTeacher(school, "ZJ2301", &zhang, "zhang").ok());
  ASSERT_TRUE(CreateTeacher(other, "ZJ2302", &chen, "chen").ok());
  rv1::SchoolClass c = Class(cv1::GRADE_2, 1), made;
  c.set_homeroom_teacher(chen.name());
  grpc::Status st = CreateClass(school, c, &made);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(HasField(st, "school_class.homeroom_teacher"));
  c.set_homeroom_teacher(zhang.name());
  ASSERT_TRUE(CreateClass(school, c, &made).ok());
  rv1::ListSchoolClassesRequest list;
  list.set_parent(school);
  list.set_filter("homeroom_teacher = " + zhang.name());
  rv1::ListSchoolClassesResponse classes;
  ASSERT_TRUE(Call(&Stub::ListSchoolClasses, stub(), list, &classes).ok());
  ASSERT_EQ(classes.school_classes_size(), 1);

  rv1::DeleteTeacherRequest del;
  del.set_name(zhang.name());
  st = Call(&Stub::DeleteTeacher, stub(), del, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(HasField(st, "name"));
  EXPECT_EQ(Move(zhang, other, D(2030, 9, 1), &out).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(Roster, MovesKeepTheHistoryAndReachTheFeed) {
  const std::string xianju = NewSchool(30), duiyang = NewSchool(31), gone = NewSchool(32);
  const std::string yinjiang = NewSchool(33, "520625");
  rv1::DeleteSchoolRequest del_school;
  del_school.set_name(gone);
  rv1::School s;
  ASSERT_TRUE(Call(&Stub::DeleteSchool, stub(), del_school, &s).ok());
  rv1::Teacher t, moved, out;
  ASSERT_TRUE(CreateTeacher(xianju, "ZJ3001", &t, "liu").ok());
  const google::type::Date started = t.school_stints(0).start_date();
  const google::type::Date next_year = D(started.year() + 1, 9, 1);

  // Bad moves change nothing.
  EXPECT_TRUE(HasField(Move(t, xianju, next_year, &out), "target_school"));
  EXPECT_TRUE(HasField(Move(t, duiyang, started, &out), "effective_date"));
  EXPECT_TRUE(HasField(Move(t, duiyang, next_year, &out, kProvince, rv1::MOVE_REASON_INITIAL), "reason"));
  grpc::Status st = Move(t, gone, next_year, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(HasField(st, "target_school"));
  EXPECT_EQ(Move(t, "schools/" + Code(95), next_year, &out).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  // Who may move: the county of both schools or the province; nobody else.
  EXPECT_EQ(Move(t, yinjiang, next_year, &out, kCounty).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Move(t, duiyang, next_year, &out, SchoolAdmin(xianju.substr(8))).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Move(t, duiyang, next_year, &out, TeacherOf(xianju.substr(8))).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  rv1::MoveTeacherRequest stale;
  stale.set_name(t.name());
  stale.set_target_school(duiyang);
  *stale.mutable_effective_date() = next_year;
  stale.set_reason(rv1::MOVE_REASON_TRANSFER);
  stale.set_etag("9");
  EXPECT_EQ(Call(&Stub::MoveTeacher, stub(), stale, &out).error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(Count("SELECT count(*) FROM changes WHERE resource_type = 4 AND school_code = '" + xianju.substr(8) + "'"),
            1);

  ASSERT_TRUE(Move(t, duiyang, next_year, &moved, kCounty).ok());
  EXPECT_EQ(moved.school(), duiyang);
  ASSERT_EQ(moved.school_stints_size(), 2);
  EXPECT_EQ(moved.school_stints(0).school(), xianju);
  EXPECT_EQ(moved.school_stints(0).end_date().month(), 8);
  EXPECT_EQ(moved.school_stints(0).end_date().day(), 31);
  EXPECT_EQ(moved.school_stints(1).school(), duiyang);
  EXPECT_EQ(moved.school_stints(1).reason(), rv1::MOVE_REASON_ROTATION);
  EXPECT_EQ(moved.school_stints(1).note(), "交流轮岗");
  // … and back the next year: the history keeps all three stints.
  ASSERT_TRUE(Move(moved, xianju, D(next_year.year() + 1, 9, 1), &moved).ok());
  ASSERT_EQ(moved.school_stints_size(), 3);
  EXPECT_TRUE(moved.school_stints(1).has_end_date());
  // Now the old school's admin writes her again, the other school's no longer.
  rv1::UpdateTeacherRequest up;
  up.mutable_teacher()->set_name(t.name());
  up.mutable_teacher()->set_position("副校长");
  up.mutable_update_mask()->add_paths("position");
  EXPECT_TRUE(Call(&Stub::UpdateTeacher, stub(), up, &out, SchoolAdmin(xianju.substr(8))).ok());
  EXPECT_EQ(Call(&Stub::UpdateTeacher, stub(), up, &out, SchoolAdmin(duiyang.substr(8))).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  rv1::ListChangesRequest req;
  req.set_filter("resource_type = RESOURCE_TYPE_TEACHER AND school_code = " + duiyang.substr(8));
  rv1::ListChangesResponse feed;
  ASSERT_TRUE(Call(&Stub::ListChanges, stub(), req, &feed).ok());
  ASSERT_EQ(feed.changes_size(), 1);
  EXPECT_EQ(feed.changes(0).kind(), rv1::CHANGE_KIND_UPDATED);
  EXPECT_EQ(feed.changes(0).changed_fields().paths(0), "school");
  EXPECT_EQ(feed.changes(0).natural_key().staff_number(), "ZJ3001");
  EXPECT_EQ(feed.changes(0).teacher().school(), duiyang);
  EXPECT_EQ(server_->EventTypes(t.name()),
            (std::vector<std::string>{"teacher:TeacherChanged", "teacher:TeacherChanged", "teacher:TeacherMoved",
                                      "teacher:TeacherChanged", "teacher:TeacherMoved", "teacher:TeacherChanged"}));

  // A retired teacher does not move.
  rv1::Teacher retired;
  ASSERT_TRUE(CreateTeacher(xianju, "ZJ3002", &retired, "", kProvince, [](rv1::Teacher& x) {
                x.set_employment_status(rv1::EMPLOYMENT_STATUS_RETIRED);
              }).ok());
  EXPECT_EQ(Move(retired, duiyang, next_year, &out).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(Roster, EachRoleHitsItsWallOnTeachers) {
  const std::string mine = NewSchool(40), other = NewSchool(41);
  const std::string mine_code = mine.substr(8), other_code = other.substr(8);
  rv1::Teacher t, out;
  ASSERT_TRUE(CreateTeacher(mine, "ZJ4001", &t, "", SchoolAdmin(mine_code)).ok());
  EXPECT_EQ(CreateTeacher(other, "ZJ4002", &out, "", SchoolAdmin(mine_code)).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CreateTeacher(mine, "ZJ4003", &out, "", TeacherOf(mine_code)).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CreateTeacher(mine, "ZJ4004", &out, "", kOtherCounty).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(CreateTeacher(mine, "ZJ4005", &out, "", kCounty).ok());
  rv1::DeleteTeacherRequest del;
  del.set_name(t.name());
  EXPECT_EQ(Call(&Stub::DeleteTeacher, stub(), del, &out, SchoolAdmin(other_code)).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(&Stub::DeleteTeacher, stub(), del, &out, TeacherOf(mine_code)).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // Teachers read every teacher, Party fields only of their own school's.
  rv1::GetTeacherRequest get;
  get.set_name(t.name());
  ASSERT_TRUE(Call(&Stub::GetTeacher, stub(), get, &out, TeacherOf(mine_code)).ok());
  EXPECT_EQ(out.party_membership().status(), rv1::PARTY_MEMBERSHIP_STATUS_FULL);
  ASSERT_TRUE(Call(&Stub::GetTeacher, stub(), get, &out, TeacherOf(other_code)).ok());
  EXPECT_FALSE(out.has_party_membership());
  EXPECT_EQ(out.display_name(), t.display_name());
  rv1::ListTeachersRequest list;
  list.set_filter("school = \"" + mine + "\"");
  rv1::ListTeachersResponse resp;
  ASSERT_TRUE(Call(&Stub::ListTeachers, stub(), list, &resp, TeacherOf(other_code)).ok());
  ASSERT_GE(resp.teachers_size(), 1);
  for (const auto& x : resp.teachers()) EXPECT_FALSE(x.has_party_membership());

  // A county bureau outside the region sees none of them and cannot probe.
  EXPECT_EQ(Call(&Stub::GetTeacher, stub(), get, &out, kOtherCounty).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  get.set_name("teachers/no-such-teacher");
  EXPECT_EQ(Call(&Stub::GetTeacher, stub(), get, &out, kOtherCounty).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(&Stub::ListTeachers, stub(), list, &resp, kOtherCounty).ok());
  EXPECT_EQ(resp.teachers_size(), 0);
}

TEST_F(Roster, TeacherTombstonesCarryTheStaffNumber) {
  const std::string school = NewSchool(50);
  rv1::Teacher t, out;
  ASSERT_TRUE(CreateTeacher(school, "ZJ5001", &t).ok());
  rv1::DeleteTeacherRequest del;
  del.set_name(t.name());
  ASSERT_TRUE(Call(&Stub::DeleteTeacher, stub(), del, &out).ok());
  rv1::ListChangesRequest req;
  req.set_filter("resource_type = RESOURCE_TYPE_TEACHER AND school_code = " + school.substr(8));
  rv1::ListChangesResponse feed;
  ASSERT_TRUE(Call(&Stub::ListChanges, stub(), req, &feed).ok());
  ASSERT_EQ(feed.changes_size(), 2);
  EXPECT_EQ(feed.changes(1).kind(), rv1::CHANGE_KIND_DELETED);
  EXPECT_FALSE(feed.changes(1).has_teacher());
  EXPECT_EQ(feed.changes(1).natural_key().staff_number(), "ZJ5001");
  EXPECT_EQ(feed.changes(1).natural_key().school_code(), school.substr(8));
  EXPECT_EQ(server_->EventTypes(t.name()), (std::vector<std::string>{"teacher:TeacherChanged", "teacher:TeacherDeleted"}));
}

}  // namespace
}  // namespace gongtong::registry
