#include "registry/domain/school_access.h"

#include "absl/strings/str_cat.h"
#include "common/status/error.h"

namespace gongtong::registry {
namespace {

using auth::Role;

absl::Status Denied(const auth::Principal& p, const std::string& what) {
  return ErrorBuilder(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED")
      .Message(absl::StrCat("role ", std::string(auth::RoleName(p.role)), " may not ", what))
      .Zh("您没有权限执行此操作")
      .Meta("role", std::string(auth::RoleName(p.role)));
}

bool Unlimited(const auth::Principal& p) { return p.role == Role::kProvinceAdmin || p.role == Role::kService; }

}  // namespace

absl::Status CanReadSchool(const auth::Principal& p, const std::string& region_code) {
  if (p.role == Role::kCountyBureau && !p.CoversRegion(region_code)) {
    return Denied(p, "read schools outside region " + p.region_prefix);
  }
  return absl::OkStatus();
}

absl::Status CanCreateOrDeleteSchool(const auth::Principal& p, const std::string& region_code) {
  if (Unlimited(p) || (p.role == Role::kCountyBureau && p.CoversRegion(region_code))) {
    return absl::OkStatus();
  }
  return Denied(p, "create or delete schools in region " + region_code);
}

absl::Status CanUpdateSchool(const auth::Principal& p, const std::string& school_code,
                             const std::string& old_region, const std::string& new_region,
                             const std::vector<std::string>& paths) {
  if (Unlimited(p)) return absl::OkStatus();
  if (p.role == Role::kCountyBureau && p.CoversRegion(old_region)) {
    if (old_region != new_region) return Denied(p, "move a school to another region (province admin only)");
    return absl::OkStatus();
  }
  if (p.role == Role::kSchoolAdmin && p.school_code == school_code) {
    for (const auto& path : paths) {
      if (path != "address" && path != "contacts") {
        return Denied(p, "update " + path + " (a school admin may update address and contacts)");
      }
    }
    return absl::OkStatus();
  }
  return Denied(p, "update school " + school_code);
}

absl::StatusOr<std::string> ListScope(const auth::Principal& p, bool change_feed) {
  if (Unlimited(p)) return std::string();
  if (p.role == Role::kCountyBureau) return p.region_prefix;
  if (change_feed) return Denied(p, "read the change feed");
  return std::string();
}

}  // namespace gongtong::registry
