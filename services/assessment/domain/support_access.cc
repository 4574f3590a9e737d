#include "assessment/domain/support_access.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "common/strings.h"

namespace gongtong::assessment {

namespace {

bool IsReceiving(const AssignmentScope& a, const std::string& school) {
  return std::find(a.receiving_schools.begin(), a.receiving_schools.end(), school) != a.receiving_schools.end();
}

bool IsTeacherHerself(const auth::Principal& p, const AssignmentScope& a) {
  return p.role == auth::Role::kTeacher && !p.teacher_id.empty() && p.teacher_id == a.teacher_id;
}

}  // namespace

bool CanManageForRegion(const auth::Principal& p, const std::string& region) {
  if (p.role == auth::Role::kProvinceAdmin) return true;
  return p.role == auth::Role::kCountyBureau && !region.empty() && p.CoversRegion(region);
}

bool CanReadAssignment(const auth::Principal& p, const AssignmentScope& a) {
  switch (p.role) {
    case auth::Role::kProvinceAdmin:
    case auth::Role::kService:
      return true;
    case auth::Role::kCountyBureau:
      return CanManageForRegion(p, a.region);
    case auth::Role::kSchoolAdmin:
      return p.school_code == a.sending_school || IsReceiving(a, p.school_code);
    case auth::Role::kTeacher:
      return IsTeacherHerself(p, a);
    case auth::Role::kTownshipHead:
      return !a.region.empty() && absl::StartsWith(Absl(p.region_prefix), Absl(a.region));
  }
  return false;
}

bool CanRecordActivity(const auth::Principal& p, const AssignmentScope& a) {
  switch (p.role) {
    case auth::Role::kProvinceAdmin:
      return true;
    case auth::Role::kCountyBureau:
      return CanManageForRegion(p, a.region);
    case auth::Role::kSchoolAdmin:
      return p.school_code == a.sending_school || IsReceiving(a, p.school_code);
    case auth::Role::kTeacher:
      return IsTeacherHerself(p, a);
    default:
      return false;
  }
}

std::string RegionOfCaller(const auth::Principal& p) {
  return p.role == auth::Role::kCountyBureau ? p.region_prefix : "";
}

}  // namespace gongtong::assessment
