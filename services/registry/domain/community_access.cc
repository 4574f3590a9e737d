#include "registry/domain/community_access.h"

#include <algorithm>

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

absl::Status MayWriteCommunities(const auth::Principal& p) {
  if (Unlimited(p) || p.role == Role::kCountyBureau) return absl::OkStatus();
  return Denied(p, "create, change or delete communities and pairings");
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
      return Denied(p, "read communities with no school in region " + p.region_prefix);
    }
    case Role::kSchoolAdmin:
      if (std::find(reach.school_codes.begin(), reach.school_codes.end(), p.school_code) != reach.school_codes.end()) {
        return absl::OkStatus();
      }
      return Denied(p, "read communities school " + p.school_code + " is not in");
    default:
      return Denied(p, "read communities");
  }
}

absl::Status CanWriteCommunity(const auth::Principal& p, const CommunityReach& reach) {
  GT_RETURN_IF_ERROR(MayWriteCommunities(p));
  if (Unlimited(p)) return absl::OkStatus();
  if (!p.CoversRegion(reach.region_code)) {
    return Denied(p, "write communities of region " + reach.region_code + " (outside " + p.region_prefix + ")");
  }
  for (const auto& r : reach.school_regions) {
    if (!p.CoversRegion(r)) {
      return Denied(p, "write communities with a school in region " + r + " (outside " + p.region_prefix + ")");
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
      return Denied(p, "read communities");
  }
}

}  // namespace gongtong::registry
