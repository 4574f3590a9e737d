#pragma once
// Verifies bearer tokens: RS256 JWTs signed by a key of the KeySet.
//
// Checks, in order, each failure UNAUTHENTICATED with its own ErrorInfo reason:
//   TOKEN_MALFORMED          not three base64url parts / header not JSON
//   TOKEN_ALG_NOT_ALLOWED    header alg is not "RS256" (pinned: rejects "none"
//                            and HS256 forged with the public key as secret)
//   TOKEN_KID_UNKNOWN        header kid missing or not in the key file
//   TOKEN_SIGNATURE_INVALID  signature does not verify with that key
//   TOKEN_EXPIRED            exp missing or <= now (leeway applies)
//   TOKEN_NOT_YET_VALID      nbf or iat in the future beyond leeway
//   TOKEN_ISSUER_MISMATCH    iss != configured issuer
//   TOKEN_AUDIENCE_MISMATCH  aud (string or array) lacks configured audience
//   TOKEN_CLAIMS_INVALID     role unknown, or scope claims missing/malformed
//                            (county_bureau: region 2–6 digits; township_head:
//                            region 9 digits; school_admin/teacher: school 10 digits)
// Thread-safe.

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/auth/key_set.h"
#include "common/auth/principal.h"

namespace gongtong::auth {

struct JwtPolicy {
  std::string issuer;
  std::string audience;
  std::chrono::seconds leeway{30};
};

class JwtVerifier {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  JwtVerifier(KeySet keys, JwtPolicy policy, Clock clock = std::chrono::system_clock::now);

  absl::StatusOr<Principal> Verify(std::string_view token) const;

 private:
  KeySet keys_;
  JwtPolicy policy_;
  Clock clock_;
};

}  // namespace gongtong::auth
