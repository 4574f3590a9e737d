#pragma once
// The one place the caller's identity is taken from request metadata:
// "authorization: Bearer <JWT>". Missing → UNAUTHENTICATED TOKEN_MISSING;
// otherwise JwtVerifier decides. Verified tokens are remembered (bounded,
// until their expiry) so a busy client does not pay an RSA verification per
// call; a remembered token is still re-checked for expiry.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "common/auth/jwt_verifier.h"
#include "common/auth/principal.h"

namespace gongtong::auth {

class Authenticator {
 public:
  explicit Authenticator(std::unique_ptr<JwtVerifier> verifier, size_t cache_capacity = 4096);

  // `authorization` is the metadata value ("" when absent).
  absl::StatusOr<Principal> Authenticate(std::string_view authorization);

 private:
  struct Entry {
    Principal principal;
    std::chrono::system_clock::time_point verified_at;
  };
  std::unique_ptr<JwtVerifier> verifier_;
  const size_t capacity_;
  std::mutex mu_;
  std::map<std::string, Entry, std::less<>> cache_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gongtong::auth
