#pragma once
// The public keys that may sign tokens, by key id ("kid"). Loaded from a JSON
// key file (GONGTONG_JWT_KEYS):
//   {"keys":[{"kid":"dev-2026-11","alg":"RS256","public_key_pem":"-----BEGIN PUBLIC KEY-----\n..."}]}
// Several keys may be listed at once, which is how keys are rotated.

#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace gongtong::auth {

class KeySet {
 public:
  static absl::StatusOr<KeySet> ParseJson(std::string_view json);
  static absl::StatusOr<KeySet> LoadFile(const std::string& path);

  // PEM of key `kid`, or nullptr when unknown.
  const std::string* Find(std::string_view kid) const;
  size_t size() const { return pem_by_kid_.size(); }

 private:
  std::map<std::string, std::string, std::less<>> pem_by_kid_;
};

}  // namespace gongtong::auth
