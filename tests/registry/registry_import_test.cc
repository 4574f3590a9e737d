// RegistryService.ImportRows for classes and teachers, in-process against
// real PostgreSQL and Redis: per-row CREATED / UPDATED / UNCHANGED /
// REJECTED (code, field, zh-CN reason), a rejected row leaves nothing, a
// re-run writes nothing, dry runs, the change feed and outbox as for single
// calls, each role's wall, and 10,000 class rows in one stream.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "registry/rpc/registry_service.h"
#include "registry_test_server.h"

namespace gongtong::registry {
namespace {

using Stub = rv1::RegistryService::Stub;
using testing::Call;
using testing::Caller;
using testing::Import;
using testing::ImportRun;
using testing::kProvince;
using testing::RegistryServer;

// Schools of this suite: 仙居 (331024) primaries, and one in 印江 (520625).
std::string Code(int n) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "2133%06d", 700000 + n);
  return buf;
}
std::string GuizhouCode(int n) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "2152%06d", 700000 + n);
  return buf;
}

const Caller kCounty{auth::Role::kCountyBureau, "331024", ""};
const Caller kOtherCounty{auth::Role::kCountyBureau, "520625", ""};
Caller SchoolAdmin(const std::string& code) { return {auth::Role::kSchoolAdmin, "", code}; }

rv1::ImportHeader Header(rv1::ImportEntity entity, std::vector<std::string> columns, bool dry_run = false) {
  rv1::ImportHeader h;
  h.set_entity(entity);
  h.set_format(columns.empty() ? rv1::IMPORT_FORMAT_JSON : rv1::IMPORT_FORMAT_CSV);
  for (auto& c : columns) h.add_columns(c);
  h.set_dry_run(dry_run);
  h.set_source_name("仙居县名册.csv");
  return h;
}

const std::vector<std::string> kClassColumns = {"school_code", "grade", "class_number", "display_name", "pupil_count",
                                                "homeroom_teacher"};
const std::vector<std::string> kTeacherColumns = {"staff_number", "school_code", "display_name", "subjects",
                                                  "title"};

