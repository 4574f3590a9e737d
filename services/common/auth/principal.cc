#include "common/auth/principal.h"

#include "absl/strings/match.h"
#include "common/strings.h"

namespace gongtong::auth {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kProvinceAdmin: return "province_admin";
    case Role::kCountyBureau: return "county_bureau";
    case Role::kSchoolAdmin: return "school_admin";
    case Role::kTeacher: return "teacher";
    case Role::kService: return "service";
    case Role::kTownshipHead: return "township_head";
  }
  return "unknown";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kProvinceAdmin, Role::kCountyBureau, Role::kSchoolAdmin, Role::kTeacher,
                 Role::kService, Role::kTownshipHead}) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

bool Principal::CoversRegion(std::string_view region) const {
  switch (role) {
    case Role::kProvinceAdmin:
    case Role::kService:
      return true;
    case Role::kCountyBureau:
      return !region_prefix.empty() && absl::StartsWith(Absl(region), region_prefix);
    default:
      return false;
  }
}

bool Principal::CanActForSchool(std::string_view code, std::string_view region) const {
  if (CoversRegion(region)) return true;
  return role == Role::kSchoolAdmin && !school_code.empty() && school_code == code;
}

}  // namespace gongtong::auth
