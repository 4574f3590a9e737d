#include "token.h"

#include <jwt.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "args.h"

namespace gongtongctl {
namespace {

bool AllDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); });
}

struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
struct MallocDeleter {
  void operator()(char* p) const { std::free(p); }
};

absl::Status JwtError(const char* what, int rc) {
  return absl::InternalError(absl::StrCat("libjwt: ", what, ": ", std::strerror(rc)));
}

}  // namespace

const std::vector<std::string>& KnownRoles() {
  static const std::vector<std::string> kRoles = {kRoleProvinceAdmin, kRoleCountyBureau,
                                                  kRoleSchoolAdmin, kRoleTeacher, kRoleService,
                                                  kRoleTownshipHead};
  return kRoles;
}

absl::Status ValidateClaims(const TokenClaims& c) {
  if (c.kid.empty()) return absl::InvalidArgumentError("--kid is required (the key id servers look up)");
  if (c.issuer.empty()) return absl::InvalidArgumentError("--iss is required");
  if (c.audience.empty()) return absl::InvalidArgumentError("--aud is required");
  if (c.subject.empty()) return absl::InvalidArgumentError("--sub is required");
  if (c.role.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--role is required: one of ", absl::StrJoin(KnownRoles(), ", ")));
  }
  const std::vector<std::string>& roles = KnownRoles();
  if (std::find(roles.begin(), roles.end(), c.role) == roles.end()) {
    return absl::InvalidArgumentError(absl::StrCat("--role=", c.role, ": unknown role; want one of ",
                                                   absl::StrJoin(roles, ", ")));
  }
  if (c.role == kRoleTownshipHead) {
    if (c.region.size() != 9 || !AllDigits(c.region)) {
      return absl::InvalidArgumentError(
          "role township_head needs --region: the 9-digit township code (county code + 3 digits)");
    }
  } else if (!c.region.empty() &&
             (!AllDigits(c.region) || c.region.size() < 2 || c.region.size() > 6)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--region=", c.region, ": want a region-code prefix of 2 to 6 digits (e.g. 331024 for 仙居县, 3310 for all of 台州)"));
  }
  if (!c.school.empty() && (!AllDigits(c.school) || c.school.size() != 10)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--school=", c.school, ": want a 10-digit school code"));
  }
  if (c.role == kRoleCountyBureau && c.region.empty()) {
    return absl::InvalidArgumentError("role county_bureau needs --region (2 to 6 digits)");
  }
  if ((c.role == kRoleSchoolAdmin || c.role == kRoleTeacher) && c.school.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("role ", c.role, " needs --school (10-digit school code)"));
  }
  if (c.ttl_seconds <= 0 || c.ttl_seconds > kMaxTokenTtlSeconds) {
    return absl::InvalidArgumentError(
        absl::StrCat("--ttl=", c.ttl_seconds, ": want 1 to ", kMaxTokenTtlSeconds, " seconds"));
  }
  return absl::OkStatus();
}

absl::StatusOr<TokenCommand> ParseTokenCommand(const std::vector<std::string>& args) {
  absl::StatusOr<CommandFlags> flags = ParseCommandFlags(
      args, {"key", "kid", "iss", "aud", "sub", "role", "region", "school", "teacher", "ttl"});
  if (!flags.ok()) return flags.status();
  if (!flags->positional.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("token takes only flags; unexpected \"", flags->positional.front(), "\""));
  }
  auto get = [&](const char* name) {
    auto it = flags->values.find(name);
    return it == flags->values.end() ? std::string() : it->second;
  };
  TokenCommand cmd;
  cmd.key_file = get("key");
  cmd.claims.kid = get("kid");
  cmd.claims.issuer = get("iss");
  cmd.claims.audience = get("aud");
  cmd.claims.subject = get("sub");
  cmd.claims.role = get("role");
  cmd.claims.region = get("region");
  cmd.claims.school = get("school");
  cmd.claims.teacher = get("teacher");
  if (std::string ttl = get("ttl"); !ttl.empty()) {
    if (!absl::SimpleAtoi(ttl, &cmd.claims.ttl_seconds)) {
      return absl::InvalidArgumentError(absl::StrCat("--ttl=", ttl, ": want whole seconds"));
    }
  }
  if (cmd.key_file.empty()) {
    return absl::InvalidArgumentError("--key is required (PEM file with the RSA private key)");
  }
  absl::Status valid = ValidateClaims(cmd.claims);
  if (!valid.ok()) return valid;
  return cmd;
}

absl::StatusOr<std::string> MintToken(const TokenClaims& c, const std::string& private_key_pem,
                                      int64_t now_unix) {
  absl::Status valid = ValidateClaims(c);
  if (!valid.ok()) return valid;
  if (!absl::StrContains(private_key_pem, "-----BEGIN") ||
      !absl::StrContains(private_key_pem, "PRIVATE KEY-----")) {
    return absl::InvalidArgumentError("the key is not a PEM private key (-----BEGIN ... PRIVATE KEY-----)");
  }
  jwt_t* raw = nullptr;
  if (int rc = jwt_new(&raw); rc != 0) return JwtError("jwt_new", rc);
  std::unique_ptr<jwt_t, JwtDeleter> jwt(raw);

  int rc = jwt_set_alg(jwt.get(), JWT_ALG_RS256,
                       reinterpret_cast<const unsigned char*>(private_key_pem.data()),
                       static_cast<int>(private_key_pem.size()));
  if (rc != 0) return JwtError("jwt_set_alg RS256", rc);
  if ((rc = jwt_add_header(jwt.get(), "kid", c.kid.c_str())) != 0) return JwtError("kid", rc);
  if ((rc = jwt_add_header(jwt.get(), "typ", "JWT")) != 0) return JwtError("typ", rc);

  const std::pair<const char*, const std::string*> strings[] = {
      {"iss", &c.issuer}, {"aud", &c.audience}, {"sub", &c.subject}, {"role", &c.role},
      {"region", &c.region}, {"school", &c.school}, {"teacher", &c.teacher}};
  for (const auto& [name, value] : strings) {
    if (value->empty()) continue;
    if ((rc = jwt_add_grant(jwt.get(), name, value->c_str())) != 0) return JwtError(name, rc);
  }
  const std::pair<const char*, int64_t> times[] = {
      {"iat", now_unix}, {"nbf", now_unix}, {"exp", now_unix + c.ttl_seconds}};
  for (const auto& [name, value] : times) {
    if ((rc = jwt_add_grant_int(jwt.get(), name, static_cast<long>(value))) != 0) {
      return JwtError(name, rc);
    }
  }
  errno = 0;
  std::unique_ptr<char, MallocDeleter> encoded(jwt_encode_str(jwt.get()));
  if (encoded == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot sign with RS256: is the key an RSA private key in PEM form?",
        errno != 0 ? absl::StrCat(" (", std::strerror(errno), ")") : std::string()));
  }
  return std::string(encoded.get());
}

absl::StatusOr<std::string> ReadFileContents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace gongtongctl
