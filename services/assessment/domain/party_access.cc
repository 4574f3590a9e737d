#include "assessment/domain/party_access.h"

#include <string>

#include "assessment/domain/evaluation_access.h"

namespace gongtong::assessment {
namespace {

using auth::Role;

bool Administers(const auth::Principal& p, const MemberScope& m) {
  switch (p.role) {
    case Role::kProvinceAdmin:
    case Role::kService: return true;
    case Role::kCountyBureau: return !m.region_code.empty() && p.CoversRegion(m.region_code);
    case Role::kSchoolAdmin: return !p.school_code.empty() && p.school_code == m.school_code;
    default: return false;
  }
}

}  // namespace

absl::Status MayWritePartyPoints(const auth::Principal& p, const MemberScope& member) {
  if (Administers(p, member)) return absl::OkStatus();
  return AccessDenied("record Party points for this member", "为该党员记录积分");
}

absl::Status MayReadPartyPoints(const auth::Principal& p, const MemberScope& member) {
  if (Administers(p, member)) return absl::OkStatus();
  if (p.role == Role::kTeacher && !p.teacher_id.empty() && p.teacher_id == member.teacher_id) {
    return absl::OkStatus();
  }
  return AccessDenied("read this member's Party points", "查看该党员的积分");
}

absl::Status MayReadStandings(const auth::Principal& p, std::string_view organization,
                              std::string_view caller_organization) {
  switch (p.role) {
    case Role::kProvinceAdmin:
    case Role::kService:
    case Role::kCountyBureau:
    case Role::kSchoolAdmin: return absl::OkStatus();  // rows filtered by MemberInStandings
    case Role::kTeacher:
      if (!caller_organization.empty() && caller_organization == organization) return absl::OkStatus();
      break;
    default: break;
  }
  return AccessDenied("read the standings of this organisation", "查看该党组织的积分排名");
}

bool MemberInStandings(const auth::Principal& p, const MemberScope& member) {
  return p.role == Role::kTeacher || Administers(p, member);
}

}  // namespace gongtong::assessment
