#pragma once
// Who may do what with communities and pairings (issue 3 "Access"; DOMAIN
// §7). Pure. A pairing is read and written as its community is.
//
//   read    province admin, service: every community; county bureau: a
//           community with its region or any of its schools in the bureau's
//           prefix; school admin: the communities its school is core or
//           member of; teacher: every community; anyone else
//           PERMISSION_DENIED
//   write   province admin, service; county bureau when the community's
//           region and every one of its schools lie in its prefix (before and
//           after the change); anyone else PERMISSION_DENIED, before any
//           validation

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth/principal.h"

namespace gongtong::registry {

// Where a community reaches: its region, its schools and their regions.
struct CommunityReach {
  std::string region_code;
  std::vector<std::string> school_codes;
  std::vector<std::string> school_regions;  // of the schools that exist
};

// The role gate of every community or pairing write, checked first.
absl::Status MayWriteCommunities(const auth::Principal& p);
absl::Status CanReadCommunity(const auth::Principal& p, const CommunityReach& reach);
absl::Status CanWriteCommunity(const auth::Principal& p, const CommunityReach& reach);

// What a listing is limited to: communities reaching `region_prefix`, or
// having `school_code` as core or member; both empty means everything.
struct CommunityListScope {
  std::string region_prefix;
  std::string school_code;
};
absl::StatusOr<CommunityListScope> CommunityReadScope(const auth::Principal& p);

}  // namespace gongtong::registry
