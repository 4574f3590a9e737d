// gongtong-scheduling: wiring only. Business RPCs arrive with issue (not yet filed); until
// then the skeleton answers UNIMPLEMENTED for each of them.
#include "common/server/skeleton_service.h"
#include "gongtong/scheduling/v1/scheduling_service.grpc.pb.h"

namespace gongtong::pg {
const std::vector<Migration>& SchedulingMigrations();
}  // namespace gongtong::pg

int main(int argc, char** argv) {
  gongtong::ServiceDefinition def;
  def.name = "scheduling";
  def.default_port = 50052;
  def.grpc_service = "gongtong.scheduling.v1.SchedulingService";
  def.migrations = &gongtong::pg::SchedulingMigrations();
  return gongtong::RunSkeletonService<gongtong::scheduling::v1::SchedulingService>(def, argc, argv);
}
