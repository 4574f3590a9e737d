#include "registry/rpc/roster_checks.h"

#include "common/status/error.h"
#include "registry/domain/roster_access.h"
#include "registry/domain/roster_rules.h"
#include "registry/rpc/call_support.h"

namespace gongtong::registry {
namespace {

std::string CodeOfTeacher(const Teacher& t) {
  auto code = ParseSchoolName(t.school(), "");
  return code.ok() ? *code : "";
}

// The Party organisation her membership names exists (NOT_FOUND) and is
// live (FAILED_PRECONDITION).
absl::Status MembershipOrganizationLive(const Teacher& t, const TeacherFacts& f) {
  const std::string& organization = t.party_membership().organization();
  if (organization.empty()) return absl::OkStatus();
  const std::string field = "teacher.party_membership.organization";
  if (!f.party_organization.exists) {
    return ErrorBuilder(absl::StatusCode::kNotFound, "PARTY_ORGANIZATION_NOT_FOUND")
        .Message("no Party organisation " + organization)
        .Zh("党组织不存在：" + organization)
        .Field(field, "does not exist");
  }
  if (f.party_organization.deleted) {
    return PreconditionOn("PARTY_ORGANIZATION_DELETED", field, "the Party organisation is deleted", "该党组织已删除");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status SchoolLive(const SchoolState& school, const std::string& field) {
  if (!school.deleted) return absl::OkStatus();
  return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "SCHOOL_DELETED")
      .Message("the school is deleted")
      .Zh("该学校已删除")
      .Field(field, "the school is deleted");
}

absl::Status CheckClass(const auth::Principal& p, const SchoolClass& c, const ClassFacts& f) {
  const std::string code = c.school().substr(std::string("schools/").size());
  GT_RETURN_IF_ERROR(CanWriteRoster(p, code, f.school.region));
  GT_RETURN_IF_ERROR(SchoolLive(f.school, "school_class.name"));
  GT_RETURN_IF_ERROR(GradeFitsSchool(c, f.school.stages, "school_class"));
  GT_RETURN_IF_ERROR(HomeroomOfSchool(c, f.homeroom, code, "school_class"));
  return HomeClassroomLive(c, f.home_classroom, "school_class");
}

RosterCheck<SchoolClass, ClassFacts> ClassCreateCheck(const auth::Principal& p) {
  return [p](const SchoolClass&, const SchoolClass& after, bool, const ClassFacts& facts) {
    return CheckClass(p, after, facts);
  };
}

RosterCheck<SchoolClass, ClassFacts> ClassUpdateCheck(const auth::Principal& p, const std::string& school_code) {
  return [p, school_code](const SchoolClass& before, const SchoolClass& after, bool was_deleted,
                          const ClassFacts& facts) -> absl::Status {
    GT_RETURN_IF_ERROR(CanWriteRoster(p, school_code, facts.school.region));
    if (was_deleted) return Deleted("SCHOOL_CLASS_DELETED", before.name(), "该班级已删除，请先恢复");
    GT_RETURN_IF_ERROR(ToStatus(SchoolClassViolations(after, school_code, "school_class"), "SCHOOL_CLASS_INVALID"));
    return CheckClass(p, after, facts);
  };
}

absl::Status TeacherFitsSchool(const Teacher& t, const TeacherFacts& f) {
  if (f.school.deleted) {
    return PreconditionOn("SCHOOL_DELETED", "teacher.school", "the school is deleted", "该教师所在学校已删除");
  }
  GT_RETURN_IF_ERROR(MembershipOrganizationLive(t, f));
  return TeacherStagesFitSchool(t, f.school.stages, "teacher");
}

RosterCheck<Teacher, TeacherFacts> TeacherCreateCheck(const auth::Principal& p, const std::string& school_code) {
  return [p, school_code](const Teacher&, const Teacher& after, bool, const TeacherFacts& facts) -> absl::Status {
    GT_RETURN_IF_ERROR(CanWriteRoster(p, school_code, facts.school.region));
    return TeacherFitsSchool(after, facts);
  };
}

RosterCheck<Teacher, TeacherFacts> TeacherUpdateCheck(const auth::Principal& p) {
  return [p](const Teacher& before, const Teacher& after, bool was_deleted,
             const TeacherFacts& facts) -> absl::Status {
    GT_RETURN_IF_ERROR(CanWriteRoster(p, CodeOfTeacher(before), facts.previous_school.region));
    if (was_deleted) return Deleted("TEACHER_DELETED", before.name(), "该教师已删除，请先恢复");
    GT_RETURN_IF_ERROR(ToStatus(TeacherViolations(after, /*creating=*/false, "teacher"), "TEACHER_INVALID"));
    return TeacherFitsSchool(after, facts);
  };
}

}  // namespace gongtong::registry
