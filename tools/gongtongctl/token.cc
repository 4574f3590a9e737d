#include "token.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "args.h"
#include "common/auth/jwt_minter.h"
#include "common/auth/principal.h"

namespace gongtongctl {
namespace {

using gongtong::auth::Role;
using gongtong::auth::ScopeProblem;

// The claim formats come from the suite's one scope rule (ScopeProblem): a
// region prefix is what a county bureau may be scoped to, a township code what
// a township head is scoped to, a school code what a school admin is scoped to.
bool IsRegionPrefix(const std::string& region) {
  return ScopeProblem(Role::kCountyBureau, region, "").empty();
}
bool IsTownshipCode(const std::string& region) {
  return ScopeProblem(Role::kTownshipHead, region, "").empty();
}
bool IsSchoolCode(const std::string& school) {
  return ScopeProblem(Role::kSchoolAdmin, "", school).empty();
}

}  // namespace

const std::vector<std::string>& KnownRoles() {
  // Role's enumerators are 0, 1, 2, ... in order and RoleName answers a name
  // ParseRole does not know past the last, so the list follows the library.
  static const std::vector<std::string> kRoles = [] {
    std::vector<std::string> names;
    for (int i = 0;; ++i) {
      const std::string_view name = gongtong::auth::RoleName(static_cast<Role>(i));
      if (!gongtong::auth::ParseRole(name).has_value()) break;
      names.emplace_back(name);
    }
    return names;
  }();
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
  const std::optional<Role> role = gongtong::auth::ParseRole(c.role);
  if (!role.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat("--role=", c.role, ": unknown role; want one of ",
                                                   absl::StrJoin(KnownRoles(), ", ")));
  }
  // The flag-by-flag messages first; the rule itself is ScopeProblem below.
  if (*role == Role::kTownshipHead) {
    if (!IsTownshipCode(c.region)) {
      return absl::InvalidArgumentError(
          "role township_head needs --region: the 9-digit township code (county code + 3 digits)");
    }
  } else if (!c.region.empty() && !IsRegionPrefix(c.region)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--region=", c.region, ": want a region-code prefix of 2 to 6 digits (e.g. 331024 for 仙居县, 3310 for all of 台州)"));
  }
  if (!c.school.empty() && !IsSchoolCode(c.school)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--school=", c.school, ": want a 10-digit school code"));
  }
  if (std::string problem = ScopeProblem(*role, c.region, c.school); !problem.empty()) {
    // What is left is a scope claim the role needs but was not given.
    if (*role == Role::kCountyBureau && c.region.empty()) {
      return absl::InvalidArgumentError("role county_bureau needs --region (2 to 6 digits)");
    }
    if ((*role == Role::kSchoolAdmin || *role == Role::kTeacher) && c.school.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("role ", c.role, " needs --school (10-digit school code)"));
    }
    return absl::InvalidArgumentError(absl::StrCat("--role=", c.role, ": ", problem));
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
  gongtong::auth::TokenRequest request;
  request.private_key_pem = private_key_pem;
  request.kid = c.kid;
  request.issuer = c.issuer;
  request.audience = c.audience;
  request.subject = c.subject;
  request.role = *gongtong::auth::ParseRole(c.role);  // ValidateClaims knows it
  request.region = c.region;
  request.school = c.school;
  request.teacher = c.teacher;
  request.ttl = std::chrono::seconds(c.ttl_seconds);
  request.issued_at = std::chrono::system_clock::time_point(std::chrono::seconds(now_unix));
  return gongtong::auth::MintToken(request);
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
