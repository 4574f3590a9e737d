#include "common/auth/jwt_verifier.h"

#include <jwt.h>

#include <memory>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/error.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "common/strings.h"

namespace gongtong::auth {
namespace {

absl::Status Refuse(const char* reason, std::string message) {
  return ErrorBuilder(absl::StatusCode::kUnauthenticated, reason)
      .Message(std::move(message))
      .Zh("身份令牌无效或已过期，请重新登录");
}

// Decodes a base64url JSON segment into a Struct.
bool DecodeJsonSegment(std::string_view segment, google::protobuf::Struct* out) {
  std::string json;
  if (!absl::WebSafeBase64Unescape(Absl(segment), &json)) return false;
  return google::protobuf::util::JsonStringToMessage(json, out).ok();
}

std::string StringField(const google::protobuf::Struct& s, const char* name) {
  auto it = s.fields().find(name);
  if (it == s.fields().end() || it->second.kind_case() != google::protobuf::Value::kStringValue) {
    return "";
  }
  return it->second.string_value();
}

// Numeric date claim in seconds since the epoch; false when absent.
bool NumberField(const google::protobuf::Struct& s, const char* name, double* out) {
  auto it = s.fields().find(name);
  if (it == s.fields().end() || it->second.kind_case() != google::protobuf::Value::kNumberValue) {
    return false;
  }
  *out = it->second.number_value();
  return true;
}

struct JwtDeleter {
  void operator()(jwt_t* j) const { jwt_free(j); }
};

}  // namespace

JwtVerifier::JwtVerifier(KeySet keys, JwtPolicy policy, Clock clock)
    : keys_(std::move(keys)), policy_(std::move(policy)), clock_(std::move(clock)) {}

absl::StatusOr<Principal> JwtVerifier::Verify(std::string_view token) const {
  std::vector<std::string> parts = absl::StrSplit(Absl(token), '.');
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty()) {
    return Refuse("TOKEN_MALFORMED", "bearer token is not a JWT (header.payload.signature)");
  }
  google::protobuf::Struct header;
  if (!DecodeJsonSegment(parts[0], &header)) {
    return Refuse("TOKEN_MALFORMED", "JWT header is not base64url JSON");
  }
  // Pin the algorithm before any cryptography: libjwt would otherwise accept
  // "none" or an HS256 token keyed with our public key.
  if (StringField(header, "alg") != "RS256") {
    return Refuse("TOKEN_ALG_NOT_ALLOWED", "JWT alg must be RS256");
  }
  const std::string kid = StringField(header, "kid");
  const std::string* pem = keys_.Find(kid);
  if (pem == nullptr) {
    return Refuse("TOKEN_KID_UNKNOWN", absl::StrCat("JWT kid '", kid, "' is not a known key"));
  }
  jwt_t* raw = nullptr;
  const std::string token_copy(token);
  int rc = jwt_decode(&raw, token_copy.c_str(), reinterpret_cast<const unsigned char*>(pem->data()),
                      static_cast<int>(pem->size()));
  std::unique_ptr<jwt_t, JwtDeleter> jwt(raw);
  if (rc != 0 || !jwt) return Refuse("TOKEN_SIGNATURE_INVALID", "JWT signature does not verify");
  if (jwt_get_alg(jwt.get()) != JWT_ALG_RS256) {  // belt and braces, see MACHINE-NOTES
    return Refuse("TOKEN_ALG_NOT_ALLOWED", "JWT alg must be RS256");
  }

  google::protobuf::Struct claims;
  if (!DecodeJsonSegment(parts[1], &claims)) {
    return Refuse("TOKEN_MALFORMED", "JWT payload is not base64url JSON");
  }
  const double now = std::chrono::duration<double>(clock_().time_since_epoch()).count();
  const double leeway = static_cast<double>(policy_.leeway.count());
  double exp = 0, nbf = 0, iat = 0;
  if (!NumberField(claims, "exp", &exp) || exp + leeway <= now) {
    return Refuse("TOKEN_EXPIRED", "JWT has expired (or has no exp)");
  }
  if ((NumberField(claims, "nbf", &nbf) && nbf - leeway > now) ||
      (NumberField(claims, "iat", &iat) && iat - leeway > now)) {
    return Refuse("TOKEN_NOT_YET_VALID", "JWT is not valid yet (nbf/iat in the future)");
  }
  if (StringField(claims, "iss") != policy_.issuer) {
    return Refuse("TOKEN_ISSUER_MISMATCH", "JWT issuer is not trusted");
  }
  bool audience_ok = StringField(claims, "aud") == policy_.audience;
  if (auto aud = claims.fields().find("aud");
      !audience_ok && aud != claims.fields().end() && aud->second.has_list_value()) {
    for (const auto& v : aud->second.list_value().values()) audience_ok |= v.string_value() == policy_.audience;
  }
  if (!audience_ok) return Refuse("TOKEN_AUDIENCE_MISMATCH", "JWT audience does not include this suite");

  Principal p;
  p.subject = StringField(claims, "sub");
  auto role = ParseRole(StringField(claims, "role"));
  if (p.subject.empty() || !role) {
    return Refuse("TOKEN_CLAIMS_INVALID", "JWT needs sub and a known role");
  }
  p.role = *role;
  p.region_prefix = StringField(claims, "region");
  p.school_code = StringField(claims, "school");
  p.teacher_id = StringField(claims, "teacher");
  p.expires_at = std::chrono::system_clock::time_point(
      std::chrono::seconds(static_cast<int64_t>(exp)));
  if (std::string problem = ScopeProblem(p.role, p.region_prefix, p.school_code); !problem.empty()) {
    return Refuse("TOKEN_CLAIMS_INVALID", "JWT scope claims: " + problem);
  }
  return p;
}

}  // namespace gongtong::auth
