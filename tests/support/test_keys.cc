#include "test_keys.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstdlib>
#include <fstream>

#include "common/log/log.h"
#include "local_servers.h"

namespace gongtong::testing {
namespace {

std::string BioToString(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, len);
}

}  // namespace

RsaKeyPair GenerateRsaKeyPair() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  if (!key) std::abort();
  BIO* priv = BIO_new(BIO_s_mem());
  BIO* pub = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(priv, key, nullptr, nullptr, 0, nullptr, nullptr);
  PEM_write_bio_PUBKEY(pub, key);
  RsaKeyPair pair{BioToString(priv), BioToString(pub)};
  BIO_free(priv);
  BIO_free(pub);
  EVP_PKEY_free(key);
  return pair;
}

std::string KeyFileJson(const std::string& kid, const std::string& public_pem) {
  return "{\"keys\":[{\"kid\":" + log::JsonQuote(kid) + ",\"alg\":\"RS256\",\"public_key_pem\":" +
         log::JsonQuote(public_pem) + "}]}";
}

TestAuth& TestAuth::Shared() {
  static TestAuth* auth = [] {
    auto* a = new TestAuth();
    a->keys = GenerateRsaKeyPair();
    static const std::string dir = MakeTempDir("keys");
    a->key_file = dir + "/keys.json";
    std::ofstream(a->key_file) << KeyFileJson(a->kid, a->keys.public_pem);
    std::atexit([] { std::system(("rm -rf '" + dir + "'").c_str()); });
    return a;
  }();
  return *auth;
}

auth::TokenRequest TestAuth::Request(auth::Role role) const {
  auth::TokenRequest r;
  r.private_key_pem = keys.private_pem;
  r.kid = kid;
  r.issuer = issuer;
  r.audience = audience;
  r.subject = "test-user";
  r.role = role;
  if (role == auth::Role::kCountyBureau) r.region = "3310";
  if (role == auth::Role::kTownshipHead) r.region = "331024101";  // a township of 仙居县
  if (role == auth::Role::kSchoolAdmin || role == auth::Role::kTeacher) r.school = "2133102401";
  return r;
}

std::string TestAuth::Token(auth::Role role) const {
  auto token = auth::MintToken(Request(role));
  if (!token.ok()) std::abort();
  return *token;
}

auth::KeySet TestAuth::KeySet() const { return *auth::KeySet::ParseJson(KeyFileJson(kid, keys.public_pem)); }

}  // namespace gongtong::testing
