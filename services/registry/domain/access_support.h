#pragma once
// What every registry access rule (school_access, community_access,
// calendar_access, roster_access) says the same way. Pure.

#include <string>

#include "absl/status/status.h"
#include "common/auth/principal.h"

namespace gongtong::registry {

// PERMISSION_DENIED: "role <role> may not <what>", zh-CN message, the role
// in the error's metadata.
absl::Status AccessDenied(const auth::Principal& p, const std::string& what);

// Province admins and services act everywhere.
bool UnlimitedRole(const auth::Principal& p);

}  // namespace gongtong::registry
