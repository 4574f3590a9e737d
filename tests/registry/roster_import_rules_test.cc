// Bulk import of classes and teachers (ImportRows, import.proto): parsing a
// CSV or JSON row, the columns a header may name, enum values by name or
// code, and the field copy that decides UPDATED vs UNCHANGED. One row per
// case.
#include <gtest/gtest.h>

#include <functional>

#include "common/status/error.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

#include "registry/domain/class_import.h"
#include "registry/domain/import_fields.h"
#include "registry/domain/teacher_import.h"

namespace gongtong::registry {
namespace {

using namespace gongtong::registry::v1;
namespace cv1 = gongtong::common::v1;

std::string FirstField(const absl::Status& s) {
  auto payload = s.GetPayload(kDetailsPayloadUrl);
  if (!payload) return "";
  google::rpc::Status details;
  details.ParseFromString(std::string(*payload));
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad;
    if (any.UnpackTo(&bad) && bad.field_violations_size() > 0) return bad.field_violations(0).field();
  }
  return "";
}

ImportRow Row(const std::string& text) {
  ImportRow r;
  r.set_row_number(7);
  r.set_text(text);
  return r;
}

// ---- columns ------------------------------------------------------------------

struct ColumnsCase {
  std::string name;
  bool teacher;
  std::vector<std::string> columns;
  std::string field;  // "" = accepted
};

TEST(ImportColumns, EachHeaderIsCheckedByItsEntity) {
  const std::vector<ColumnsCase> cases = {
      {"class key columns", false, {"school_code", "grade", "class_number"}, ""},
      {"class every column", false, ClassImportColumns(), ""},
      {"class without grade", false, {"school_code", "class_number"}, "header.columns"},
      {"class unknown column", false, {"school_code", "grade", "class_number", "colour"}, "header.columns[3]"},
      {"class column twice", false, {"school_code", "grade", "grade", "class_number"}, "header.columns[2]"},
      {"teacher staff number only", true, {"staff_number"}, ""},
      {"teacher every column", true, TeacherImportColumns(), ""},
      {"teacher without staff number", true, {"school_code", "display_name"}, "header.columns"},
      {"teacher honours are JSON only", true, {"staff_number", "honours"}, "header.columns[1]"},
  };
  for (const auto& c : cases) {
    absl::Status s = c.teacher ? CheckTeacherColumns(c.columns) : CheckClassColumns(c.columns);
    if (c.field.empty()) {
      EXPECT_TRUE(s.ok()) << c.name << ": " << s;
    } else {
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.name;
      EXPECT_EQ(FirstField(s), c.field) << c.name;
    }
  }
}

// ---- enums ------------------------------------------------------------------

struct EnumCase {
  std::string text;
  const google::protobuf::EnumDescriptor* type;
  int want;  // 0 = refused
};

TEST(ImportEnums, ByFullNameShortNameOrCode) {
  const std::vector<EnumCase> cases = {
      {"GRADE_3", cv1::Grade_descriptor(), cv1::GRADE_3},
      {"3", cv1::Grade_descriptor(), cv1::GRADE_3},  // the short name wins over the number 3
      {"kindergarten_senior", cv1::Grade_descriptor(), cv1::GRADE_KINDERGARTEN_SENIOR},
      {"13", cv1::Grade_descriptor(), cv1::GRADE_3},  // by number
      {"GRADE_UNSPECIFIED", cv1::Grade_descriptor(), 0},
      {"0", cv1::Grade_descriptor(), 0},
      {"", cv1::Grade_descriptor(), 0},
      {"三年级", cv1::Grade_descriptor(), 0},
      {"CHINESE", cv1::SubjectCode_descriptor(), cv1::SUBJECT_CODE_CHINESE},
      {" MATHEMATICS ", cv1::SubjectCode_descriptor(), cv1::SUBJECT_CODE_MATHEMATICS},
      {"PRIMARY", cv1::SchoolStage_descriptor(), cv1::SCHOOL_STAGE_PRIMARY},
      {"FULL", PartyMembershipStatus_descriptor(), PARTY_MEMBERSHIP_STATUS_FULL},
  };
  for (const auto& c : cases) {
    int got = 0;
    const bool ok = ParseEnumText(c.text, c.type, &got);
    EXPECT_EQ(ok, c.want != 0) << c.text;
    if (ok) { EXPECT_EQ(got, c.want) << c.text; }
  }
}

// ---- class rows -----------------------------------------------------------------

const std::vector<std::string> kClassColumns = {"school_code", "grade",       "class_number",  "display_name",
                                                "pupil_count", "homeroom_teacher", "home_classroom"};

struct ClassRowCase {
  std::string name;
  ImportFormat format;
  std::string text;
  std::string problem_field;  // "" = parsed
  std::function<void(const ParsedClassRow&)> expect;
};

TEST(ClassImportRows, ParseCsvAndJson) {
  const std::vector<ClassRowCase> cases = {
      {"every CSV column", IMPORT_FORMAT_CSV, "2133102401,3,2,\"三(2)班\",42,T0001,room-302", "",
       [](const ParsedClassRow& r) {
         EXPECT_EQ(r.school_code, "2133102401");
         EXPECT_EQ(r.school_class.grade(), cv1::GRADE_3);
         EXPECT_EQ(r.school_class.class_number(), 2);
         EXPECT_EQ(r.school_class.pupil_count(), 42);
         EXPECT_EQ(r.homeroom_staff_number, "T0001");  // a staff number, resolved by the importer
         EXPECT_EQ(r.school_class.homeroom_teacher(), "");
         EXPECT_EQ(r.school_class.home_classroom(), "schools/2133102401/classrooms/room-302");
         EXPECT_EQ(r.paths, (std::vector<std::string>{"display_name", "pupil_count", "homeroom_teacher",
                                                      "home_classroom"}));
       }},
      {"resource names kept", IMPORT_FORMAT_CSV,
       "2133102401,GRADE_3,2,,42,teachers/wang-li,schools/2133102401/classrooms/r1", "",
       [](const ParsedClassRow& r) {
         EXPECT_EQ(r.school_class.homeroom_teacher(), "teachers/wang-li");
         EXPECT_EQ(r.homeroom_staff_number, "");
         EXPECT_EQ(r.school_class.home_classroom(), "schools/2133102401/classrooms/r1");
       }},
      {"grade not a grade", IMPORT_FORMAT_CSV, "2133102401,三年级,2,,42,,", "grade", nullptr},
      {"class number not a number", IMPORT_FORMAT_CSV, "2133102401,3,二,,42,,", "class_number", nullptr},
      {"pupil count not a number", IMPORT_FORMAT_CSV, "2133102401,3,2,,多,,", "pupil_count", nullptr},
      {"too few fields", IMPORT_FORMAT_CSV, "2133102401,3,2", "text", nullptr},
      {"unterminated quote", IMPORT_FORMAT_CSV, "2133102401,3,2,\"三(2)班,42,,", "text", nullptr},
      {"JSON with school_code", IMPORT_FORMAT_JSON,
       R"({"school_code":"2133102401","grade":"GRADE_4","classNumber":1,"pupilCount":38})", "",
       [](const ParsedClassRow& r) {
         EXPECT_EQ(r.school_code, "2133102401");
         EXPECT_EQ(r.school_class.grade(), cv1::GRADE_4);
         EXPECT_EQ(r.paths, std::vector<std::string>{"pupil_count"});  // only what the row sets
       }},
      {"JSON camelCase key", IMPORT_FORMAT_JSON, R"({"schoolCode":"2133102401","grade":"GRADE_4","classNumber":1})",
       "", [](const ParsedClassRow& r) { EXPECT_TRUE(r.paths.empty()); }},
      {"JSON output-only fields ignored", IMPORT_FORMAT_JSON,
       R"({"school_code":"2133102401","grade":"GRADE_4","classNumber":1,"etag":"7","name":"x"})", "",
       [](const ParsedClassRow& r) { EXPECT_EQ(r.school_class.etag(), ""); }},
      {"JSON unknown field", IMPORT_FORMAT_JSON, R"({"school_code":"2133102401","grade":"GRADE_4","colour":1})",
       "text", nullptr},
      {"JSON without school_code", IMPORT_FORMAT_JSON, R"({"grade":"GRADE_4","classNumber":1})", "school_code",
       nullptr},
      {"JSON without grade", IMPORT_FORMAT_JSON, R"({"school_code":"2133102401","classNumber":1})", "grade", nullptr},
      {"JSON school_code not a string", IMPORT_FORMAT_JSON, R"({"school_code":2133102401})", "school_code", nullptr},
      {"not JSON", IMPORT_FORMAT_JSON, "2133102401,3,2", "text", nullptr},
  };
  for (const auto& c : cases) {
    ParsedClassRow r = ParseClassRow(Row(c.text), c.format, kClassColumns);
    EXPECT_EQ(r.row_number, 7) << c.name;
    EXPECT_EQ(r.problem.field, c.problem_field) << c.name << ": " << r.problem.reason;
    if (c.expect && r.ok()) c.expect(r);
  }
}

struct ClassApplyCase {
  std::string name;
  std::vector<std::string> paths;
  std::function<void(SchoolClass&)> row;
  bool changed;
  std::string display_name;
};

TEST(ClassImportRows, ApplyDecidesUpdatedOrUnchanged) {
  SchoolClass stored;
  stored.set_grade(cv1::GRADE_3);
  stored.set_class_number(2);
  stored.set_display_name("三(2)班");  // generated
  stored.set_pupil_count(40);
  const std::vector<ClassApplyCase> cases = {
      {"same values", {"pupil_count", "display_name"},
       [](SchoolClass& c) { c.set_pupil_count(40), c.set_display_name("三(2)班"); }, false, "三(2)班"},
      {"empty display name regenerates the same", {"display_name"}, [](SchoolClass&) {}, false, "三(2)班"},
      {"column not listed is kept", {}, [](SchoolClass& c) { c.set_pupil_count(10); }, false, "三(2)班"},
      {"pupil count", {"pupil_count"}, [](SchoolClass& c) { c.set_pupil_count(41); }, true, "三(2)班"},
      {"new name", {"display_name"}, [](SchoolClass& c) { c.set_display_name("火箭班"); }, true, "火箭班"},
      {"homeroom", {"homeroom_teacher"}, [](SchoolClass& c) { c.set_homeroom_teacher("teachers/t1"); }, true,
       "三(2)班"},
  };
  for (const auto& c : cases) {
    SchoolClass row, into = stored;
    c.row(row);
    EXPECT_EQ(ApplyClassFields(row, c.paths, &into), c.changed) << c.name;
    EXPECT_EQ(into.display_name(), c.display_name) << c.name;
  }
}

// ---- teacher rows ---------------------------------------------------------------

const std::vector<std::string> kTeacherColumns = {"staff_number", "school_code", "display_name", "subjects", "title",
                                                  "stages", "party_membership.status",
                                                  "party_membership.organization", "party_membership.join_date"};

struct TeacherRowCase {
  std::string name;
  ImportFormat format;
  std::string text;
  std::string problem_field;
  std::function<void(const ParsedTeacherRow&)> expect;
};

TEST(TeacherImportRows, ParseCsvAndJson) {
  const std::vector<TeacherRowCase> cases = {
      {"every CSV column", IMPORT_FORMAT_CSV,
       "T0001,2133102401,王丽,CHINESE|MATHEMATICS,TEACHER_TITLE_SENIOR,PRIMARY,FULL,branch-1,2010-07-01", "",
       [](const ParsedTeacherRow& r) {
         EXPECT_EQ(r.teacher.staff_number(), "T0001");
         EXPECT_EQ(r.school_code, "2133102401");
         ASSERT_EQ(r.teacher.subjects_size(), 2);
         EXPECT_EQ(r.teacher.subjects(1).code(), cv1::SUBJECT_CODE_MATHEMATICS);
         EXPECT_EQ(r.teacher.stages(0), cv1::SCHOOL_STAGE_PRIMARY);
         EXPECT_EQ(r.teacher.party_membership().organization(), "partyOrganizations/branch-1");
         EXPECT_EQ(r.teacher.party_membership().join_date().year(), 2010);
         EXPECT_EQ(r.paths.front(), "display_name");
       }},
      {"empty Party columns", IMPORT_FORMAT_CSV, "T0002,2133102401,李明,ENGLISH,TEACHER_TITLE_SENIOR,,,,", "",
       [](const ParsedTeacherRow& r) { EXPECT_FALSE(r.teacher.has_party_membership()); }},
      {"unknown subject", IMPORT_FORMAT_CSV, "T0003,2133102401,李明,烹饪,TEACHER_TITLE_SENIOR,,,,", "subjects",
       nullptr},
      {"unknown title", IMPORT_FORMAT_CSV, "T0003,2133102401,李明,ENGLISH,教授,,,,", "title", nullptr},
      {"bad join date", IMPORT_FORMAT_CSV, "T0003,2133102401,李明,ENGLISH,TEACHER_TITLE_SENIOR,,FULL,b,2010-13-01",
       "party_membership.join_date", nullptr},
      {"JSON with school", IMPORT_FORMAT_JSON,
       R"({"staffNumber":"T0004","school":"schools/2133102401","displayName":"赵敏","subjects":[{"code":"SUBJECT_CODE_MUSIC"}]})",
       "",
       [](const ParsedTeacherRow& r) {
         EXPECT_EQ(r.school_code, "2133102401");
         EXPECT_EQ(r.teacher.school(), "");  // set by the importer
         EXPECT_EQ(r.paths, (std::vector<std::string>{"display_name", "subjects"}));
       }},
      {"JSON without staff number", IMPORT_FORMAT_JSON, R"({"displayName":"赵敏"})", "staff_number", nullptr},
  };
  for (const auto& c : cases) {
    ParsedTeacherRow r = ParseTeacherRow(Row(c.text), c.format, kTeacherColumns);
    EXPECT_EQ(r.problem.field, c.problem_field) << c.name << ": " << r.problem.reason;
    if (c.expect && r.ok()) c.expect(r);
  }
}

struct TeacherApplyCase {
  std::string name;
  std::vector<std::string> paths;
  std::function<void(Teacher&)> row;
  bool changed;
};

TEST(TeacherImportRows, ApplyDecidesUpdatedOrUnchanged) {
  Teacher stored;
  stored.set_staff_number("T0001");
  stored.set_display_name("王丽");
  stored.add_subjects()->set_code(cv1::SUBJECT_CODE_CHINESE);
  stored.set_title(TEACHER_TITLE_SENIOR);
  stored.set_employment_status(EMPLOYMENT_STATUS_ACTIVE);
  const std::vector<TeacherApplyCase> cases = {
      {"same values", {"display_name", "subjects"},
       [](Teacher& t) { t.set_display_name("王丽"), t.add_subjects()->set_code(cv1::SUBJECT_CODE_CHINESE); }, false},
      {"unset status reads ACTIVE", {"employment_status"}, [](Teacher&) {}, false},
      {"empty Party columns on a non-member", {"party_membership.status", "party_membership.organization"},
       [](Teacher&) {}, false},
      {"not listed kept", {}, [](Teacher& t) { t.set_display_name("王莉"); }, false},
      {"new name", {"display_name"}, [](Teacher& t) { t.set_display_name("王莉"); }, true},
      {"joins the Party", {"party_membership.status"},
       [](Teacher& t) { t.mutable_party_membership()->set_status(PARTY_MEMBERSHIP_STATUS_FULL); }, true},
  };
  for (const auto& c : cases) {
    Teacher row, into = stored;
    c.row(row);
    EXPECT_EQ(ApplyTeacherFields(row, c.paths, &into), c.changed) << c.name;
  }
}

}  // namespace
}  // namespace gongtong::registry
