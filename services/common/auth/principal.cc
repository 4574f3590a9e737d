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

namespace {
bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}
}  // namespace

std::string ScopeProblem(Role role, std::string_view region, std::string_view school) {
  if (!AllDigits(region) || !AllDigits(school)) return "region and school must be digits";
  switch (role) {
    case Role::kCountyBureau:
      if (region.size() < 2 || region.size() > 6) return "county_bureau needs region: 2-6 digits";
      break;
    case Role::kTownshipHead:
      if (region.size() != 9) return "township_head needs region: the 9-digit township code";
      break;
    case Role::kSchoolAdmin:
    case Role::kTeacher:
      if (school.size() != 10) return "school_admin and teacher need school: 10 digits";
      break;
    default:
      break;
  }
  return "";
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
