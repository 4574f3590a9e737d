#include "registry/domain/community_access.h"
#include "registry/domain/access_support.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status/error.h"

namespace gongtong::registry {
using auth::Role;

absl::Status MayWriteCommunities(const auth::Principal& p) {
  if (UnlimitedRole(p) || p.role == Role::kCountyBureau) return absl::OkStatus();
  return AccessDenied(p, "create, change or delete communities and pairings");
}

absl::Status CanReadCommunity(const auth::Principal& p, const CommunityReach& reach) {
  switch (p.role) {
    case Role::kProvinceAdmin:
    case Role::kService:
    case Role::kTeacher:
      return absl::OkStatus();
    case Role::kCountyBureau: {
      if (p.CoversRegion(reach.region_code)) return absl::OkStatus();
      for (const auto& r : reach.school_regions) {
        if (p.CoversRegion(r)) return absl::OkStatus();
      }
      return AccessDenied(p, "read communities with no school in region " + p.region_prefix);
    }
    case Role::kSchoolAdmin:
      if (std::find(reach.school_codes.begin(), reach.school_codes.end(), p.school_code) != reach.school_codes.end()) {
        return absl::OkStatus();
      }
      return AccessDenied(p, "read communities school " + p.school_code + " is not in");
    default:
      return AccessDenied(p, "read communities");
  }
}

absl::Status CanWriteCommunity(const auth::Principal& p, const CommunityReach& reach) {
  GT_RETURN_IF_ERROR(MayWriteCommunities(p));
  if (UnlimitedRole(p)) return absl::OkStatus();
  if (!p.CoversRegion(reach.region_code)) {
    return AccessDenied(p, "write communities of region " + reach.region_code + " (outside " + p.region_prefix + ")");
  }
  for (const auto& r : reach.school_regions) {
    if (!p.CoversRegion(r)) {
      return AccessDenied(p, "write communities with a school in region " + r + " (outside " + p.region_prefix + ")");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<CommunityListScope> CommunityReadScope(const auth::Principal& p) {
  switch (p.role) {
    case Role::kProvinceAdmin:
    case Role::kService:
    case Role::kTeacher:
      return CommunityListScope{};
    case Role::kCountyBureau:
      return CommunityListScope{p.region_prefix, ""};
    case Role::kSchoolAdmin:
      return CommunityListScope{"", p.school_code};
    default:
      return AccessDenied(p, "read communities");
  }
}

}  // namespace gongtong::registry
