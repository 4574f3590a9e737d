#include "common/auth/jwt_minter.h"

#include <jwt.h>

#include <cstdlib>
#include <memory>

#include "absl/strings/str_cat.h"

namespace gongtong::auth {
namespace {
struct JwtDeleter {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
}  // namespace

absl::StatusOr<std::string> MintToken(const TokenRequest& r) {
  if (std::string problem = ScopeProblem(r.role, r.region, r.school);
      r.check_scope && !problem.empty()) {
    return absl::InvalidArgumentError(problem);
  }
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return absl::InternalError("jwt_new failed");
  std::unique_ptr<jwt_t, JwtDeleter> jwt(raw);
  const auto now = r.issued_at.value_or(std::chrono::system_clock::now());
  const long iat = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  int rc = 0;
  rc |= jwt_add_header(jwt.get(), "kid", r.kid.c_str());
  rc |= jwt_add_grant(jwt.get(), "iss", r.issuer.c_str());
  rc |= jwt_add_grant(jwt.get(), "aud", r.audience.c_str());
  rc |= jwt_add_grant(jwt.get(), "sub", r.subject.c_str());
  rc |= jwt_add_grant(jwt.get(), "role", std::string(RoleName(r.role)).c_str());
  rc |= jwt_add_grant_int(jwt.get(), "iat", iat);
  rc |= jwt_add_grant_int(jwt.get(), "nbf", iat);
  rc |= jwt_add_grant_int(jwt.get(), "exp", iat + r.ttl.count());
  if (!r.region.empty()) rc |= jwt_add_grant(jwt.get(), "region", r.region.c_str());
  if (!r.school.empty()) rc |= jwt_add_grant(jwt.get(), "school", r.school.c_str());
  if (!r.teacher.empty()) rc |= jwt_add_grant(jwt.get(), "teacher", r.teacher.c_str());
  if (rc != 0) return absl::InternalError("cannot set JWT claims");
  if (jwt_set_alg(jwt.get(), JWT_ALG_RS256,
                  reinterpret_cast<const unsigned char*>(r.private_key_pem.data()),
                  static_cast<int>(r.private_key_pem.size())) != 0) {
    return absl::InvalidArgumentError("cannot use the private key for RS256");
  }
  char* encoded = jwt_encode_str(jwt.get());
  if (encoded == nullptr) return absl::InvalidArgumentError("cannot sign: is the key an RSA private key PEM?");
  std::string token(encoded);
  free(encoded);  // libjwt 1.10 has no jwt_free_str
  return token;
}

}  // namespace gongtong::auth
