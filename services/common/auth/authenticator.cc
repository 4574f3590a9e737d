#include "common/auth/authenticator.h"

#include "absl/strings/match.h"
#include "common/status/error.h"
#include "common/strings.h"

namespace gongtong::auth {
namespace {
// A remembered verification is reused for at most this long, and never past
// the token's exp.
constexpr auto kRememberFor = std::chrono::seconds(60);
}  // namespace

Authenticator::Authenticator(std::unique_ptr<JwtVerifier> verifier, size_t cache_capacity)
    : verifier_(std::move(verifier)), capacity_(cache_capacity) {}

absl::StatusOr<Principal> Authenticator::Authenticate(std::string_view authorization) {
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.empty()) {
    return ErrorBuilder(absl::StatusCode::kUnauthenticated, "TOKEN_MISSING")
        .Message("missing 'authorization: Bearer <token>' metadata")
        .Zh("缺少身份令牌，请先登录");
  }
  if (!absl::StartsWithIgnoreCase(Absl(authorization), Absl(kBearer))) {
    return ErrorBuilder(absl::StatusCode::kUnauthenticated, "TOKEN_MALFORMED")
        .Message("authorization metadata must be 'Bearer <token>'")
        .Zh("身份令牌格式错误");
  }
  std::string_view token = authorization.substr(kBearer.size());
  const auto now = std::chrono::system_clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(token);
    if (it != cache_.end() && now - it->second.verified_at < kRememberFor &&
        now < it->second.principal.expires_at) {
      return it->second.principal;
    }
  }
  auto principal = verifier_->Verify(token);
  if (!principal.ok()) return principal;
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() >= capacity_) cache_.clear();  // simple bound; tokens are few
  cache_[std::string(token)] = Entry{*principal, now};
  return principal;
}

}  // namespace gongtong::auth
