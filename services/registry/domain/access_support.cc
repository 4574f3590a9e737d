#include "registry/domain/access_support.h"

#include "absl/strings/str_cat.h"
#include "common/status/error.h"

namespace gongtong::registry {

absl::Status AccessDenied(const auth::Principal& p, const std::string& what) {
  return ErrorBuilder(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED")
      .Message(absl::StrCat("role ", std::string(auth::RoleName(p.role)), " may not ", what))
      .Zh("您没有权限执行此操作")
      .Meta("role", std::string(auth::RoleName(p.role)));
}

bool UnlimitedRole(const auth::Principal& p) {
  return p.role == auth::Role::kProvinceAdmin || p.role == auth::Role::kService;
}

}  // namespace gongtong::registry
