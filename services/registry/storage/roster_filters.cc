#include "registry/storage/roster_filters.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/numbers.h"
#include "common/status/error.h"
#include "registry/domain/roster_rules.h"

namespace gongtong::registry {

namespace v1 = gongtong::registry::v1;
namespace cv1 = gongtong::common::v1;

const std::vector<api::FilterField>& SchoolClassFilterFields() {
  static const auto* kFields = new std::vector<api::FilterField>{{"grade", {"=", "<", ">"}},
                                                                 {"class_number", {"="}},
                                                                 {"stage", {"="}},
                                                                 {"homeroom_teacher", {"="}},
                                                                 {"region_code", {":"}}};
  return *kFields;
}

const std::vector<std::string>& SchoolClassOrderFields() {
  static const auto* kFields = new std::vector<std::string>{"grade", "class_number", "display_name"};
  return *kFields;
}

const std::vector<api::FilterField>& ClassroomFilterFields() {
  static const auto* kFields = new std::vector<api::FilterField>{
      {"kind", {"=", "!="}}, {"ai_analysis", {"="}}, {"capacity", {">=", "<="}}, {"region_code", {":"}}};
  return *kFields;
}

const std::vector<std::string>& ClassroomOrderFields() {
  static const auto* kFields = new std::vector<std::string>{"display_name", "capacity"};
  return *kFields;
}

const std::vector<api::FilterField>& TeacherFilterFields() {
  static const auto* kFields = new std::vector<api::FilterField>{{"school", {"="}},
                                                                 {"region_code", {":"}},
                                                                 {"subject", {"="}},
                                                                 {"title", {"=", ">="}},
                                                                 {"honour", {"="}},
                                                                 {"party_status", {"="}},
                                                                 {"party_organization", {"="}},
                                                                 {"employment_status", {"="}},
                                                                 {"display_name", {":"}},
                                                                 {"staff_number", {"="}}};
  return *kFields;
}

const std::vector<std::string>& TeacherOrderFields() {
  static const auto* kFields = new std::vector<std::string>{"display_name", "staff_number", "title"};
  return *kFields;
}

namespace roster {
namespace {

absl::Status BadValue(const api::FilterTerm& t, const std::string& expected) {
  return InvalidField("filter", t.field + " must be " + expected, "筛选条件 " + t.field + " 的值无效");
}

// An enum value by its name, as a smallint parameter.
template <typename E>
absl::StatusOr<std::string> EnumParam(const api::FilterTerm& t, bool (*parse)(const std::string&, E*),
                                      const std::string& example, SqlBuilder* b) {
  E value;
  if (!parse(t.value, &value)) return BadValue(t, "a name such as " + example);
  return b->Param(std::to_string(static_cast<int>(value))) + "::smallint";
}

absl::StatusOr<std::string> IntParam(const api::FilterTerm& t, SqlBuilder* b) {
  int n = 0;
  if (!absl::SimpleAtoi(t.value, &n)) return BadValue(t, "a whole number");
  return b->Param(std::to_string(n)) + "::integer";
}

bool AddRegion(const api::FilterTerm& t, SqlBuilder* b) {
  if (t.field != "region_code") return false;
  b->where.push_back("s.region_code LIKE " + b->Param(LikePrefix(t.value)));
  return true;
}

std::vector<SortColumn> Sort(const std::vector<api::OrderField>& order, const std::vector<SortColumn>& fields,
                             const std::vector<SortColumn>& tail) {
  std::vector<SortColumn> out;
  auto add = [&](const SortColumn& c) {
    if (std::none_of(out.begin(), out.end(), [&](const SortColumn& o) { return o.expr == c.expr; })) out.push_back(c);
  };
  for (const auto& o : order) {
    for (const auto& f : fields) {
      if (f.field == o.field) add(f);
    }
  }
  for (const auto& c : tail) add(c);
  return out;
}

}  // namespace

absl::Status AddClassFilter(const std::vector<api::FilterTerm>& terms, SqlBuilder* b) {
  for (const auto& t : terms) {
    if (AddRegion(t, b)) continue;
    if (t.field == "grade") {
      GT_ASSIGN_OR_RETURN(std::string ref, EnumParam(t, &cv1::Grade_Parse, "GRADE_3", b));
      b->where.push_back(absl::StrCat("x.grade ", t.op, " ", ref));
    } else if (t.field == "class_number") {
      GT_ASSIGN_OR_RETURN(std::string ref, IntParam(t, b));
      b->where.push_back("x.class_number = " + ref);
    } else if (t.field == "stage") {
      cv1::SchoolStage stage;
      if (!cv1::SchoolStage_Parse(t.value, &stage) || stage == cv1::SCHOOL_STAGE_UNSPECIFIED) {
        return BadValue(t, "a SchoolStage name such as SCHOOL_STAGE_PRIMARY");
      }
      std::vector<std::string> grades;
      for (auto g : GradesOfStage(stage)) grades.push_back(std::to_string(static_cast<int>(g)));
      b->where.push_back("x.grade = ANY(" + b->Param("{" + absl::StrJoin(grades, ",") + "}") + "::smallint[])");
    } else if (t.field == "homeroom_teacher") {
      auto id = ParseTeacherName(t.value, "filter");
      if (!id.ok()) return BadValue(t, "teachers/{teacher_id}");
      b->where.push_back("x.homeroom_teacher_id = " + b->Param(*id));
    }
  }
  return absl::OkStatus();
}

absl::Status AddClassroomFilter(const std::vector<api::FilterTerm>& terms, SqlBuilder* b) {
  for (const auto& t : terms) {
    if (AddRegion(t, b)) continue;
    if (t.field == "kind") {
      GT_ASSIGN_OR_RETURN(std::string ref, EnumParam(t, &v1::ClassroomKind_Parse, "CLASSROOM_KIND_RECORDING", b));
      b->where.push_back(absl::StrCat("x.kind ", t.op == "!=" ? "<>" : "=", " ", ref));
    } else if (t.field == "ai_analysis") {
      if (t.value != "true" && t.value != "false") return BadValue(t, "true or false");
      b->where.push_back("x.ai_analysis = " + b->Param(t.value) + "::boolean");
    } else if (t.field == "capacity") {
      GT_ASSIGN_OR_RETURN(std::string ref, IntParam(t, b));
      b->where.push_back(absl::StrCat("x.capacity ", t.op, " ", ref));
    }
  }
  return absl::OkStatus();
}

absl::Status AddTeacherFilter(const std::vector<api::FilterTerm>& terms, SqlBuilder* b) {
  for (const auto& t : terms) {
    if (AddRegion(t, b)) continue;
    if (t.field == "school") {
      auto code = ParseSchoolName(t.value, "filter");
      if (!code.ok()) return BadValue(t, "schools/{10-digit school code}");
      b->where.push_back("x.school_code = " + b->Param(*code));
    } else if (t.field == "subject") {
      GT_ASSIGN_OR_RETURN(std::string ref, EnumParam(t, &cv1::SubjectCode_Parse, "SUBJECT_CODE_CHINESE", b));
      b->where.push_back(ref + " = ANY(x.subjects)");
    } else if (t.field == "title") {
      GT_ASSIGN_OR_RETURN(std::string ref, EnumParam(t, &v1::TeacherTitle_Parse, "TEACHER_TITLE_FIRST_GRADE", b));
      b->where.push_back(absl::StrCat("x.title ", t.op, " ", ref));
    } else if (t.field == "honour") {
      GT_ASSIGN_OR_RETURN(std::string ref, EnumParam(t, &v1::HonourKind_Parse, "HONOUR_KIND_BACKBONE_TEACHER", b));
      b->where.push_back(ref + " = ANY(x.honours)");
    } else if (t.field == "party_status") {
      GT_ASSIGN_OR_RETURN(std::string ref,
                          EnumParam(t, &v1::PartyMembershipStatus_Parse, "PARTY_MEMBERSHIP_STATUS_FULL", b));
      b->where.push_back("x.party_status = " + ref);
    } else if (t.field == "party_organization") {
      b->where.push_back("x.party_organization = " + b->Param(t.value));
    } else if (t.field == "employment_status") {
      GT_ASSIGN_OR_RETURN(std::string ref, EnumParam(t, &v1::EmploymentStatus_Parse, "EMPLOYMENT_STATUS_ACTIVE", b));
      b->where.push_back("x.employment_status = " + ref);
    } else if (t.field == "display_name") {
      std::string like = LikePrefix(t.value);
      b->where.push_back("x.display_name ILIKE " + b->Param("%" + like));
    } else if (t.field == "staff_number") {
      b->where.push_back("x.staff_number = " + b->Param(t.value));
    }
  }
  return absl::OkStatus();
}

std::vector<SortColumn> ClassSort(const std::vector<api::OrderField>& order) {
  const SortColumn grade{"grade", "x.grade", "::smallint"}, number{"class_number", "x.class_number", "::integer"};
  return Sort(order.empty() ? std::vector<api::OrderField>{{"grade", false}, {"class_number", false}} : order,
              {grade, number, {"display_name", "x.display_name", "::text"}},
              {{"", "x.school_code", "::text"}, {"", "x.class_id", "::text"}});
}

std::vector<SortColumn> ClassroomSort(const std::vector<api::OrderField>& order) {
  return Sort(order, {{"display_name", "x.display_name", "::text"}, {"capacity", "x.capacity", "::integer"}},
              {{"", "x.school_code", "::text"}, {"", "x.classroom_id", "::text"}});
}

std::vector<SortColumn> TeacherSort(const std::vector<api::OrderField>& order) {
  return Sort(order,
              {{"display_name", "x.display_name", "::text"},
               {"staff_number", "x.staff_number", "::text"},
               {"title", "x.title", "::smallint"}},
              {{"", "x.teacher_id", "::text"}});
}

}  // namespace roster
}  // namespace gongtong::registry
