#pragma once
// Who may do what with Party organisations (registry/v1/party.proto
// "Access"; issue 3 "Access"). Pure.
//
//   read    every role (province admin, service, county bureau, school
//           admin, teacher); anyone else PERMISSION_DENIED
//   write   province admin, service; county bureau when every school the
//           organisation spans (before and after the change) lies in its
//           prefix; school admin only to update `officers` and `secretary`
//           of an organisation of its own school (every school of it is
//           hers); anyone else PERMISSION_DENIED, before any validation

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/auth/principal.h"

namespace gongtong::registry {

// The schools an organisation spans and their regions (of those that exist).
struct PartyReach {
  std::vector<std::string> school_codes;
  std::vector<std::string> school_regions;
};

absl::Status CanReadParty(const auth::Principal& p);
// The role gate of a create, delete or undelete (school admins may not).
absl::Status MayWriteParty(const auth::Principal& p);
// The role gate of an update: school admins may change only `officers` and
// `secretary` (the update mask's `paths`).
absl::Status MayUpdateParty(const auth::Principal& p, const std::vector<std::string>& paths);
// The organisation's reach is within the caller's.
absl::Status CanWriteParty(const auth::Principal& p, const PartyReach& reach);

// Secretary studios (party.proto SecretaryStudio "Access"): read by every
// role (CanReadParty); written by the province, services and the county
// bureau whose prefix covers every region the studio has (before and after
// the change); anyone else PERMISSION_DENIED, before any validation.
absl::Status MayWriteStudio(const auth::Principal& p);
absl::Status CanWriteStudio(const auth::Principal& p, const std::vector<std::string>& regions);

}  // namespace gongtong::registry