class Importing : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new RegistryServer("regimport");
    for (int n : {1, 2, 3}) CreateSchool(Code(n), "331024");
    CreateSchool(GuizhouCode(1), "520625");
  }
  static void TearDownTestSuite() { delete server_; }

  static void CreateSchool(const std::string& code, const std::string& region) {
    rv1::CreateSchoolRequest req;
    req.mutable_school()->set_school_code(code);
    req.mutable_school()->set_display_name("导入测试小学" + code.substr(6));
    req.mutable_school()->set_region_code(region);
    req.mutable_school()->set_urban_rural_category(rv1::URBAN_RURAL_CATEGORY_VILLAGE);
    req.mutable_school()->set_school_type_code("211");
    rv1::School out;
    grpc::Status s = Call(&Stub::CreateSchool, server_->stub(), req, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  Stub* stub() { return server_->stub(); }
  int64_t Changes() { return server_->Count("SELECT count(*) FROM changes"); }
  int64_t Classes(const std::string& code) {
    return server_->Count("SELECT count(*) FROM school_classes WHERE school_code = '" + code + "'");
  }

  static RegistryServer* server_;
};
RegistryServer* Importing::server_ = nullptr;

TEST_F(Importing, ClassesAreCreatedUpdatedLeftUnchangedOrRejected) {
  const std::string a = Code(1);
  const std::vector<std::string> rows = {
      a + ",3,1,,40,",                        // created, name generated
      a + ",GRADE_3,2,火箭班,41,",            // created
      a + ",GRADE_10,1,,40,",                 // senior grade in a primary school
      a + ",3,150,,40,",                      // class number out of range
      Code(99) + ",3,1,,40,",                 // no such school
      a + ",3,3,,40,T-NOBODY",                // homeroom staff number unknown
      a + ",3,4,\"未闭合,40,",                // broken CSV
  };
  const int64_t changes = Changes();
  ImportRun first = Import(stub(), Header(rv1::IMPORT_ENTITY_SCHOOL_CLASS, kClassColumns), rows);
  ASSERT_TRUE(first.status.ok()) << first.status.error_message();
  ASSERT_EQ(first.results.size(), rows.size());
  EXPECT_EQ(first.results[0].outcome(), rv1::ROW_OUTCOME_CREATED);
  EXPECT_EQ(first.results[1].outcome(), rv1::ROW_OUTCOME_CREATED);
  const struct {
    size_t row;
    google::rpc::Code code;
    std::string field;
  } rejected[] = {{2, google::rpc::FAILED_PRECONDITION, "grade"},
                  {3, google::rpc::INVALID_ARGUMENT, "class_number"},
                  {4, google::rpc::NOT_FOUND, "school_code"},
                  {5, google::rpc::FAILED_PRECONDITION, "homeroom_teacher"},
                  {6, google::rpc::INVALID_ARGUMENT, "text"}};
  for (const auto& r : rejected) {
    const auto& got = first.results[r.row];
    EXPECT_EQ(got.outcome(), rv1::ROW_OUTCOME_REJECTED) << r.row;
    EXPECT_EQ(got.code(), r.code) << r.row << " " << got.reason();
    EXPECT_EQ(got.field(), r.field) << r.row << " " << got.reason();
    EXPECT_FALSE(got.reason().empty());
  }
  EXPECT_NE(first.results[4].reason().find("学校不存在"), std::string::npos) << first.results[4].reason();
  EXPECT_EQ(first.summary.created(), 2);
  EXPECT_EQ(first.summary.rejected(), 5);
  // Rejected rows left nothing; each created class has its feed row and event.
  EXPECT_EQ(Classes(a), 2);
  EXPECT_EQ(Changes(), changes + 2);
  EXPECT_EQ(server_->EventTypes(first.results[0].name()),
            std::vector<std::string>{"school_class:SchoolClassChanged"});
  rv1::GetSchoolClassRequest get;
  get.set_name(first.results[0].name());
  rv1::SchoolClass got;
  ASSERT_TRUE(Call(&Stub::GetSchoolClass, stub(), get, &got).ok());
  EXPECT_EQ(got.display_name(), "三(1)班");
  EXPECT_EQ(got.pupil_count(), 40);

  // The same file again: every applied row UNCHANGED, nothing written.
  ImportRun again = Import(stub(), Header(rv1::IMPORT_ENTITY_SCHOOL_CLASS, kClassColumns), rows);
  ASSERT_TRUE(again.status.ok());
  EXPECT_EQ(again.summary.unchanged(), 2);
  EXPECT_EQ(again.summary.rejected(), 5);
  EXPECT_EQ(again.results[0].name(), first.results[0].name());
  EXPECT_EQ(Changes(), changes + 2);

  // A changed pupil count updates only the listed columns.
  ImportRun update =
      Import(stub(), Header(rv1::IMPORT_ENTITY_SCHOOL_CLASS, {"school_code", "grade", "class_number", "pupil_count"}),
             {a + ",3,1,45", a + ",3,2,41"});
  ASSERT_TRUE(update.status.ok());
  EXPECT_EQ(update.results[0].outcome(), rv1::ROW_OUTCOME_UPDATED);
  EXPECT_EQ(update.results[1].outcome(), rv1::ROW_OUTCOME_UNCHANGED);
  ASSERT_TRUE(Call(&Stub::GetSchoolClass, stub(), get, &got).ok());
  EXPECT_EQ(got.pupil_count(), 45);
  EXPECT_EQ(got.display_name(), "三(1)班");
  EXPECT_EQ(Changes(), changes + 3);
  EXPECT_EQ(server_->EventTypes(first.results[0].name()).size(), 2u);
}

TEST_F(Importing, TeachersThenClassesNamingTheirHomeroomTeacher) {
  const std::string b = Code(2);
  const std::vector<std::string> rows = {
      "TB001," + b + ",王丽,CHINESE|MATHEMATICS,TEACHER_TITLE_FIRST_GRADE",
      "TB002," + b + ",李明,ENGLISH,SECOND_GRADE",
      "TB003," + b + ",赵敏,,TEACHER_TITLE_FIRST_GRADE",  // no subject
      "TB004,,孙强,MUSIC,TEACHER_TITLE_FIRST_GRADE",      // no school to create her in
      "TB 05," + b + ",周杰,MUSIC,TEACHER_TITLE_FIRST_GRADE",  // staff number with a space
  };
  const int64_t changes = Changes();
  ImportRun first = Import(stub(), Header(rv1::IMPORT_ENTITY_TEACHER, kTeacherColumns), rows);
  ASSERT_TRUE(first.status.ok()) << first.status.error_message();
  ASSERT_EQ(first.results.size(), rows.size());
  EXPECT_EQ(first.summary.created(), 2);
  EXPECT_EQ(first.results[2].field(), "subjects");
  EXPECT_EQ(first.results[2].code(), google::rpc::INVALID_ARGUMENT);
  EXPECT_EQ(first.results[3].field(), "school_code");
  EXPECT_EQ(first.results[4].field(), "staff_number");
  EXPECT_EQ(server_->Count("SELECT count(*) FROM teachers WHERE staff_number IN ('TB003', 'TB004', 'TB 05')"), 0);
  EXPECT_EQ(Changes(), changes + 2);
  EXPECT_EQ(server_->EventTypes(first.results[0].name()), std::vector<std::string>{"teacher:TeacherChanged"});

  ImportRun again = Import(stub(), Header(rv1::IMPORT_ENTITY_TEACHER, kTeacherColumns), rows);
  EXPECT_EQ(again.summary.unchanged(), 2);
  EXPECT_EQ(Changes(), changes + 2);

  // An update by staff number; a row naming another school is no move.
  ImportRun update = Import(stub(), Header(rv1::IMPORT_ENTITY_TEACHER, {"staff_number", "school_code", "display_name"}),
                            {"TB001," + b + ",王莉", "TB002," + Code(3) + ",李明"});
  ASSERT_TRUE(update.status.ok());
  EXPECT_EQ(update.results[0].outcome(), rv1::ROW_OUTCOME_UPDATED);
  EXPECT_EQ(update.results[1].outcome(), rv1::ROW_OUTCOME_REJECTED);
  EXPECT_EQ(update.results[1].code(), google::rpc::FAILED_PRECONDITION);
  EXPECT_EQ(update.results[1].field(), "school_code");
  rv1::GetTeacherRequest get;
  get.set_name(first.results[0].name());
  rv1::Teacher t;
  ASSERT_TRUE(Call(&Stub::GetTeacher, stub(), get, &t).ok());
  EXPECT_EQ(t.display_name(), "王莉");
  ASSERT_EQ(t.school_stints_size(), 1);

  // Classes name their homeroom teacher by staff number; one of another school is refused.
  ImportRun classes = Import(stub(), Header(rv1::IMPORT_ENTITY_SCHOOL_CLASS, kClassColumns),
                             {b + ",4,1,,38,TB001", Code(3) + ",4,1,,38,TB002"});
  ASSERT_TRUE(classes.status.ok());
  EXPECT_EQ(classes.results[0].outcome(), rv1::ROW_OUTCOME_CREATED);
  EXPECT_EQ(classes.results[1].code(), google::rpc::FAILED_PRECONDITION);
  EXPECT_EQ(classes.results[1].field(), "homeroom_teacher");
  rv1::GetSchoolClassRequest get_class;
  get_class.set_name(classes.results[0].name());
  rv1::SchoolClass c;
  ASSERT_TRUE(Call(&Stub::GetSchoolClass, stub(), get_class, &c).ok());
  EXPECT_EQ(c.homeroom_teacher(), first.results[0].name());
}

TEST_F(Importing, TeacherJsonRowsCarryHonours) {
  const std::string c = Code(3);
  const std::string row = R"({"staffNumber":"TJ001","school_code":")" + c +
                          R"(","displayName":"郑华","subjects":[{"code":"SUBJECT_CODE_MATHEMATICS"}],)"
                          R"("title":"TEACHER_TITLE_SENIOR","honours":[{"kind":"HONOUR_KIND_SUBJECT_LEADER",)"
                          R"("level":"HONOUR_LEVEL_COUNTY","year":2022}]})";
  const std::string bad_honour = R"({"staffNumber":"TJ002","school_code":")" + c +
                                 R"(","displayName":"钱芳","subjects":[{"code":"SUBJECT_CODE_MUSIC"}],)"
                                 R"("title":"TEACHER_TITLE_SENIOR","honours":[{"kind":"HONOUR_KIND_OTHER","year":1900}]})";
  ImportRun first = Import(stub(), Header(rv1::IMPORT_ENTITY_TEACHER, {}), {row, bad_honour});
  ASSERT_TRUE(first.status.ok()) << first.status.error_message();
  EXPECT_EQ(first.results[0].outcome(), rv1::ROW_OUTCOME_CREATED) << first.results[0].reason();
  EXPECT_EQ(first.results[1].code(), google::rpc::INVALID_ARGUMENT);
  EXPECT_EQ(first.results[1].field().rfind("honours[0]", 0), 0u) << first.results[1].field();
  rv1::GetTeacherRequest get;
  get.set_name(first.results[0].name());
  rv1::Teacher t;
  ASSERT_TRUE(Call(&Stub::GetTeacher, stub(), get, &t).ok());
  ASSERT_EQ(t.honours_size(), 1);
  EXPECT_EQ(t.honours(0).year(), 2022);
  ImportRun again = Import(stub(), Header(rv1::IMPORT_ENTITY_TEACHER, {}), {row});
  EXPECT_EQ(again.results[0].outcome(), rv1::ROW_OUTCOME_UNCHANGED);
}

