#pragma once
// Throwaway RSA keys and tokens for tests (OpenSSL + the suite's minter).

#include <string>

#include "common/auth/jwt_minter.h"
#include "common/auth/key_set.h"

namespace gongtong::testing {

struct RsaKeyPair {
  std::string private_pem;
  std::string public_pem;
};

// A fresh 2048-bit RSA key pair.
RsaKeyPair GenerateRsaKeyPair();

// A key file's JSON listing `public_pem` under `kid`.
std::string KeyFileJson(const std::string& kid, const std::string& public_pem);

// Keys, issuer and audience shared by a test binary; Token() mints for a role.
struct TestAuth {
  static TestAuth& Shared();
  std::string kid = "test-key-1";
  std::string issuer = "gongtong-test";
  std::string audience = "gongtong";
  RsaKeyPair keys;
  std::string key_file;  // path of a key file for service processes

  auth::TokenRequest Request(auth::Role role) const;  // subject "test-user"
  std::string Token(auth::Role role = auth::Role::kProvinceAdmin) const;
  auth::KeySet KeySet() const;
};

}  // namespace gongtong::testing
