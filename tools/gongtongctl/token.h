// `token`: minting RS256 JWTs for the dev stack with the suite's own minter
// (common/auth/jwt_minter.h). Production tokens come from the province's
// identity provider; this exists so that developers and tests can act as any
// role.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace gongtongctl {

inline constexpr int64_t kDefaultTokenTtlSeconds = 28800;  // 8 hours
inline constexpr int64_t kMaxTokenTtlSeconds = 31 * 86400;

// The names of the suite's roles (gongtong::auth::Role), for messages.
const std::vector<std::string>& KnownRoles();

struct TokenClaims {
  std::string kid;      // header "kid": which verification key
  std::string issuer;   // "iss"
  std::string audience; // "aud"
  std::string subject;  // "sub"
  std::string role;     // "role"
  std::string region;   // "region": region-code prefix, 2-6 digits (township_head: 9 digits)
  std::string school;   // "school": 10-digit school code
  std::string teacher;  // "teacher": teacher id
  int64_t ttl_seconds = kDefaultTokenTtlSeconds;
};

struct TokenCommand {
  std::string key_file;  // PEM RSA private key
  TokenClaims claims;
};

// Parses the flags of `token` (--key, --kid, --iss, --aud, --sub, --role,
// --region, --school, --teacher, --ttl) and validates them.
absl::StatusOr<TokenCommand> ParseTokenCommand(const std::vector<std::string>& args);

// Checks required claims, the role, the scope each role needs (the suite's
// ScopeProblem rule, reported by flag) and the TTL cap.
absl::Status ValidateClaims(const TokenClaims& claims);

// Validates the claims, checks the key looks like a PEM private key, and signs
// with gongtong::auth::MintToken (RS256): header {alg, typ: JWT, kid}; claims
// iss, aud, sub, iat = nbf = now, exp = now + ttl, role, and region / school /
// teacher when set.
absl::StatusOr<std::string> MintToken(const TokenClaims& claims,
                                      const std::string& private_key_pem, int64_t now_unix);

// Reads a whole file (the private key).
absl::StatusOr<std::string> ReadFileContents(const std::string& path);

}  // namespace gongtongctl
