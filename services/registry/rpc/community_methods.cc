// RegistryService: communities, pairings and Party organisations. Each method listed in CommunityMethodNames() is
// implemented in this file; the others of the family still answer
// UNIMPLEMENTED through the edge.
#include "registry/rpc/registry_service.h"

namespace gongtong::registry {

const std::set<std::string>& CommunityMethodNames() {
  static const auto* kNames = new std::set<std::string>{};
  return *kNames;
}

}  // namespace gongtong::registry
