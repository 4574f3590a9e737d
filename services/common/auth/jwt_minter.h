#pragma once
// Mints RS256 tokens for development, tests and the CLI's `token` command.
// Production tokens come from the province's identity provider; the suite
// only ever verifies (JwtVerifier).

#include <chrono>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/auth/principal.h"

namespace gongtong::auth {

struct TokenRequest {
  std::string private_key_pem;
  std::string kid;
  std::string issuer;
  std::string audience;
  std::string subject;
  Role role = Role::kTeacher;
  std::string region;   // county_bureau (2–6 digits), township_head (9 digits)
  std::string school;   // school_admin, teacher
  std::string teacher;  // teacher
  std::chrono::seconds ttl{8 * 3600};
  // Issue time; now when unset (tests set it to make expired tokens).
  std::optional<std::chrono::system_clock::time_point> issued_at;
  // Refuse scope claims that do not suit the role (ScopeProblem). Tests turn
  // it off to make tokens the verifier must refuse.
  bool check_scope = true;
};

absl::StatusOr<std::string> MintToken(const TokenRequest& request);

}  // namespace gongtong::auth
