#include "common/auth/key_set.h"

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace gongtong::auth {

absl::StatusOr<KeySet> KeySet::ParseJson(std::string_view json) {
  google::protobuf::Struct root;
  auto parsed = google::protobuf::util::JsonStringToMessage(std::string(json), &root);
  if (!parsed.ok()) return absl::InvalidArgumentError("key file is not valid JSON");
  auto keys = root.fields().find("keys");
  if (keys == root.fields().end() || !keys->second.has_list_value()) {
    return absl::InvalidArgumentError("key file needs a \"keys\" array");
  }
  KeySet set;
  int index = 0;
  for (const auto& v : keys->second.list_value().values()) {
    const auto& f = v.struct_value().fields();
    auto get = [&](const char* name) -> std::string {
      auto it = f.find(name);
      return it == f.end() ? "" : it->second.string_value();
    };
    std::string kid = get("kid"), alg = get("alg"), pem = get("public_key_pem");
    if (kid.empty() || pem.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("key file: keys[", index, "] needs \"kid\" and \"public_key_pem\""));
    }
    if (!alg.empty() && alg != "RS256") {
      return absl::InvalidArgumentError(
          absl::StrCat("key file: key ", kid, " has alg ", alg, "; only RS256 is accepted"));
    }
    if (!absl::StrContains(pem, "BEGIN PUBLIC KEY")) {
      return absl::InvalidArgumentError(
          absl::StrCat("key file: key ", kid, " is not a PEM public key (never put a private key here)"));
    }
    if (!set.pem_by_kid_.emplace(kid, pem).second) {
      return absl::InvalidArgumentError(absl::StrCat("key file: kid ", kid, " listed twice"));
    }
    ++index;
  }
  if (set.pem_by_kid_.empty()) return absl::InvalidArgumentError("key file lists no keys");
  return set;
}

absl::StatusOr<KeySet> KeySet::LoadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read key file ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto set = ParseJson(buffer.str());
  if (!set.ok()) return absl::Status(set.status().code(), path + ": " + std::string(set.status().message()));
  return set;
}

const std::string* KeySet::Find(std::string_view kid) const {
  auto it = pem_by_kid_.find(kid);
  return it == pem_by_kid_.end() ? nullptr : &it->second;
}

}  // namespace gongtong::auth
