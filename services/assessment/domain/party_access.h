#pragma once
// Who may do what with Party points (party_points.proto "Access"; issue 5
// "Access"; DOMAIN §7). Pure; PERMISSION_DENIED with a zh-CN message.
//
//   write checkpoints   school admin of the member's school; county bureau
//                       covering the member's region; province admin;
//                       service. Nobody writes for another unit.
//   read a member's     those, and the member herself (teacher token with
//   records             her teacher id).
//   standings           province, service: all; county bureau: the
//                       organisation's members in its region; school admin:
//                       the members of its school; teacher: her own
//                       organisation (MemberInStandings filters the rows).

#include <string_view>

#include "absl/status/status.h"
#include "common/auth/principal.h"

namespace gongtong::assessment {

// Where a member belongs, for access decisions.
struct MemberScope {
  std::string_view teacher_id;
  std::string_view school_code;
  std::string_view region_code;
  std::string_view party_organization;
};

absl::Status MayWritePartyPoints(const auth::Principal& p, const MemberScope& member);
absl::Status MayReadPartyPoints(const auth::Principal& p, const MemberScope& member);
// Standings of `organization`: may the caller ask at all? A teacher must
// belong to it (`caller_organization` from her member facts).
absl::Status MayReadStandings(const auth::Principal& p, std::string_view organization,
                              std::string_view caller_organization);
// Whether `member` is shown in standings to the caller.
bool MemberInStandings(const auth::Principal& p, const MemberScope& member);

}  // namespace gongtong::assessment
