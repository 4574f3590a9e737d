// gongtong-registry: wiring only. Business RPCs arrive with issue 3; until
// then the skeleton answers UNIMPLEMENTED for each of them.
#include "common/server/skeleton_service.h"
#include "gongtong/registry/v1/registry_service.grpc.pb.h"

namespace gongtong::pg {
const std::vector<Migration>& RegistryMigrations();
}  // namespace gongtong::pg

int main(int argc, char** argv) {
  gongtong::ServiceDefinition def;
  def.name = "registry";
  def.default_port = 50051;
  def.grpc_service = "gongtong.registry.v1.RegistryService";
  def.migrations = &gongtong::pg::RegistryMigrations();
  return gongtong::RunSkeletonService<gongtong::registry::v1::RegistryService>(def, argc, argv);
}
