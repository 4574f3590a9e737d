#include "registry/domain/party_access.h"

#include "common/status/error.h"
#include "registry/domain/access_support.h"

namespace gongtong::registry {
using auth::Role;

absl::Status CanReadParty(const auth::Principal& p) {
  switch (p.role) {
    case Role::kProvinceAdmin:
    case Role::kService:
    case Role::kCountyBureau:
    case Role::kSchoolAdmin:
    case Role::kTeacher:
      return absl::OkStatus();
    default:
      return AccessDenied(p, "read Party organisations");
  }
}

absl::Status MayWriteParty(const auth::Principal& p) {
  if (UnlimitedRole(p) || p.role == Role::kCountyBureau) return absl::OkStatus();
  return AccessDenied(p, "create, delete or restore Party organisations");
}

absl::Status MayUpdateParty(const auth::Principal& p, const std::vector<std::string>& paths) {
  if (p.role != Role::kSchoolAdmin) return MayWriteParty(p);
  for (const auto& path : paths) {
    if (path != "officers" && path != "secretary") {
      return AccessDenied(p, "change " + path + " of Party organisations (only officers and secretary)");
    }
  }
  return absl::OkStatus();
}

absl::Status CanWriteParty(const auth::Principal& p, const PartyReach& reach) {
  if (UnlimitedRole(p)) return absl::OkStatus();
  if (p.role == Role::kCountyBureau) {
    for (const auto& r : reach.school_regions) {
      if (!p.CoversRegion(r)) {
        return AccessDenied(p, "write Party organisations with a school in region " + r + " (outside " +
                                   p.region_prefix + ")");
      }
    }
    return absl::OkStatus();
  }
  if (p.role == Role::kSchoolAdmin) {
    for (const auto& code : reach.school_codes) {
      if (code != p.school_code) return AccessDenied(p, "write Party organisations of school " + code);
    }
    if (!reach.school_codes.empty()) return absl::OkStatus();
  }
  return AccessDenied(p, "write Party organisations");
}

absl::Status MayWriteStudio(const auth::Principal& p) {
  if (UnlimitedRole(p) || p.role == Role::kCountyBureau) return absl::OkStatus();
  return AccessDenied(p, "write secretary studios");
}

absl::Status CanWriteStudio(const auth::Principal& p, const std::vector<std::string>& regions) {
  GT_RETURN_IF_ERROR(MayWriteStudio(p));
  if (UnlimitedRole(p)) return absl::OkStatus();
  for (const auto& r : regions) {
    if (!p.CoversRegion(r)) {
      return AccessDenied(p, "write secretary studios of region " + r + " (outside " + p.region_prefix + ")");
    }
  }
  return absl::OkStatus();
}

}  // namespace gongtong::registry
