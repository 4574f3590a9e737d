// JWT verification: every way a token must be refused, one row each, and the
// accepted tokens of every role.
#include <jwt.h>
#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "common/auth/authenticator.h"
#include "common/auth/jwt_verifier.h"
#include "common/status/error.h"
#include "test_keys.h"

namespace gongtong::auth {
namespace {

using gongtong::testing::TestAuth;

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1795000000));

JwtVerifier Verifier() {
  const TestAuth& a = TestAuth::Shared();
  return JwtVerifier(a.KeySet(), JwtPolicy{a.issuer, a.audience}, [] { return kNow; });
}

TokenRequest Request(Role role = Role::kProvinceAdmin) {
  TokenRequest r = TestAuth::Shared().Request(role);
  r.issued_at = kNow - std::chrono::minutes(5);
  return r;
}

std::string Mint(const TokenRequest& r) {
  auto t = MintToken(r);
  EXPECT_TRUE(t.ok()) << t.status();
  return *t;
}

std::string B64(const std::string& s) {
  std::string out;
  absl::WebSafeBase64Escape(s, &out);
  return out;
}

// A token with header {"alg":"none"} and valid claims, no signature.
std::string AlgNoneToken() {
  std::string valid = Mint(Request());
  std::vector<std::string> parts = absl::StrSplit(valid, '.');
  return B64(R"({"alg":"none","typ":"JWT","kid":"test-key-1"})") + "." + parts[1] + ".";
}

// HS256 keyed with the RSA PUBLIC key as the HMAC secret: the classic
// algorithm-confusion forgery (anyone has the public key).
std::string Hs256WithPublicKey(bool relabel_as_rs256) {
  const TestAuth& a = TestAuth::Shared();
  jwt_t* jwt = nullptr;
  jwt_new(&jwt);
  long iat = std::chrono::duration_cast<std::chrono::seconds>(kNow.time_since_epoch()).count() - 60;
  jwt_add_header(jwt, "kid", a.kid.c_str());
  jwt_add_grant(jwt, "iss", a.issuer.c_str());
  jwt_add_grant(jwt, "aud", a.audience.c_str());
  jwt_add_grant(jwt, "sub", "mallory");
  jwt_add_grant(jwt, "role", "province_admin");
  jwt_add_grant_int(jwt, "iat", iat);
  jwt_add_grant_int(jwt, "exp", iat + 3600);
  jwt_set_alg(jwt, JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(a.keys.public_pem.data()),
              static_cast<int>(a.keys.public_pem.size()));
  char* s = jwt_encode_str(jwt);
  std::string token(s);
  free(s);
  jwt_free(jwt);
  if (relabel_as_rs256) {
    std::vector<std::string> parts = absl::StrSplit(token, '.');
    token = B64(R"({"alg":"RS256","typ":"JWT","kid":"test-key-1"})") + "." + parts[1] + "." + parts[2];
  }
  return token;
}

struct RefusalRow {
  std::string name;
  std::function<std::string()> token;
  std::string reason;
};

class JwtRefuses : public ::testing::TestWithParam<RefusalRow> {};

TEST_P(JwtRefuses, WithUnauthenticatedAndItsReason) {
  auto p = Verifier().Verify(GetParam().token());
  ASSERT_FALSE(p.ok()) << GetParam().name << " was accepted";
  EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ReasonOf(p.status()), GetParam().reason) << p.status();
}

INSTANTIATE_TEST_SUITE_P(
    Rows, JwtRefuses,
    ::testing::Values(
        RefusalRow{"garbage", [] { return std::string("not-a-token"); }, "TOKEN_MALFORMED"},
        RefusalRow{"header_not_json", [] { return B64("nope") + ".e30.sig"; }, "TOKEN_MALFORMED"},
        RefusalRow{"expired",
                   [] {
                     auto r = Request();
                     r.issued_at = kNow - std::chrono::hours(10);
                     r.ttl = std::chrono::hours(1);
                     return Mint(r);
                   },
                   "TOKEN_EXPIRED"},
        RefusalRow{"not_yet_valid",
                   [] {
                     auto r = Request();
                     r.issued_at = kNow + std::chrono::hours(1);
                     return Mint(r);
                   },
                   "TOKEN_NOT_YET_VALID"},
        RefusalRow{"wrong_audience",
                   [] {
                     auto r = Request();
                     r.audience = "someone-else";
                     return Mint(r);
                   },
                   "TOKEN_AUDIENCE_MISMATCH"},
        RefusalRow{"wrong_issuer",
                   [] {
                     auto r = Request();
                     r.issuer = "https://evil.example";
                     return Mint(r);
                   },
                   "TOKEN_ISSUER_MISMATCH"},
        RefusalRow{"alg_none", [] { return AlgNoneToken(); }, "TOKEN_ALG_NOT_ALLOWED"},
        RefusalRow{"hs256_with_public_key", [] { return Hs256WithPublicKey(false); }, "TOKEN_ALG_NOT_ALLOWED"},
        RefusalRow{"hs256_relabelled_rs256", [] { return Hs256WithPublicKey(true); }, "TOKEN_SIGNATURE_INVALID"},
        RefusalRow{"unknown_kid",
                   [] {
                     auto r = Request();
                     r.kid = "retired-key";
                     return Mint(r);
                   },
                   "TOKEN_KID_UNKNOWN"},
        RefusalRow{"signed_by_another_key",
                   [] {
                     auto r = Request();
                     r.private_key_pem = gongtong::testing::GenerateRsaKeyPair().private_pem;
                     return Mint(r);
                   },
                   "TOKEN_SIGNATURE_INVALID"},
        RefusalRow{"county_without_region",
                   [] {
                     auto r = Request(Role::kCountyBureau);
                     r.region = "";
                     r.check_scope = false;
                     return Mint(r);
                   },
                   "TOKEN_CLAIMS_INVALID"},
        RefusalRow{"township_head_with_a_county_code",
                   [] {
                     auto r = Request(Role::kTownshipHead);
                     r.region = "331024";
                     r.check_scope = false;
                     return Mint(r);
                   },
                   "TOKEN_CLAIMS_INVALID"},
        RefusalRow{"school_admin_bad_school",
                   [] {
                     auto r = Request(Role::kSchoolAdmin);
                     r.school = "12345";
                     r.check_scope = false;
                     return Mint(r);
                   },
                   "TOKEN_CLAIMS_INVALID"}),
    [](const auto& info) { return info.param.name; });

