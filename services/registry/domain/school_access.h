#pragma once
// Who may do what with schools (issue 3 "Access"; DOMAIN §7). Pure.
//
//   read            everyone authenticated, except a county bureau outside
//                   its region prefix (school master data is a directory
//                   that paired schools and teachers need to see)
//   create/delete   province admin, service; county bureau inside its prefix
//   update          as create; moving a school to another region
//                   (region_code) needs province admin or service; a school
//                   admin may update `address` and `contacts` of its own school
//   change feed     province admin, service; county bureau (its region only)

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth/principal.h"

namespace gongtong::registry {

absl::Status CanReadSchool(const auth::Principal& p, const std::string& region_code);
absl::Status CanCreateOrDeleteSchool(const auth::Principal& p, const std::string& region_code);
absl::Status CanUpdateSchool(const auth::Principal& p, const std::string& school_code,
                             const std::string& old_region, const std::string& new_region,
                             const std::vector<std::string>& paths);
// The region prefix a listing must be limited to ("" = no limit), or
// PERMISSION_DENIED for callers that may not list at all.
absl::StatusOr<std::string> ListScope(const auth::Principal& p, bool change_feed);

}  // namespace gongtong::registry