TEST_F(Importing, RowsOfADeletedSchoolAreRefused) {
  const std::string gone = Code(5);
  CreateSchool(gone, "331024");
  rv1::DeleteSchoolRequest del;
  del.set_name("schools/" + gone);
  rv1::School out;
  ASSERT_TRUE(Call(&Stub::DeleteSchool, stub(), del, &out).ok());
  ImportRun classes = Import(stub(), Header(rv1::IMPORT_ENTITY_SCHOOL_CLASS, kClassColumns), {gone + ",3,1,,40,"});
  ASSERT_EQ(classes.results.size(), 1u);
  EXPECT_EQ(classes.results[0].code(), google::rpc::FAILED_PRECONDITION);
  EXPECT_EQ(classes.results[0].field(), "school_code");
  EXPECT_NE(classes.results[0].reason().find("已删除"), std::string::npos) << classes.results[0].reason();
  ImportRun teachers = Import(stub(), Header(rv1::IMPORT_ENTITY_TEACHER, kTeacherColumns),
                              {"TG001," + gone + ",吴刚,MUSIC,TEACHER_TITLE_FIRST_GRADE"});
  ASSERT_EQ(teachers.results.size(), 1u);
  EXPECT_EQ(teachers.results[0].code(), google::rpc::FAILED_PRECONDITION);
  EXPECT_EQ(teachers.results[0].field(), "school_code");
  EXPECT_EQ(Classes(gone), 0);
  EXPECT_EQ(server_->Count("SELECT count(*) FROM teachers WHERE staff_number = 'TG001'"), 0);
}

