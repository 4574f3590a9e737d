#include "registry/domain/school_access.h"
#include "registry/domain/access_support.h"

#include "absl/strings/str_cat.h"
#include "common/status/error.h"

namespace gongtong::registry {
using auth::Role;

absl::Status CanReadSchool(const auth::Principal& p, const std::string& region_code) {
  if (p.role == Role::kCountyBureau && !p.CoversRegion(region_code)) {
    return AccessDenied(p, "read schools outside region " + p.region_prefix);
  }
  return absl::OkStatus();
}

absl::Status CanCreateOrDeleteSchool(const auth::Principal& p, const std::string& region_code) {
  if (UnlimitedRole(p) || (p.role == Role::kCountyBureau && p.CoversRegion(region_code))) {
    return absl::OkStatus();
  }
  return AccessDenied(p, "create or delete schools in region " + region_code);
}

absl::Status CanUpdateSchool(const auth::Principal& p, const std::string& school_code,
                             const std::string& old_region, const std::string& new_region,
                             const std::vector<std::string>& paths) {
  if (UnlimitedRole(p)) return absl::OkStatus();
  if (p.role == Role::kCountyBureau && p.CoversRegion(old_region)) {
    if (old_region != new_region) return AccessDenied(p, "move a school to another region (province admin only)");
    return absl::OkStatus();
  }
  if (p.role == Role::kSchoolAdmin && p.school_code == school_code) {
    for (const auto& path : paths) {
      if (path != "address" && path != "contacts") {
        return AccessDenied(p, "update " + path + " (a school admin may update address and contacts)");
      }
    }
    return absl::OkStatus();
  }
  return AccessDenied(p, "update school " + school_code);
}

absl::StatusOr<std::string> ListScope(const auth::Principal& p, bool change_feed) {
  if (UnlimitedRole(p)) return std::string();
  if (p.role == Role::kCountyBureau) return p.region_prefix;
  if (change_feed) return AccessDenied(p, "read the change feed");
  return std::string();
}

}  // namespace gongtong::registry