TEST(JwtAccepts, EveryRoleWithItsScope) {
  for (Role role : {Role::kProvinceAdmin, Role::kCountyBureau, Role::kSchoolAdmin, Role::kTeacher,
                    Role::kService, Role::kTownshipHead}) {
    auto p = Verifier().Verify(Mint(Request(role)));
    ASSERT_TRUE(p.ok()) << RoleName(role) << ": " << p.status();
    EXPECT_EQ(p->role, role);
    EXPECT_EQ(p->subject, "test-user");
  }
  auto county = Verifier().Verify(Mint(Request(Role::kCountyBureau)));
  EXPECT_TRUE(county->CoversRegion("331024"));   // 仙居县 in 台州 3310
  EXPECT_FALSE(county->CoversRegion("520627"));  // 沿河县, another province
  auto school = Verifier().Verify(Mint(Request(Role::kSchoolAdmin)));
  EXPECT_TRUE(school->CanActForSchool("2133102401", "331024"));
  EXPECT_FALSE(school->CanActForSchool("2133102402", "331024"));
}

TEST(Authenticator, MissingAndMalformedMetadata) {
  const TestAuth& a = TestAuth::Shared();
  Authenticator auth(std::make_unique<JwtVerifier>(a.KeySet(), JwtPolicy{a.issuer, a.audience}));
  EXPECT_EQ(ReasonOf(auth.Authenticate("").status()), "TOKEN_MISSING");
  EXPECT_EQ(ReasonOf(auth.Authenticate("Basic dXNlcjpwYXNz").status()), "TOKEN_MALFORMED");
  EXPECT_TRUE(auth.Authenticate("Bearer " + a.Token()).ok());
  // A remembered token is still refused once expired.
  TokenRequest r = a.Request(Role::kTeacher);
  r.ttl = std::chrono::seconds(-60);  // exp already past beyond the leeway
  r.issued_at = std::chrono::system_clock::now() - std::chrono::seconds(1);
  EXPECT_EQ(ReasonOf(auth.Authenticate("Bearer " + *MintToken(r)).status()), "TOKEN_EXPIRED");
}

TEST(JwtMinter, RefusesScopesThatDoNotSuitTheRole) {
  auto r = Request(Role::kCountyBureau);
  r.region = "";
  EXPECT_EQ(MintToken(r).status().code(), absl::StatusCode::kInvalidArgument);
  r = Request(Role::kTeacher);
  r.school = "21331024";
  EXPECT_EQ(MintToken(r).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(KeySet, RejectsBadKeyFiles) {
  EXPECT_FALSE(KeySet::ParseJson("{").ok());
  EXPECT_FALSE(KeySet::ParseJson(R"({"keys":[]})").ok());
  EXPECT_FALSE(KeySet::ParseJson(R"({"keys":[{"kid":"a","public_key_pem":"-----BEGIN RSA PRIVATE KEY-----"}]})").ok());
  EXPECT_FALSE(KeySet::ParseJson(R"({"keys":[{"kid":"a","alg":"HS256","public_key_pem":"-----BEGIN PUBLIC KEY-----"}]})").ok());
  EXPECT_FALSE(KeySet::ParseJson(R"({"keys":[{"kid":"a","public_key_pem":"-----BEGIN PUBLIC KEY-----"},{"kid":"a","public_key_pem":"-----BEGIN PUBLIC KEY-----"}]})").ok());
  auto two = KeySet::ParseJson(R"({"keys":[{"kid":"a","public_key_pem":"-----BEGIN PUBLIC KEY-----"},{"kid":"b","public_key_pem":"-----BEGIN PUBLIC KEY-----"}]})");
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->size(), 2u);
  EXPECT_NE(two->Find("b"), nullptr);
  EXPECT_EQ(two->Find("c"), nullptr);
}

}  // namespace
}  // namespace gongtong::auth