TEST_F(Importing, JsonRowsAndADryRunThatWritesNothing) {
  const std::string a = Code(1);
  const std::vector<std::string> rows = {
      R"({"school_code":")" + a + R"(","grade":"GRADE_5","classNumber":1,"pupilCount":36})",
      R"({"school_code":")" + a + R"(","grade":"GRADE_5","classNumber":1,"pupilCount":37})",  // same class again
      R"({"school_code":")" + a + R"(","grade":"GRADE_5","colour":"red"})",
  };
  const int64_t changes = Changes(), classes = Classes(a);
  ImportRun dry = Import(stub(), Header(rv1::IMPORT_ENTITY_SCHOOL_CLASS, {}, /*dry_run=*/true), rows);
  ASSERT_TRUE(dry.status.ok()) << dry.status.error_message();
  EXPECT_TRUE(dry.summary.dry_run());
  EXPECT_EQ(dry.results[0].outcome(), rv1::ROW_OUTCOME_CREATED);
  EXPECT_EQ(dry.results[1].outcome(), rv1::ROW_OUTCOME_UPDATED);  // sees the row before it
  EXPECT_EQ(dry.results[2].outcome(), rv1::ROW_OUTCOME_REJECTED);
  EXPECT_EQ(dry.results[2].field(), "text");
  EXPECT_EQ(Classes(a), classes);
  EXPECT_EQ(Changes(), changes);
  ImportRun real = Import(stub(), Header(rv1::IMPORT_ENTITY_SCHOOL_CLASS, {}), rows);
  EXPECT_EQ(real.summary.created(), 1);
  EXPECT_EQ(real.summary.updated(), 1);
  EXPECT_EQ(Classes(a), classes + 1);
}

