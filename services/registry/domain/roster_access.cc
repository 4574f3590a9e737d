#include "registry/domain/roster_access.h"
#include "registry/domain/access_support.h"

#include "absl/strings/str_cat.h"
#include "common/status/error.h"
#include "registry/domain/school_rules.h"

namespace gongtong::registry {
using auth::Role;

absl::Status MayWriteRoster(const auth::Principal& p, const std::string& school_code) {
  if (UnlimitedRole(p) || p.role == Role::kCountyBureau) return absl::OkStatus();
  if (p.role == Role::kSchoolAdmin && (school_code.empty() || p.school_code == school_code)) return absl::OkStatus();
  return AccessDenied(p, "write the classes, classrooms or teachers of school " + school_code);
}

absl::Status CanWriteRoster(const auth::Principal& p, const std::string& school_code,
                            const std::string& school_region) {
  GT_RETURN_IF_ERROR(MayWriteRoster(p, school_code));
  if (p.role == Role::kSchoolAdmin && p.school_code != school_code) {
    return AccessDenied(p, "write the rosters of school " + school_code);
  }
  if (p.role == Role::kCountyBureau && !p.CoversRegion(school_region)) {
    return AccessDenied(p, "write the rosters of school " + school_code + " outside region " + p.region_prefix);
  }
  return absl::OkStatus();
}

absl::Status CanReadRoster(const auth::Principal& p, const std::string& school_region) {
  if (p.role == Role::kCountyBureau && !p.CoversRegion(school_region)) {
    return AccessDenied(p, "read the rosters of schools outside region " + p.region_prefix);
  }
  return absl::OkStatus();
}

std::string RosterReadScope(const auth::Principal& p) {
  return p.role == Role::kCountyBureau ? p.region_prefix : std::string();
}

absl::Status MayMoveTeachers(const auth::Principal& p) {
  if (UnlimitedRole(p) || p.role == Role::kCountyBureau) return absl::OkStatus();
  return AccessDenied(p, "move teachers between schools");
}

absl::Status CanMoveTeacher(const auth::Principal& p, const std::string& from_region, const std::string& to_region) {
  GT_RETURN_IF_ERROR(MayMoveTeachers(p));
  if (p.role == Role::kCountyBureau && !(p.CoversRegion(from_region) && p.CoversRegion(to_region))) {
    return AccessDenied(
        p, "move teachers from region " + from_region + " to " + to_region + " (outside " + p.region_prefix + ")");
  }
  return absl::OkStatus();
}

void RedactTeacher(const auth::Principal& p, gongtong::registry::v1::Teacher& t) {
  if (p.role == Role::kTeacher && t.school() != SchoolName(p.school_code)) t.clear_party_membership();
}

}  // namespace gongtong::registry