TEST_F(Importing, EachRoleHitsItsWall) {
  const std::string own = Code(3), other = Code(2);
  auto header = Header(rv1::IMPORT_ENTITY_SCHOOL_CLASS, kClassColumns);
  // A teacher and a township head import nothing: a stream error.
  for (const Caller& caller : {Caller{auth::Role::kTeacher, "", own}, Caller{auth::Role::kTownshipHead, "331024100", ""}}) {
    ImportRun run = Import(stub(), header, {own + ",6,1,,30,"}, caller);
    EXPECT_EQ(run.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_TRUE(run.results.empty());
  }
  // A school admin imports its own school's rows; another school's row is rejected.
  ImportRun admin = Import(stub(), header, {own + ",6,1,,30,", other + ",6,1,,30,"}, SchoolAdmin(own));
  ASSERT_TRUE(admin.status.ok()) << admin.status.error_message();
  EXPECT_EQ(admin.results[0].outcome(), rv1::ROW_OUTCOME_CREATED);
  EXPECT_EQ(admin.results[1].code(), google::rpc::PERMISSION_DENIED);
  EXPECT_EQ(admin.results[1].field(), "school_code");
  EXPECT_EQ(server_->Count("SELECT count(*) FROM school_classes WHERE school_code = '" + other + "' AND grade = " +
                           std::to_string(gongtong::common::v1::GRADE_6)),
            0);
  // A county bureau: its region yes, another no.
  ImportRun county = Import(stub(), header, {own + ",6,2,,30,", GuizhouCode(1) + ",6,1,,30,"}, kCounty);
  EXPECT_EQ(county.results[0].outcome(), rv1::ROW_OUTCOME_CREATED);
  EXPECT_EQ(county.results[1].code(), google::rpc::PERMISSION_DENIED);
  ImportRun guizhou = Import(stub(), header, {own + ",6,3,,30,"}, kOtherCounty);
  EXPECT_EQ(guizhou.results[0].code(), google::rpc::PERMISSION_DENIED);
  // An existing teacher of another school is outside a school admin's wall, unchanged or not.
  ASSERT_EQ(Import(stub(), Header(rv1::IMPORT_ENTITY_TEACHER, kTeacherColumns),
                   {"TW001," + other + ",钱伟,PHYSICAL_EDUCATION,TEACHER_TITLE_FIRST_GRADE"})
                .summary.created(),
            1);
  ImportRun teachers = Import(stub(), Header(rv1::IMPORT_ENTITY_TEACHER, {"staff_number", "display_name"}),
                              {"TW001,钱伟"}, SchoolAdmin(own));
  ASSERT_EQ(teachers.results.size(), 1u);
  EXPECT_EQ(teachers.results[0].code(), google::rpc::PERMISSION_DENIED);
  EXPECT_EQ(teachers.results[0].name(), "");
  // Bad headers are stream errors.
  EXPECT_EQ(Import(stub(), Header(rv1::IMPORT_ENTITY_SCHOOL_CLASS, {"school_code", "grade"}), {}).status.error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Import(stub(), Header(rv1::IMPORT_ENTITY_TEACHER, {"staff_number", "honours"}), {}).status.error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

const std::vector<std::string> kBellColumns = {"school_code", "bell_schedule_id", "display_name", "season",
                                               "annual_start", "annual_end", "effective_start", "period_number",
                                               "period_name", "start_time", "end_time", "days"};

TEST_F(Importing, BellSchedulesArriveAsOneRowPerPeriod) {
  const std::string a = Code(1), b = Code(2);
  const std::string summer = a + ",summer,夏季作息时间,SUMMER,05-01,09-30,2026-09-01,";
  const std::string winter = a + ",winter,冬季作息时间,WINTER,10-01,04-30,2026-09-01,";
  std::vector<std::string> rows = {
      summer + "1,第一节,08:00,08:40,1-5",
      summer + "2,第二节,08:50,09:30,1-5",
      summer + "3,第三节,09:50,10:30,MON|TUE|WED|THU|FRI",
      winter + "1,第一节,08:10,08:50,1-5",
      winter + "2,第二节,08:40,09:20,1-5",  // overlaps the first
      Code(99) + ",all,作息时间,ALL_YEAR,,,2026-09-01,1,第一节,08:00,08:40,1-5",
  };
  const int64_t changes = Changes();
  // Batches of two: the summer schedule spans the first two batches.
  ImportRun first = Import(stub(), Header(rv1::IMPORT_ENTITY_BELL_SCHEDULE, kBellColumns), rows, kProvince, 2);
  ASSERT_TRUE(first.status.ok()) << first.status.error_message();
  ASSERT_EQ(first.results.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(first.results[i].row_number(), static_cast<int64_t>(i) + 2);
  for (size_t i : {0, 1, 2}) {
    EXPECT_EQ(first.results[i].outcome(), rv1::ROW_OUTCOME_CREATED) << i << first.results[i].reason();
    EXPECT_EQ(first.results[i].name(), "schools/" + a + "/bellSchedules/summer");
  }
  for (size_t i : {3, 4}) {
    EXPECT_EQ(first.results[i].code(), google::rpc::INVALID_ARGUMENT) << i;
    EXPECT_EQ(first.results[i].field(), "periods[1].start_time") << i;
  }
  EXPECT_EQ(first.results[5].code(), google::rpc::NOT_FOUND);
  EXPECT_EQ(first.summary.created(), 3);
  EXPECT_EQ(first.summary.rejected(), 3);
  EXPECT_EQ(Changes(), changes + 1);
  EXPECT_EQ(server_->Count("SELECT count(*) FROM bell_schedules WHERE schedule_id IN ('winter', 'all')"), 0);
  EXPECT_EQ(server_->EventTypes(first.results[0].name()).size(), 1u);
  rv1::GetBellScheduleRequest get;
  get.set_name(first.results[0].name());
  rv1::BellSchedule got;
  ASSERT_TRUE(Call(&Stub::GetBellSchedule, stub(), get, &got).ok());
  ASSERT_EQ(got.periods_size(), 3);
  EXPECT_EQ(got.periods(2).days_size(), 5);
  EXPECT_EQ(got.annual_end().month(), 9);

  // The same file again writes nothing.
  ImportRun again = Import(stub(), Header(rv1::IMPORT_ENTITY_BELL_SCHEDULE, kBellColumns), rows, kProvince, 2);
  EXPECT_EQ(again.summary.unchanged(), 3);
  EXPECT_EQ(Changes(), changes + 1);

  // A later third period updates the schedule; every row reports it.
  rows[2] = summer + "3,第三节,10:00,10:40,1-5";
  ImportRun update = Import(stub(), Header(rv1::IMPORT_ENTITY_BELL_SCHEDULE, kBellColumns),
                            {rows[0], rows[1], rows[2]});
  ASSERT_TRUE(update.status.ok());
  EXPECT_EQ(update.summary.updated(), 3);
  ASSERT_TRUE(Call(&Stub::GetBellSchedule, stub(), get, &got).ok());
  EXPECT_EQ(got.periods(2).start_time().hours(), 10);
  EXPECT_EQ(Changes(), changes + 2);

  // An all-year schedule would apply on the summer's dates: the store's season check.
  ImportRun clash = Import(stub(), Header(rv1::IMPORT_ENTITY_BELL_SCHEDULE, kBellColumns),
                           {a + ",all,作息时间,ALL_YEAR,,,2026-09-01,1,第一节,08:00,08:40,1-5"});
  EXPECT_EQ(clash.results[0].code(), google::rpc::FAILED_PRECONDITION);
  EXPECT_EQ(clash.results[0].field(), "effective");

  // JSON rows and walls: a school admin writes its own school's schedule only.
  const std::string json = R"({"school_code":")" + b +
                           R"(","bell_schedule_id":"all","displayName":"作息时间","season":"BELL_SCHEDULE_SEASON_ALL_YEAR",)"
                           R"("effective":{"startDate":{"year":2026,"month":9,"day":1}},)"
                           R"("periods":[{"number":1,"kind":"PERIOD_KIND_LESSON","startTime":{"hours":8},)"
                           R"("endTime":{"hours":8,"minutes":40},"days":["MONDAY","TUESDAY"]}]})";
  ImportRun own = Import(stub(), Header(rv1::IMPORT_ENTITY_BELL_SCHEDULE, {}), {json}, SchoolAdmin(b));
  ASSERT_TRUE(own.status.ok()) << own.status.error_message();
  EXPECT_EQ(own.results[0].outcome(), rv1::ROW_OUTCOME_CREATED) << own.results[0].reason();
  ImportRun foreign = Import(stub(), Header(rv1::IMPORT_ENTITY_BELL_SCHEDULE, {}), {json}, SchoolAdmin(a));
  EXPECT_EQ(foreign.results[0].code(), google::rpc::PERMISSION_DENIED);
  EXPECT_EQ(foreign.results[0].name(), "");
  ImportRun teacher = Import(stub(), Header(rv1::IMPORT_ENTITY_BELL_SCHEDULE, {}), {json},
                             Caller{auth::Role::kTeacher, "", b});
  EXPECT_EQ(teacher.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Import(stub(), Header(rv1::IMPORT_ENTITY_BELL_SCHEDULE, {"school_code", "bell_schedule_id"}), {})
                .status.error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

// The speed is measured by gongtong-registry-import-bench (tools/bench), not
// here: this checks that 10,000 rows in batches all land, once.
TEST_F(Importing, TenThousandClassRowsAllLandOnceAndAReRunChangesNothing) {
  // 20 schools × grades 1–6 × classes 1–84 = 10,080 keys; the first 10,000.
  std::vector<std::string> schools;
  for (int s = 0; s < 20; ++s) schools.push_back(Code(100 + s) + ",批量导入小学" + std::to_string(s) + ",331024,220,211");
  rv1::ImportHeader school_header;
  school_header.set_entity(rv1::IMPORT_ENTITY_SCHOOL);
  school_header.set_format(rv1::IMPORT_FORMAT_CSV);
  for (const char* c : {"school_code", "display_name", "region_code", "urban_rural_category", "school_type_code"}) {
    school_header.add_columns(c);
  }
  ASSERT_EQ(Import(stub(), school_header, schools).summary.created(), 20);
  std::vector<std::string> rows;
  for (int s = 0; s < 20 && rows.size() < 10000; ++s) {
    for (int g = 1; g <= 6 && rows.size() < 10000; ++g) {
      for (int n = 1; n <= 84 && rows.size() < 10000; ++n) {
        rows.push_back(Code(100 + s) + "," + std::to_string(g) + "," + std::to_string(n) + ",,40,");
      }
    }
  }
  const int64_t changes = Changes();
  const auto start = std::chrono::steady_clock::now();
  ImportRun run = Import(stub(), Header(rv1::IMPORT_ENTITY_SCHOOL_CLASS, kClassColumns), rows,
                         kProvince, /*batch_size=*/1000);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("imported 10,000 class rows in %.2f s (%.0f rows/s)\n", seconds, 10000 / seconds);
  ASSERT_TRUE(run.status.ok()) << run.status.error_message();
  EXPECT_EQ(run.summary.created(), 10000);
  EXPECT_EQ(Changes(), changes + 10000);
  const auto again_start = std::chrono::steady_clock::now();
  ImportRun again = Import(stub(), Header(rv1::IMPORT_ENTITY_SCHOOL_CLASS, kClassColumns), rows,
                           kProvince, /*batch_size=*/1000);
  const double again_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - again_start).count();
  std::printf("re-ran them in %.2f s (all unchanged)\n", again_seconds);
  EXPECT_EQ(again.summary.unchanged(), 10000);
  EXPECT_EQ(Changes(), changes + 10000);
}

}  // namespace
}  // namespace gongtong::registry
